"""Choosing TimeDistill's weights on the validation split of the real forecasting series.

The authors tune ``alpha`` (prediction-level terms) and ``beta`` (feature-level terms) in
{0.1, 0.5, 1, 2} per data set. This script trains the benchmark's teacher once per series
x horizon x seed (``benchmarks/forecasting.py``'s settings; the trained network is kept
in ``--cache`` so a rerun or a wider grid does not retrain it), then the default student
without KD and with ``TimeDistill(alpha, beta)`` for every pair of the grid, and records
each student's **validation** MSE (the literature's 10 % validation split, the one early
stopping reads) beside its test MSE. The summary chooses the pair with the lowest mean
validation MSE relative to ``none`` and only then reads the test split for that pair, so
the choice never sees a test window.

    python benchmarks/timedistill_sweep.py --out /tmp/sweep.csv          # seed 0, 12 cases
    python benchmarks/timedistill_sweep.py --summary-only \
        --out benchmarks/results/timedistill_sweep.csv

Resumable: finished (case, variant) rows are skipped.
"""

import argparse
import csv
import itertools
import os
import platform
import time
import types
import warnings

import numpy as np
import torch
from _rows import appending, finished
from forecasting import load_splits, student_settings

from aeon_kd import DistilledForecaster
from aeon_kd.datasets import evaluate_forecaster
from aeon_kd.methods import TimeDistill

warnings.filterwarnings("ignore", category=DeprecationWarning)

FIELDS = ["data", "horizon", "seed", "variant", "alpha", "beta", "valid_mse", "test_mse",
          "epochs", "fit_seconds"]
REAL = ["bank_calls", "pedestrian", "EPF_FR_BE"]
GRID = [0.1, 0.5, 1.0, 2.0]  # the authors' per-data-set grid for both weights


def variants(grid):
    """``none`` first, then the authors' generic (1, 1), then the rest of the grid."""
    pairs = [(1.0, 1.0)] + [p for p in itertools.product(grid, grid) if p != (1.0, 1.0)]
    return [("none", None, None)] + [(f"td_a{a:g}_b{b:g}", a, b) for a, b in pairs]


def teacher_for(data, horizon, seed, series, student, args):
    """The benchmark's teacher for one case, trained once and kept under ``args.cache``."""
    path = os.path.join(args.cache, f"{data}_h{horizon}_s{seed}_{args.teacher}.pt")
    if os.path.exists(path):
        return torch.load(path, weights_only=False)
    teacher_params = {"max_epochs": args.teacher_epochs, "patience": 3}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fitted = DistilledForecaster(method="kd", teacher=args.teacher,
                                     teacher_params=teacher_params, **student).fit(series)
    module = fitted.teacher_.module_.eval()
    os.makedirs(args.cache, exist_ok=True)
    torch.save(module, path)
    return module


def run_case(data, horizon, seed, splits, done, args):
    torch.set_num_threads(args.threads)
    settings = types.SimpleNamespace(window=args.window, stride=2,
                                     student_epochs=args.student_epochs)
    series, student = student_settings(splits, horizon, seed, settings)
    teacher = None
    todo = [v for v in variants(args.grid) if (data, str(horizon), str(seed), v[0]) not in done]
    with appending(args.out, FIELDS) as write:
        for name, alpha, beta in todo:
            if name != "none" and teacher is None:
                teacher = teacher_for(data, horizon, seed, series, student, args)
            method = "none" if name == "none" else TimeDistill(alpha=alpha, beta=beta)
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fitted = DistilledForecaster(method=method,
                                             teacher=None if name == "none" else teacher,
                                             **student).fit(series)
            seconds = time.perf_counter() - start
            test = evaluate_forecaster(fitted, splits.test, args.window, horizon)["mse"]
            write({"data": data, "horizon": horizon, "seed": seed, "variant": name,
                   "alpha": "" if alpha is None else alpha,
                   "beta": "" if beta is None else beta,
                   "valid_mse": f"{fitted.valid_mse_:.5f}", "test_mse": f"{test:.5f}",
                   "epochs": len(fitted.history_), "fit_seconds": f"{seconds:.1f}"})


