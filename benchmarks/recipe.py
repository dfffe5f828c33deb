"""Choose the default recipe on the tuning set, without touching a test split.

Each problem's published *training* split is cut once more (stratified, 70/30, seeded):
variants of the recipe train on the inner 70 % and are scored on the inner 30 %, beside
QUANT fitted on the same inner 70 %. Test splits are never loaded. Resumable: finished
rows of the CSV are skipped.

    python benchmarks/recipe.py --out benchmarks/results/recipe.csv --seeds 0 1
    python benchmarks/recipe.py --datasets ECG200 ChlorineConcentration CricketX FiftyWords \
        DistalPhalanxOutlineAgeGroup JapaneseVowels ArrowHead GunPoint \
        --variants r2-none r2-kd r2-kd-fix r2-kd-nomix r2-kd-fix-nomix --n-jobs 1   # round 2
    python benchmarks/recipe.py --datasets ChlorineConcentration ECG200 CricketX \
        ArrowHead GunPoint JapaneseVowels --variants r2-none r2-kd r3-kd-b0 r3-kd-b1 \
        r3-kd-b3 --n-jobs 1                                           # round 3
    python benchmarks/recipe.py --datasets Chinatown BME JapaneseVowels \
        AllGestureWiimoteX EOGHorizontalSignal --seeds 0 1 --variants r4-none-series \
        r4-none-channel r4-none-raw --n-jobs 1 --out benchmarks/results/recipe_scaling.csv
    python benchmarks/recipe.py --datasets ArrowHead ECG200 GunPoint FaceFour BME CBF \
        DistalPhalanxOutlineAgeGroup ChlorineConcentration CricketX JapaneseVowels \
        --variants r5-none r5-kd r5-dkd-t4-b8 r5-dkd-t2-b8 r5-dkd-t2-b2 --n-jobs 1 \
        --out benchmarks/results/recipe_logits.csv                          # round 5
    python benchmarks/recipe.py --datasets BME FaceFour ArrowHead CBF Coffee \
        DiatomSizeReduction GunPoint ECG200 DistalPhalanxOutlineAgeGroup CinCECGTorso \
        --seeds 0 1 --variants r6-none r6-kd r6-kd-bankonly --n-jobs 1 \
        --out benchmarks/results/recipe_bank.csv                            # round 6
    python benchmarks/recipe.py --datasets CinCECGTorso Chinatown ItalyPowerDemand \
        ECGFiveDays DistalPhalanxOutlineCorrect JapaneseVowels CricketX FiftyWords \
        ChlorineConcentration Computers ACSF1 AllGestureWiimoteX FreezerRegularTrain \
        ECG5000 EOGHorizontalSignal --seeds 0 1 --variants r6-none r6-kd r6-kd-bankonly \
        --n-jobs 1 --out benchmarks/results/recipe_bank.csv           # round 6, wider
    python benchmarks/recipe.py --datasets Chinatown ECGFiveDays ItalyPowerDemand \
        DiatomSizeReduction CBF BME JapaneseVowels Coffee DistalPhalanxOutlineCorrect \
        ECG200 ChlorineConcentration GunPoint DistalPhalanxOutlineAgeGroup FaceFour \
        ArrowHead CricketX FiftyWords Computers CinCECGTorso ACSF1 --seeds 0 1 \
        --variants r7-kd-bankonly-nojitter r7-kd-bankonly-mixscale --n-jobs 1 \
        --out benchmarks/results/recipe_bank.csv                            # round 7
(Fungi cannot be cut: its 18 training series are one per class.)
"""

import argparse
import csv
import os
import time
import warnings

import numpy as np

#: the first default recipe (before round 3): series normalisation, a bank of
#: min(4000, max(500, 10 n)) series and a step budget shared with the bank rows
_FIRST = {"first_recipe": True, "normalize": "series"}

