"""The students issue's targets, read from the UCR table (benchmarks/results/ucr/results.csv).

    python benchmarks/ucr_targets.py [--results benchmarks/results/ucr/results.csv]

Writes benchmarks/results/ucr_targets.md: the share of QUANT's mean accuracy the default
student keeps, KD against no KD (wins, Wilcoxon signed-rank test), export size against
the teachers' pickles, fit seconds. Only the (dataset, resample) pairs where QUANT, the
no-KD and the KD student all finished count, so every mean covers the same resamples; the
note says how many datasets.
"""

import argparse
import os

import numpy as np
import pandas as pd
from scipy.stats import spearmanr, wilcoxon


def _record(diff):
    return (f"{int((diff > 0).sum())} wins, {int((diff == 0).sum())} ties, "
            f"{int((diff < 0).sum())} losses")


def _paired(frame, models=("teacher-quant", "none", "kd")):
    """The rows of the (dataset, resample) pairs where every one of ``models`` finished,
    so that each model's mean over resamples covers the same resamples."""
    have = frame[frame["model"].isin(models)].groupby(["dataset", "resample"])["model"]
    pairs = have.nunique()
    complete = pairs[pairs == len(models)].reset_index()[["dataset", "resample"]]
    return frame.merge(complete, on=["dataset", "resample"])


def _compared(complete, path, resamples):
    """This recipe against an earlier one, on the datasets both have complete."""
    earlier = pd.read_csv(path)
    if resamples is not None:
        earlier = earlier[earlier["resample"].isin(resamples)]
    earlier = _paired(earlier).pivot_table(index="dataset", columns="model",
                                           values="accuracy")
    common = complete.index.intersection(earlier.dropna(subset=["none", "kd"]).index)
    if not len(common):
        return []
    now, then = complete.loc[common], earlier.loc[common]
    return [
        f"- Against the earlier recipe (`{path}`) on the same {len(common)} datasets: kd "
        f"{now['kd'].mean():.4f} (earlier {then['kd'].mean():.4f}), none "
        f"{now['none'].mean():.4f} (earlier {then['none'].mean():.4f}); KD vs no KD now "
        f"{_record(now['kd'] - now['none'])}, earlier {_record(then['kd'] - then['none'])}; "
        f"kd now vs kd earlier: {_record(now['kd'] - then['kd'])}.",
    ]


