"""Would the teacher check warn? The committed forecasting teachers against a quick student.

``DistilledForecaster`` compares the teacher with two baselines on the validation windows
before distilling (``TeacherNotBetterWarning``): a ridge map from window to horizon and,
since issue 20's second pass, the student itself trained without KD for three epochs. For
every series x horizon x seed of ``benchmarks/results/forecasting.csv`` this script takes
the committed teacher's validation MSE, recomputes both baselines with the benchmark's
settings (the quick student is a ``none`` fit with ``max_epochs=3, patience=None``, which
is what the estimator trains), and says where each check warns, beside whether the
teacher turned out worse than the fully trained no-KD student on the test split.

    python benchmarks/teacher_check.py        # reads the committed forecasting.csv
"""

import argparse
import csv
import os
import platform
import types
import warnings

import numpy as np
import torch
from forecasting import load_splits, student_settings

from aeon_kd import DistilledForecaster
from aeon_kd.forecasting._distilled import QUICK_STUDENT_EPOCHS

warnings.filterwarnings("ignore", category=DeprecationWarning)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--results", default="benchmarks/results/forecasting.csv")
    parser.add_argument("--out", default="benchmarks/results/teacher_check.md")
    args = parser.parse_args()
    torch.set_num_threads(1)
    with open(args.results) as f:
        rows = list(csv.DictReader(f))

    def cell(data, horizon, seed, model):
        return next(r for r in rows if (r["data"], r["horizon"], r["seed"], r["model"])
                    == (data, horizon, seed, model))

    cases = list(dict.fromkeys((r["data"], r["horizon"], r["seed"]) for r in rows
                               if r["model"] == "teacher" and r["data"] != "ett_like_4000"))
    settings = types.SimpleNamespace(window=int(rows[0]["window"]), csv=None,
                                     n_timepoints=4000, stride=2, student_epochs=20)
    splits = {}
    lines = ["# The teacher check on the committed forecasting teachers", "",
             "Written by `python benchmarks/teacher_check.py`: validation MSE of the committed "
             "teacher (`benchmarks/results/forecasting.csv`) against a ridge map and the "
             f"student trained without KD for {QUICK_STUDENT_EPOCHS} epochs; the warning "
             "fires when the teacher is no better than a baseline. Machine: "
             f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPU cores.", "",
             "| series | horizon | seed | teacher valid | ridge valid | quick student valid "
             "| warns (ridge only) | warns (ridge + quick student) | teacher test vs none test |",
             "|---|---|---|---|---|---|---|---|---|"]
    tally = {"old": [], "new": [], "worse": []}
    for data, horizon, seed in cases:
        if data not in splits:
            splits[data] = load_splits(data, settings)[1]
        series, student = student_settings(splits[data], int(horizon), int(seed), settings)
        quick = DistilledForecaster(method="none", **{**student, "max_epochs":
                                    QUICK_STUDENT_EPOCHS, "patience": None}).fit(series)
        teacher = cell(data, horizon, seed, "teacher")
        none = cell(data, horizon, seed, "none")
        t_valid, ridge = float(teacher["valid_mse"]), float(teacher["linear_valid_mse"])
        old, new = t_valid >= ridge, t_valid >= min(ridge, quick.valid_mse_)
        worse = float(teacher["mse"]) >= float(none["mse"])
        for key, value in (("old", old), ("new", new), ("worse", worse)):
            tally[key].append(value)
        lines.append(f"| {data} | {horizon} | {seed} | {t_valid:.4f} | {ridge:.4f} | "
                     f"{quick.valid_mse_:.4f} | {'yes' if old else 'no'} | "
                     f"{'yes' if new else 'no'} | {teacher['mse']} vs {none['mse']}"
                     f"{' (worse)' if worse else ''} |")
        print(lines[-1], flush=True)
    old, new, worse = (np.array(tally[k]) for k in ("old", "new", "worse"))
    lines += ["", f"Teacher worse than the no-KD student on test: {worse.sum()} of "
              f"{len(worse)} runs. The ridge-only check warns on {old.sum()} of them "
              f"({(old & worse).sum()} of the worse ones); with the quick student it warns on "
              f"{new.sum()} ({(new & worse).sum()} of the {worse.sum()} worse ones, "
              f"{(new & ~worse).sum()} where the teacher was better on test).", ""]
    with open(args.out, "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines[-2:]))


if __name__ == "__main__":
    main()