VARIANTS = {
    # name: (method, estimator parameters)
    "none-cnn": ("none", {"student": "cnn"}),
    "none-lite": ("none", {"student": "lite"}),
    "kd1-cnn-nobank": ("kd", {"student": "cnn", "transfer_size": 0, "temperature": 1.0}),
    "kd1-cnn": ("kd", {"student": "cnn", "temperature": 1.0}),
    "kd2-cnn": ("kd", {"student": "cnn", "temperature": 2.0}),
    "kd4-cnn": ("kd", {"student": "cnn", "temperature": 4.0}),
    "kd1-lite": ("kd", {"student": "lite", "temperature": 1.0}),
    "kd1-cnn-old": ("kd", {"student": "cnn", "temperature": 4.0, "transfer_size": 0,
                           "max_epochs": 100, "validation_size": 0.2, "patience": 20,
                           "lr": 5e-3, "lr_schedule": None, "optimizer": "adam",
                           "normalize": None}),
    # round 2, the default recipe (LITE student, T=2, transfer set): does correcting the
    # teacher's wrong top class on labelled series (KDCTime) or dropping mixup pay?
    "r2-none": ("none", {"normalize": "series"}),
    # the first default recipe, spelt out (it no longer is the default): a bank of
    # min(4000, max(500, 10 n)) and a step budget shared with the bank rows
    "r2-kd": ("kd", {"temperature": 2.0, **_FIRST}),
    "r2-kd-fix": ("kd", {"temperature": 2.0, "label_correction": True, **_FIRST}),
    "r2-kd-nomix": ("kd", {"temperature": 2.0, **_FIRST,
                           "augmentations": ("jitter", "scaling", "time_warp", "window_slice")}),
    "r2-kd-fix-nomix": ("kd", {"temperature": 2.0, "label_correction": True, **_FIRST,
                               "augmentations": ("jitter", "scaling", "time_warp",
                                                 "window_slice")}),
    # round 3: is the transfer-set student under-trained? The step budget is shared by
    # labelled and bank rows, so a 10x bank left ~20 epochs where `none` had ~180. Here
    # the student gets as many passes over its labelled series as `none`, beside a bank
    # of k x n series
    "r3-kd-b0": ("kd", {"temperature": 2.0, "transfer_factor": 0, "labelled_epochs": True,
                        "normalize": "series"}),
    "r3-kd-b1": ("kd", {"temperature": 2.0, "transfer_factor": 1, "labelled_epochs": True,
                        "normalize": "series"}),
    "r3-kd-b3": ("kd", {"temperature": 2.0, "transfer_factor": 3, "labelled_epochs": True,
                        "normalize": "series"}),
    # round 4: input scaling where the archive's series are not z-normalised
    "r4-none-series": ("none", {"normalize": "series"}),
    "r4-none-channel": ("none", {"normalize": "channel"}),
    "r4-none-raw": ("none", {"normalize": None}),
    # round 5: DKD's temperature and NCKD weight under the current recipe (a bank of n,
    # channel scaling, labelled passes): its defaults (T=4, beta=8) come from image
    # classification, with teachers far more confident than QUANT. TSD was left out:
    # one TSD fit on ArrowHead ran for over 6 minutes (50 perturbed windows per series
    # and step, over the recipe's 1,000 epochs of a 25-series set)
    "r5-none": ("none", {}),
    "r5-kd": ("kd", {"temperature": 2.0}),
    "r5-dkd-t4-b8": ("dkd", {"method_params": {"temperature": 4.0, "beta": 8.0}}),
    "r5-dkd-t2-b8": ("dkd", {"method_params": {"temperature": 2.0, "beta": 8.0}}),
    "r5-dkd-t2-b2": ("dkd", {"method_params": {"temperature": 2.0, "beta": 2.0}}),
    # round 6: on training sets of a few dozen series, the out-of-fold soft labels of
    # the training series come from teachers fitted on 80 % of them. Distil on the
    # transfer set only (labelled by the teacher fitted on every series) and leave the
    # labelled series to their labels?
    "r6-none": ("none", {}),
    "r6-kd": ("kd", {"temperature": 2.0}),
    "r6-kd-bankonly": ("kd", {"temperature": 2.0, "distil_labelled": False}),
    # round 7: QUANT (fitted on each problem's training series) gives an augmented
    # series its parent's class far less often after jitter at 5 % of the series' std
    # (0.25-0.60 on EthanolLevel, FreezerRegularTrain, FordA/B, Computers,
    # DistalPhalanxOutlineCorrect) than after scaling (0.78-1.00): the bank then
    # teaches where the teacher is off its data. Drop jitter, or keep only the two
    # augmentations it labels most consistently?
    "r7-kd-bankonly-nojitter": ("kd", {"temperature": 2.0, "distil_labelled": False,
                                       "augmentations": ("mixup", "scaling", "time_warp",
                                                         "window_slice")}),
    "r7-kd-bankonly-mixscale": ("kd", {"temperature": 2.0, "distil_labelled": False,
                                       "augmentations": ("mixup", "scaling")}),
    # round 8: instead of dropping an augmentation everywhere, drop the bank series the
    # teacher moves out of their parent's class (single-parent augmentations: jitter,
    # scaling, warps, slicing; mixup blends two classes and stays). The bank is drawn
    # here as the estimator draws it (one copy per training series, the default
    # augmentations), labelled by the inner split's QUANT, and passed as X_unlabelled
    # with transfer_size=0; "external" is the same bank unfiltered, the control
    "r8-kd-bankonly-external": ("kd", {"temperature": 2.0, "distil_labelled": False,
                                       "external_bank": "all"}),
    "r8-kd-bankonly-consistent": ("kd", {"temperature": 2.0, "distil_labelled": False,
                                         "external_bank": "consistent"}),
    # round 9: DKD (the paper's loss on every row, beta 8, T 2) lost to "none" on 21 of
    # 29 UCR problems and agreed with the teacher less than "none" did. Its NCKD term
    # weighs 8 x T^2 the out-of-fold soft labels of the training series, the soft
    # labels round 6 found worse than the transfer set's; distil on the bank only?
    "r9-dkd": ("dkd", {}),
    "r9-dkd-bankonly": ("dkd", {"method_params": {"distil_labelled": False}}),
}
ROUND2 = ("ECG200", "ChlorineConcentration", "CricketX", "FiftyWords",
          "DistalPhalanxOutlineAgeGroup", "JapaneseVowels", "ArrowHead", "GunPoint")