def _beyond_spread(pairs, gap):
    """The datasets where KD's paired difference over resamples is more than two standard
    errors from zero: the wins and losses that are not one resample's noise."""
    each = (pairs["kd"] - pairs["none"]).dropna().groupby(level="dataset")
    mean, count = each.mean(), each.count()
    # a dataset whose resamples all moved by the same amount has a zero spread: it counts
    # as beyond it when the amount is not zero
    se = each.std().fillna(0.0) / np.sqrt(count)
    beyond = (count > 1) & (mean.abs() > 2 * se) & (mean != 0)

    def listed(where):
        names = mean[where].sort_values(key=abs, ascending=False).index
        return ", ".join(f"{d} {mean[d]:+.3f} (QUANT {gap[d]:+.3f})" for d in names) or "none"

    return [f"- KD vs no KD beyond two standard errors of its paired difference over the "
            f"resamples: {int((beyond & (mean > 0)).sum())} wins ({listed(beyond & (mean > 0))}); "
            f"{int((beyond & (mean < 0)).sum())} losses ({listed(beyond & (mean < 0))}); the "
            f"other {int((~beyond).sum())} within it. In brackets QUANT's margin over the "
            f"no-KD student."]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--results", default="benchmarks/results/ucr/results.csv")
    parser.add_argument("--out", default="benchmarks/results/ucr_targets.md")
    parser.add_argument("--compare", default="benchmarks/results/ucr_v2/results.csv",
                        help="an earlier recipe's results.csv, compared on common datasets")
    parser.add_argument("--resamples", nargs="*", type=int, default=None,
                        help="only these resamples (default: every one in the table)")
    args = parser.parse_args()
    frame = pd.read_csv(args.results)
    if args.resamples is not None:
        frame = frame[frame["resample"].isin(args.resamples)]
    frame = _paired(frame)
    acc = frame.pivot_table(index="dataset", columns="model", values="accuracy")
    models = ["teacher-quant", "none", "kd"]
    complete = acc.dropna(subset=[m for m in models if m in acc])
    n_resamples = frame.groupby("dataset")["resample"].nunique()
    lines = ["# Targets of the students issue, measured", ""]
    lines.append(f"Datasets with every compared model: {len(complete)} of 30 "
                 f"(resamples per dataset: {sorted(set(n_resamples[complete.index]))}). "
                 f"Written by `python benchmarks/ucr_targets.py"
                 + ("" if args.resamples is None else
                    " --resamples " + " ".join(map(str, args.resamples))) + "`.")
    lines.append("")
    quant = complete["teacher-quant"].mean()
    # each model against QUANT on the (dataset, resample) pairs both have, so that a
    # model with fewer resamples is not compared with QUANT's mean over more of them
    by_pair = frame.pivot_table(index=["dataset", "resample"], columns="model",
                                values="accuracy")
    rows = []
    for model in [m for m in acc.columns if m != "teacher-quant"]:
        both = by_pair[["teacher-quant", model]].dropna()
        per_dataset = both.groupby(level="dataset").mean()
        rows.append((model, len(per_dataset), len(both), per_dataset[model].mean(),
                     per_dataset["teacher-quant"].mean(),
                     per_dataset[model].mean() / per_dataset["teacher-quant"].mean()))
    lines.append("| model | datasets | pairs | mean accuracy | QUANT on them | share of QUANT |")
    lines.append("|---|---|---|---|---|---|")
    for model, n, n_pairs, mean, teacher, share in rows:
        lines.append(f"| {model} | {n} | {n_pairs} | {mean:.4f} | {teacher:.4f} | {share:.1%} |")
    lines.append("")
    kd, none = complete["kd"], complete["none"]
    diff = kd - none
    wins, ties, losses = int((diff > 0).sum()), int((diff == 0).sum()), int((diff < 0).sum())
    nonzero = diff[diff != 0]
    p = wilcoxon(nonzero).pvalue if len(nonzero) >= 5 else float("nan")
    lines.append(f"- Default student keeps **{kd.mean() / quant:.1%}** of QUANT's mean accuracy "
                 f"({kd.mean():.4f} vs {quant:.4f}) on {len(complete)} datasets.")
    lines.append(f"- KD vs no KD (same student and recipe): {wins} wins, {ties} ties, "
                 f"{losses} losses ({wins / len(complete):.0%} wins); mean difference "
                 f"{diff.mean():+.4f}; Wilcoxon signed-rank p = {p:.3f} (ties dropped).")
    pairs = frame.pivot_table(index=["dataset", "resample"], columns="model",
                              values="accuracy")
    if len(pairs) > len(complete):  # several resamples: each one a paired comparison
        each = (pairs["kd"] - pairs["none"]).dropna()
        moved = each[each != 0]
        lines.append(f"- Per (dataset, resample) pair ({len(each)} pairs): KD vs no KD "
                     f"{_record(each)}; mean difference {each.mean():+.4f}; Wilcoxon p = "
                     f"{wilcoxon(moved).pvalue:.3f}.")
    gap = complete["teacher-quant"] - none
    for margin in (0.0, 0.01, 0.03):
        where = gap > margin
        d = diff[where]
        lines.append(f"- Where QUANT beats the no-KD student by more than {margin:.2f} "
                     f"({int(where.sum())} datasets): KD vs no KD {_record(d)}, mean "
                     f"difference {d.mean():+.4f}; elsewhere {_record(diff[~where])}.")
    rho = spearmanr(gap, diff)
    lines.append(f"- KD's gain over no KD against QUANT's margin over the no-KD student, per "
                 f"dataset: Spearman {rho.statistic:.2f} (p = {rho.pvalue:.3f}, "
                 f"{len(diff)} datasets).")
    if len(pairs) > len(complete):
        lines += _beyond_spread(pairs, gap)
    if "kd-notransfer" in complete:
        d2 = (kd - complete["kd-notransfer"]).dropna()
        lines.append(f"- KD with vs without the transfer set: {int((d2 > 0).sum())} wins, "
                     f"{int((d2 == 0).sum())} ties, {int((d2 < 0).sum())} losses; mean "
                     f"difference {d2.mean():+.4f}.")
    students = frame[frame["model"] == "kd"].groupby("dataset")
    pickles = frame[frame["role"].isin(["teacher", "competitor"])].pivot_table(
        index="dataset", columns="model", values="n_bytes")
    export = students["export_bytes"].mean()
    for reference in ("teacher-quant", "competitor-minirocket"):
        if reference in pickles:
            ratio = (pickles[reference] / export).dropna()
            lines.append(f"- {reference} pickle / student ONNX file: median {ratio.median():.1f}x "
                         f"(min {ratio.min():.1f}x, over {len(ratio)} datasets); student file "
                         f"median {export.median() / 1e3:.1f} kB.")
    seconds = students["fit_seconds"].mean()
    n_train = students["n_train"].first()
    lines.append(f"- Fit seconds of the default KD student, teacher fitted inside (QUANT and its "
                 f"out-of-fold folds) and transfer set included: median {seconds.median():.0f} s "
                 f"over {len(seconds)} datasets; the largest: "
                 + ", ".join(f"{d} ({int(n_train[d])} series) {seconds[d]:.0f} s"
                             for d in seconds.sort_values().index[-4:]) + ".")
    if args.compare and os.path.exists(args.compare) and args.compare != args.results:
        lines += _compared(complete, args.compare, args.resamples)
    lines.append("")
    lines.append("Per dataset (accuracy, mean over resamples):")
    lines.append("")
    lines.append(acc.round(4).to_markdown())
    os.makedirs(os.path.dirname(args.out), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    print("\n".join(lines[:12]))


if __name__ == "__main__":
    np.seterr(all="ignore")
    main()
