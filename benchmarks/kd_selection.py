"""Choosing KD or no KD per problem on training data only: does it avoid KD's losses?

Round 6 of ``benchmarks/recipe.py`` trained the default student with (``r6-kd-bankonly``,
today's default ``kd``) and without (``r6-none``) QUANT as teacher on inner 70/30 splits
of each tuning problem's published *training* split (two seeds). This script takes that
as a selection rule a user can apply with ``GridSearchCV`` over ``method=["none",
"kd"]``: per problem, keep ``kd`` where its inner-split accuracy (mean of the seeds) is
above ``none``'s, ``none`` otherwise; then it reads the test accuracies of both from the
UCR table (``benchmarks/results/ucr/results.csv``) and compares the chosen model with
``none``. Only resample 0 is scored: its training split is the one the inner splits cut,
so the choice never saw a series of the test split it is scored on (resamples 1 and 2
mix the published test series into their training sets and the other way round).

    python benchmarks/kd_selection.py      # reads committed CSVs, writes kd_selection.md
"""

import argparse
import os

import numpy as np
import pandas as pd
from scipy.stats import wilcoxon

HERE = os.path.dirname(__file__)
INNER = os.path.join(HERE, "results", "recipe_bank.csv")
UCR = os.path.join(HERE, "results", "ucr", "results.csv")
OUT = os.path.join(HERE, "results", "kd_selection.md")


def _record(candidate, baseline):
    gap = candidate - baseline
    changed = gap[gap != 0]
    # one-sided: is the candidate better than no KD? (no test without a difference)
    p = wilcoxon(candidate, baseline, alternative="greater").pvalue if len(changed) else np.nan
    return (int((gap > 0).sum()), int((gap == 0).sum()), int((gap < 0).sum()),
            float(gap.mean()), float(p))  # fmt: skip


def selection_table(inner_csv=INNER, ucr_csv=UCR):
    """Per problem: inner-split accuracies, the choice, and resample-0 test accuracies."""
    inner = pd.read_csv(inner_csv)
    inner = inner[inner["variant"].isin(["r6-none", "r6-kd-bankonly"])]
    inner = inner.groupby(["dataset", "variant"])["accuracy"].mean().unstack().dropna()
    inner.columns = ["inner_kd" if c == "r6-kd-bankonly" else "inner_none" for c in inner]
    test = pd.read_csv(ucr_csv)
    test = test[test["resample"] == 0].pivot_table(
        index="dataset", columns="model", values="accuracy"
    )[["none", "kd", "teacher-quant"]]
    table = inner.join(test, how="inner")
    table["chosen"] = np.where(table["inner_kd"] > table["inner_none"], "kd", "none")
    table["chosen_accuracy"] = np.where(table["chosen"] == "kd", table["kd"], table["none"])
    return table


def report(table):
    kd = _record(table["kd"], table["none"])
    chosen = _record(table["chosen_accuracy"], table["none"])
    n = len(table)
    lines = [
        "# KD or no KD, chosen per problem on training data (resample 0)",
        "",
        "Written by `python benchmarks/kd_selection.py` from the committed "
        "`recipe_bank.csv` (round 6, inner 70/30 splits of the training series, 2 seeds) "
        "and `ucr/results.csv` (test accuracy, resample 0). `kd` is the default "
        "(transfer set, KD on it only); `chosen` is `kd` where it beat `none` on the inner "
        "splits, `none` elsewhere. Wilcoxon signed-rank, one-sided (better than `none`), "
        "ties dropped.",
        "",
        f"Over {n} problems, against `none` on the test split:",
        "",
        "| model | wins | ties | losses | mean gain | p |",
        "|---|---|---|---|---|---|",
        f"| always `kd` | {kd[0]} | {kd[1]} | {kd[2]} | {kd[3]:+.4f} | {kd[4]:.3f} |",
        f"| `chosen` | {chosen[0]} | {chosen[1]} | {chosen[2]} | {chosen[3]:+.4f} | "
        f"{chosen[4]:.3f} |",
        "",
        f"`kd` was chosen on {int((table['chosen'] == 'kd').sum())} of {n} problems.",
        "",
        "| dataset | inner none | inner kd | chosen | test none | test kd | test QUANT |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, row in table.iterrows():
        lines.append(
            f"| {name} | {row['inner_none']:.3f} | {row['inner_kd']:.3f} | {row['chosen']} | "
            f"{row['none']:.3f} | {row['kd']:.3f} | {row['teacher-quant']:.3f} |"
        )
    from aeon_kd.benchmarking import DEFAULT_DATASETS

    missing = [d for d in DEFAULT_DATASETS if d not in table.index]
    lines += ["", f"Tuning problems without round-6 rows ({len(missing)}): "
              f"{', '.join(missing)} (Fungi's training series are one per class and cannot "
              "be cut; the others were not run or not finished for time)."]  # fmt: skip
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inner", default=INNER)
    parser.add_argument("--ucr", default=UCR)
    parser.add_argument("--out", default=OUT)
    args = parser.parse_args()
    text = report(selection_table(args.inner, args.ucr))
    with open(args.out, "w") as handle:
        handle.write(text)
    print(text)


if __name__ == "__main__":
    main()