PROBLEMS = ("ArrowHead", "BME", "CBF", "Chinatown", "Coffee", "DistalPhalanxOutlineCorrect",
            "ECG200", "ECGFiveDays", "FaceFour", "GunPoint", "ItalyPowerDemand", "CricketX",
            "FiftyWords", "Computers")
FIELDS = ("dataset", "seed", "variant", "accuracy", "teacher_accuracy", "agreement",
          "fit_seconds", "epochs", "n_params")


def inner_split(dataset, seed):
    from sklearn.model_selection import train_test_split

    from aeon_kd.datasets import load_classification_dataset

    X, y = load_classification_dataset(dataset, "train")
    if isinstance(X, list):  # unequal length: resized to the longest, as the runner does
        from aeon.transformations.collection.unequal_length import Resizer

        X = Resizer(resized_length=max(x.shape[-1] for x in X)).fit_transform(X)
    labels, counts = np.unique(y, return_counts=True)
    single = np.isin(y, labels[counts < 2])  # a class of one series stays in training
    if single.all():
        raise ValueError(f"{dataset}: every class has one training series; no inner split.")
    X_tr, X_va, y_tr, y_va = train_test_split(
        X[~single], y[~single], test_size=0.3, stratify=y[~single], random_state=seed
    )
    return np.concatenate([X_tr, X[single]]), X_va, np.concatenate([y_tr, y[single]]), y_va


