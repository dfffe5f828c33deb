"""Rows of the UCR table that do not cover all 30 problems yet, each against its baselines.

    python benchmarks/ucr_pending.py [--pending benchmarks/results/ucr/pending_rows.csv]
    python benchmarks/ucr_pending.py --models tsd --out benchmarks/results/ucr_tsd.md

The report (``ucr.py --report-only``) ranks models over the problems where every model has
a result, so a model run on part of the problems stays in ``pending_rows.csv`` until it
has all 30. This script compares each pending model with QUANT and chosen baselines from
``results.csv`` on the (dataset, resample) pairs both have: mean accuracy, share of
QUANT's, wins / ties / losses and a Wilcoxon signed-rank test. With ``--superseded`` it
also compares with rows the pending ones replace. Writes
``benchmarks/results/ucr_pending.md``. With ``--models`` the named models are compared
wherever they are (``results.csv`` or the pending file): the same report for rows that
have since joined the table.
"""

import argparse

import pandas as pd
from scipy.stats import wilcoxon

#: model -> the models of results.csv it is compared with
BASELINES = {
    "tsd": ["none", "kd"],
    "none@lstm": ["none"],
    "kd@lstm": ["none@lstm", "kd"],
}


def _versus(table, model, other):
    diff = (table[model] - table[other]).round(6)
    wins, ties, losses = (diff > 0).sum(), (diff == 0).sum(), (diff < 0).sum()
    nonzero = diff[diff != 0]
    p = wilcoxon(nonzero).pvalue if len(nonzero) else float("nan")
    return (f"`{model}` vs `{other}`: {wins} wins, {ties} ties, {losses} losses; mean "
            f"difference {diff.mean():+.4f}; Wilcoxon p = {p:.3f}")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--results", default="benchmarks/results/ucr/results.csv")
    parser.add_argument("--pending", default="benchmarks/results/ucr/pending_rows.csv")
    parser.add_argument("--superseded", default="benchmarks/results/ucr/superseded_rows.csv",
                        help="rows the pending ones replace, compared on common pairs")
    parser.add_argument("--models", nargs="+",
                        help="compare these models (default: those of --pending)")
    parser.add_argument("--out", default="benchmarks/results/ucr_pending.md")
    args = parser.parse_args()

    frame = pd.concat([pd.read_csv(args.results), pd.read_csv(args.pending)])
    frame = frame.drop_duplicates(subset=["dataset", "resample", "model"])
    # an empty pending file (header only) reads as text columns
    frame = frame.astype({"resample": int, "accuracy": float, "fit_seconds": float})
    table = frame.pivot_table(index=["dataset", "resample"], columns="model",
                              values="accuracy")
    superseded = None
    if args.superseded:
        old = pd.read_csv(args.superseded)
        superseded = old.pivot_table(index=["dataset", "resample"], columns="model",
                                     values="accuracy").add_suffix(" (superseded)")
        table = table.join(superseded)
    pending = args.models or list(dict.fromkeys(pd.read_csv(args.pending)["model"]))
    title = ("# UCR rows against their baselines" if args.models
             else "# UCR rows pending (not on all 30 problems yet)")
    command = "python benchmarks/ucr_pending.py" + (
        f" --models {' '.join(args.models)} --out {args.out}" if args.models else "")
    lines = [title, "",
             f"Written by `{command}`, from `{args.pending}` beside "
             f"`{args.results}`; each model is compared on the (dataset, resample) pairs "
             "where it and its baselines finished.", ""]
    for model in pending:
        others = [o for o in BASELINES.get(model, ["none"]) if o in table]
        both = table.dropna(subset=[model, "teacher-quant", *others])
        quant = both["teacher-quant"].mean()
        lines += [f"## `{model}`", "",
                  f"{len(both)} pairs ({both.index.get_level_values(0).nunique()} problems, "
                  f"resamples {sorted(set(both.index.get_level_values(1)))}): mean accuracy "
                  f"{both[model].mean():.4f}, {100 * both[model].mean() / quant:.1f} % of "
                  f"QUANT's {quant:.4f} on them; "
                  + "; ".join(f"`{o}` {both[o].mean():.4f}" for o in others) + ".", ""]
        lines += [f"- {_versus(both, model, other)}." for other in others]
        # per problem, the mean over its resamples (as the targets count problems)
        problems = both.groupby(level="dataset").mean()
        lines += [f"- Per problem (mean over its resamples): {_versus(problems, model, other)}."
                  for other in others]  # fmt: skip
        shown = [*others]
        old = f"{model} (superseded)"
        if superseded is not None and old in table:
            # the superseded rows may cover fewer resamples: compared on their own pairs
            lines.append(f"- {_versus(table.dropna(subset=[model, old]), model, old)} "
                         f"(on the pairs with both).")  # fmt: skip
            shown.append(old)
        table_rows = table.loc[both.index, ["teacher-quant", *shown, model]].round(4)
        lines += ["", table_rows.reset_index().to_markdown(index=False), ""]
        fit = frame[frame["model"] == model].set_index(["dataset", "resample"])
        lines += [f"Median fit {fit['fit_seconds'].median():.0f} s (the largest: "
                  + ", ".join(f"{d} {s:.0f} s" for (d, _), s in
                              fit["fit_seconds"].nlargest(3).items()) + ").", ""]
    with open(args.out, "w", encoding="utf-8") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