def read_rows(path):
    if not os.path.exists(path):
        return []
    with open(path) as f:
        return list(csv.DictReader(f))


def summarise(path, summary):
    rows = read_rows(path)
    cases = sorted({(r["data"], int(r["horizon"]), int(r["seed"])) for r in rows})
    table = {(r["data"], int(r["horizon"]), int(r["seed"]), r["variant"]): r for r in rows}
    names = list(dict.fromkeys(r["variant"] for r in rows if r["variant"] != "none"))
    # only cases where none and every variant finished, so means compare like with like
    complete = [c for c in cases if all((*c, v) in table for v in ["none", *names])]

    def ratio(case, variant, column):
        return float(table[(*case, variant)][column]) / float(table[(*case, "none")][column])

    lines = ["# TimeDistill's weights chosen on the validation split", "",
             f"Written by `python benchmarks/timedistill_sweep.py --summary-only --out {path}`"
             f" from {len(complete)} complete cases (series x horizon x seed) of the real "
             "series. A ratio is the student's MSE over the no-KD student's on the same case; "
             "the choice reads only the validation columns. Machine: "
             f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPU cores.", ""]
    if not complete:
        summary_text = "\n".join(lines + ["No complete case yet."]) + "\n"
        with open(summary, "w") as f:
            f.write(summary_text)
        return
    scored = []
    for name in names:
        valid = [ratio(c, name, "valid_mse") for c in complete]
        test = [ratio(c, name, "test_mse") for c in complete]
        below = sum(t < 1 for t in test)
        scored.append((float(np.mean(valid)), name, float(np.mean(test)), below,
                       sum(v < 1 for v in valid)))
    scored.sort()
    lines += ["| variant | mean valid / none | valid below none | mean test / none "
              "| test below none |", "|---|---|---|---|---|"]
    for valid, name, test, below, valid_below in scored:
        lines.append(f"| {name} | {valid:.3f} | {valid_below} of {len(complete)} | "
                     f"{test:.3f} | {below} of {len(complete)} |")
    best = scored[0]
    generic = next(s for s in scored if s[1] == "td_a1_b1")
    lines += ["", f"Chosen on validation: **{best[1]}** (validation ratio {best[0]:.3f}); "
              f"its test ratio {best[2]:.3f}, below none on {best[3]} of {len(complete)} "
              f"cases. The authors' generic (1, 1): validation {generic[0]:.3f}, test "
              f"{generic[2]:.3f}, below none on {generic[3]} of {len(complete)}."]
    with open(summary, "w") as f:
        f.write("\n".join(lines) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", nargs="+", default=REAL, choices=REAL)
    parser.add_argument("--horizons", nargs="+", type=int, default=[96, 192, 336, 720])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    parser.add_argument("--grid", nargs="+", type=float, default=GRID)
    parser.add_argument("--window", type=int, default=96)
    parser.add_argument("--teacher", default="moderntcn", choices=["patchtst", "moderntcn"])
    parser.add_argument("--teacher-epochs", type=int, default=30)
    parser.add_argument("--student-epochs", type=int, default=20)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--cache", default="/tmp/aeon-kd-sweep-teachers",
                        help="folder of the trained teachers (reused across runs)")
    parser.add_argument("--out", default="benchmarks/results/timedistill_sweep.csv")
    parser.add_argument("--summary-only", action="store_true")
    args = parser.parse_args()
    summary = os.path.splitext(args.out)[0] + ".md"
    if not args.summary_only:
        done = finished(args.out, lambda r: (r["data"], r["horizon"], r["seed"], r["variant"]))
        for horizon, data, seed in itertools.product(args.horizons, args.data, args.seeds):
            _, splits = load_splits(data, types.SimpleNamespace(
                csv=None, n_timepoints=4000, window=args.window))
            run_case(data, horizon, seed, splits, done, args)
            summarise(args.out, summary)
    summarise(args.out, summary)
    print(open(summary).read())


if __name__ == "__main__":
    main()