def external_bank(X_tr, y_tr, teacher, seed, keep):
    """The default transfer set drawn outside the estimator, filtered by ``keep``.

    ``keep="consistent"`` drops the single-parent copies the teacher gives another
    class than their parent's; ``"all"`` keeps every copy. Returns the bank and the
    share of copies kept.
    """
    from aeon_kd.transfer import DEFAULT_AUGMENTATIONS, make_transfer_bank

    size = len(X_tr)  # transfer_size="auto" below 4,000 training series
    bank = make_transfer_bank(X_tr, size, DEFAULT_AUGMENTATIONS, rng=1000 + seed)
    draws = np.random.default_rng(1000 + seed)  # the same draws make_transfer_bank made
    source = draws.integers(0, len(X_tr), size=size)
    which = np.asarray(DEFAULT_AUGMENTATIONS)[draws.integers(0, len(DEFAULT_AUGMENTATIONS),
                                                              size=size)]  # fmt: skip
    if keep == "all":
        return bank, 1.0
    blended = np.isin(which, ("mixup", "cutmix"))
    same = teacher.predict(bank) == y_tr[source]
    kept = blended | same
    return bank[kept], float(kept.mean())


def run(dataset, seed, variants, done):
    import torch
    from aeon.classification.interval_based import QUANTClassifier

    from aeon_kd import DistilledClassifier
    from aeon_kd.methods import HintonKD

    torch.set_num_threads(1)
    X_tr, X_va, y_tr, y_va = inner_split(dataset, seed)
    quant = QUANTClassifier(random_state=seed).fit(X_tr, y_tr)
    teacher_pred = quant.predict(X_va)
    teacher_acc = float(np.mean(teacher_pred == y_va))
    rows = []
    for name in variants:
        if (dataset, seed, name) in done:
            continue
        method, params = VARIANTS[name]
        params = dict(params)
        temperature = params.pop("temperature", None)
        correction = params.pop("label_correction", False)
        distil_labelled = params.pop("distil_labelled", True)
        factor = params.pop("transfer_factor", None)
        if factor is not None:
            params["transfer_size"] = int(factor * len(X_tr))
        if params.pop("first_recipe", False):
            from aeon_kd.training import auto_epochs

            params["transfer_size"] = int(min(4000, max(500, 10 * len(X_tr))))
            params["max_epochs"] = auto_epochs(len(X_tr) + params["transfer_size"], 32)
        if params.pop("labelled_epochs", False):
            from aeon_kd.training import auto_epochs

            params["max_epochs"] = auto_epochs(len(X_tr), 32)
        method_params = params.pop("method_params", {})
        fit_params = {}
        keep = params.pop("external_bank", None)
        if keep is not None:
            fit_params["X_unlabelled"], share = external_bank(X_tr, y_tr, quant, seed, keep)
            params["transfer_size"] = 0
            print(dataset, seed, name, f"bank kept {share:.2f}", flush=True)
        if method == "kd":
            method = HintonKD(temperature=temperature, label_correction=correction,
                              distil_labelled=distil_labelled)  # fmt: skip
        clf = DistilledClassifier(method=method, random_state=seed, **params)
        clf.set_params(**{f"method__{k}": v for k, v in method_params.items()})
        start = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            clf.fit(X_tr, y_tr, teacher=QUANTClassifier(random_state=seed), **fit_params)
        seconds = time.perf_counter() - start
        pred = clf.predict(X_va)
        rows.append({"dataset": dataset, "seed": seed, "variant": name,
                     "accuracy": float(np.mean(pred == y_va)),
                     "teacher_accuracy": teacher_acc,
                     "agreement": float(np.mean(pred == teacher_pred)),
                     "fit_seconds": round(seconds, 2), "epochs": len(clf.history_),
                     "n_params": clf.n_student_params_})
        print(dataset, seed, name, rows[-1]["accuracy"], teacher_acc, f"{seconds:.0f}s",
              flush=True)
    return rows


def summary(paths, rounds):
    """Markdown: per round, each variant's inner-split accuracy by problem (mean over
    seeds), its mean, and its wins/ties/losses against the round's first variant."""
    import pandas as pd
    from scipy.stats import wilcoxon

    frame = pd.concat([pd.read_csv(p) for p in paths if os.path.exists(p)])
    frame = frame.drop_duplicates(["dataset", "seed", "variant"], keep="last")
    out = []
    for title, variants in rounds:
        part = frame[frame.variant.isin(variants)]
        paired = part.pivot_table(index=["dataset", "seed"], columns="variant",
                                  values="accuracy").reindex(columns=list(variants)).dropna()
        if paired.empty:
            continue
        # only (problem, seed) pairs where every variant of the round ran
        table = paired.groupby(level="dataset").mean()
        seeds = paired.groupby(level="dataset").size()
        kept = part.set_index(["dataset", "seed"]).loc[paired.index]
        teacher = kept.groupby(level="dataset").teacher_accuracy.mean().reindex(table.index)
        out += [f"### {title}", "", "| problem | seeds | QUANT | " + " | ".join(variants) + " |",
                "|---|---|---|" + "---|" * len(variants)]
        for name, row in table.iterrows():
            cells = " | ".join(f"{v:.3f}" for v in row)
            out.append(f"| {name} | {seeds[name]} | {teacher[name]:.3f} | {cells} |")
        base = table[variants[0]]
        means = " | ".join(f"**{table[v].mean():.3f}**" for v in variants)
        out.append(f"| mean | | {teacher.mean():.3f} | {means} |")
        record = []
        for v in variants[1:]:
            diff = table[v] - base
            moved = diff[diff.abs() > 1e-9]
            # one-sided: is the variant ahead of the round's first variant? (ties dropped)
            p = (f", one-sided Wilcoxon p = {wilcoxon(moved, alternative='greater').pvalue:.2f}"
                 if len(moved) >= 5 else "")
            record.append(f"`{v}` vs `{variants[0]}`: {int((diff > 1e-9).sum())} wins, "
                          f"{int((diff.abs() <= 1e-9).sum())} ties, {int((diff < -1e-9).sum())} "
                          f"losses (mean {diff.mean():+.3f}{p})")
        out += ["", "; ".join(record) + ".", ""]
    return "\n".join(out)


_SUMMARY_HEAD = """# Choosing the default recipe on inner splits of the tuning set

Every figure is an accuracy on the inner 30 % of a tuning problem's *training* split, the
variant trained on the other 70 % (stratified, seeded); test splits are never loaded.
QUANT is fitted on the same 70 %. Written by
`python benchmarks/recipe.py --summary benchmarks/results/recipe.md` from
`recipe.csv`, `recipe_scaling.csv`, `recipe_logits.csv` (round 5) and `recipe_bank.csv`
(round 6) (commands in `benchmarks/recipe.py`), on the 2-core machine of the UCR table,
with up to five runs side by side. Round 6 ran on 10 problems, then on 10 more in a
later session (of its wider command, ACSF1 was the last problem reached: CinCECGTorso's
second seed and ten problems were added; the four largest, EthanolLevel and Fungi are
left out for time or because they cannot be cut). Round 9 (`recipe_dkd.csv`, code of
5bf3781, frozen worktree, one process beside two UCR runs): `python benchmarks/recipe.py
--out benchmarks/results/recipe_dkd.csv --datasets DiatomSizeReduction
DistalPhalanxOutlineCorrect ECG200 ArrowHead GunPoint ChlorineConcentration --seeds 0 1
--variants r9-dkd r9-dkd-bankonly --n-jobs 1`, against the round-6 rows of the same
splits. Inner validation parts hold 5-180 series, so single problems are noisy: read
the means and the records (wins, ties, losses over problems, the mean difference and a
one-sided Wilcoxon signed-rank p over the problems that moved).
Variants are spelt out in `VARIANTS` (later rounds do not depend on the defaults).

"""


ROUNDS = (
    ("Round 1: the first recipe's students and temperatures (code of commit 41af494)",
     ("none-cnn", "none-lite", "kd1-cnn-nobank", "kd1-cnn", "kd2-cnn", "kd4-cnn",
      "kd1-lite", "kd1-cnn-old")),
    ("Round 2: correcting the teacher's wrong top class, dropping mixup (first recipe)",
     ("r2-none", "r2-kd", "r2-kd-fix", "r2-kd-nomix", "r2-kd-fix-nomix")),
    ("Round 3: bank size with as many passes over the labelled series as `none`",
     ("r2-none", "r2-kd", "r3-kd-b0", "r3-kd-b1", "r3-kd-b3")),
    ("Round 3, wider: the first recipe against a bank of n with labelled passes",
     ("r2-none", "r2-kd", "r3-kd-b1")),
    ("Round 4: input scaling on the problems the archive does not z-normalise",
     ("r4-none-series", "r4-none-channel", "r4-none-raw")),
    ("Round 5: DKD's temperature and NCKD weight under the current recipe",
     ("r5-none", "r5-kd", "r5-dkd-t4-b8", "r5-dkd-t2-b8", "r5-dkd-t2-b2")),
    ("Round 6: distilling on the transfer set only (labelled series learn from labels)",
     ("r6-none", "r6-kd", "r6-kd-bankonly")),
    ("Round 7: the bank's augmentations, distilling on the transfer set only",
     ("r6-none", "r6-kd-bankonly", "r7-kd-bankonly-nojitter", "r7-kd-bankonly-mixscale")),
    ("Round 8: dropping the bank series the teacher moves out of their parent's class",
     ("r6-none", "r6-kd-bankonly", "r8-kd-bankonly-external", "r8-kd-bankonly-consistent")),
    ("Round 9: DKD on every row against DKD on the transfer set only",
     ("r6-none", "r6-kd-bankonly", "r9-dkd", "r9-dkd-bankonly")),
)  # fmt: skip


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--summary", default=None, metavar="MD",
                        help="write the rounds' tables from the CSVs to MD and stop")
    parser.add_argument("--out", default="benchmarks/results/recipe.csv")
    parser.add_argument("--datasets", nargs="*", default=PROBLEMS)
    parser.add_argument("--seeds", nargs="*", type=int, default=[0])
    parser.add_argument("--variants", nargs="*", default=list(VARIANTS))
    parser.add_argument("--n-jobs", type=int, default=2)
    args = parser.parse_args()
    if args.summary:
        paths = [args.out] + [os.path.join(os.path.dirname(args.out), name)
                              for name in ("recipe_scaling.csv", "recipe_logits.csv",
                                           "recipe_bank.csv", "recipe_dkd.csv")]
        with open(args.summary, "w", encoding="utf-8") as f:
            f.write(_SUMMARY_HEAD + summary(paths, ROUNDS) + "\n")
        return
    from joblib import Parallel, delayed

    done = set()
    if os.path.exists(args.out):
        with open(args.out) as f:
            done = {(r["dataset"], int(r["seed"]), r["variant"]) for r in csv.DictReader(f)}
    new = not os.path.exists(args.out)
    with open(args.out, "a", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=FIELDS)
        if new:
            writer.writeheader()
        jobs = (delayed(run)(d, s, args.variants, done) for d in args.datasets
                for s in args.seeds)
        for rows in Parallel(n_jobs=args.n_jobs, return_as="generator_unordered")(jobs):
            writer.writerows(rows)
            f.flush()


if __name__ == "__main__":
    main()
