"""Seconds per epoch of ``none``, ``kd`` and ``timedistill`` students: issue 20's cost target.

For every real series and horizon of the forecasting benchmark (lookback 96, stride 2,
batch 32, the compact default student), a ModernTCN teacher is trained for one epoch
(its accuracy does not matter here, only the shapes of its cached outputs), then each
student trains ``--epochs`` epochs without early stopping, the three methods taking turns
``--repeats`` times so that a change of the machine's load reaches all three alike. The
figure is the median epoch (the first, which warms up, excluded), and the ratio of the
means over repeats to ``none``'s.

    python benchmarks/forecast_epoch_cost.py                 # the committed run
    python benchmarks/forecast_epoch_cost.py --data bank_calls --horizons 96 --epochs 2

Results: ``--out`` (CSV, one row per case x repeat x method, resumable per case) and a
Markdown summary beside it.
"""

import argparse
import os
import platform
import warnings

import numpy as np
import torch
from _rows import appending, finished

from aeon_kd import DistilledForecaster
from aeon_kd.datasets import TSDATA_SERIES, load_tsdata

warnings.filterwarnings("ignore", category=DeprecationWarning)

FIELDS = ["data", "horizon", "repeat", "model", "seconds_per_epoch", "n_params"]
MODELS = ["none", "kd", "timedistill"]


def measure(name, horizon, args):
    splits = load_tsdata(name, window=96)
    series = np.concatenate([splits.train, splits.valid[:, 96:]], axis=1)
    validation_size = max(splits.valid.shape[1] - 96, horizon) / series.shape[1]
    student = {"window": 96, "horizon": horizon, "stride": 2, "lr": 0.01,
               "lr_schedule": "halving", "max_epochs": args.epochs, "patience": None,
               "batch_size": 32, "validation_size": validation_size, "random_state": 0}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a one-epoch teacher is rightly called worse
        kd = DistilledForecaster(method="kd", teacher="moderntcn",
                                 teacher_params={"max_epochs": 1}, **student).fit(series)
    teacher = kd.teacher_.module_
    rows = []
    for repeat in range(args.repeats):
        for model in MODELS:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                fc = DistilledForecaster(method=model,
                                         teacher=None if model == "none" else teacher,
                                         **student).fit(series)
            rows.append({"data": name, "horizon": horizon, "repeat": repeat, "model": model,
                         "seconds_per_epoch": f"{np.median(fc.history_[:, 'dur'][1:]):.4f}",
                         "n_params": fc.n_student_params_})
            print(f"{name} h={horizon} repeat {repeat} {model:12s} "
                  f"{rows[-1]['seconds_per_epoch']} s/epoch", flush=True)
    return rows


def summarise(out):
    import csv

    with open(out) as f:
        rows = list(csv.DictReader(f))
    cases = list(dict.fromkeys((r["data"], int(r["horizon"])) for r in rows))

    def mean(case, model):
        return float(np.mean([float(r["seconds_per_epoch"]) for r in rows
                              if (r["data"], int(r["horizon"])) == case
                              and r["model"] == model]))

    lines = ["# Seconds per student epoch: none, kd, timedistill", "",
             "Written by `python benchmarks/forecast_epoch_cost.py`; lookback 96, stride 2, "
             f"batch 32, mean over repeats of the median epoch. Machine: {platform.system()} "
             f"{platform.machine()}, {os.cpu_count()} CPU cores, one torch thread.", "",
             "| series | horizon | student params | none s | kd s | timedistill s | kd / none "
             "| timedistill / none |", "|---|---|---|---|---|---|---|---|"]
    ratios = []
    for case in cases:
        none, kd, td = (mean(case, m) for m in MODELS)
        ratios.append(td / none)
        params = next(r["n_params"] for r in rows if (r["data"], int(r["horizon"])) == case)
        lines.append(f"| {case[0]} | {case[1]} | {int(params):,} | {none:.3f} | {kd:.3f} | "
                     f"{td:.3f} | {kd / none:.2f}x | {td / none:.2f}x |")
    lines += ["", f"A `timedistill` epoch costs {np.median(ratios):.2f}x a `none` epoch "
              f"(median over {len(ratios)} cases; {min(ratios):.2f}-{max(ratios):.2f}x; "
              "target <= 2x).", ""]
    with open(os.path.splitext(out)[0] + ".md", "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", nargs="+", default=["bank_calls", "pedestrian", "EPF_FR_BE"],
                        choices=sorted(TSDATA_SERIES))
    parser.add_argument("--horizons", nargs="+", type=int, default=[96, 192, 336, 720])
    parser.add_argument("--epochs", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--out", default="benchmarks/results/forecast_epoch_cost.csv")
    parser.add_argument("--summary-only", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(1)
    if not args.summary_only:
        done = finished(args.out, lambda row: (row["data"], row["horizon"]))
        with appending(args.out, FIELDS) as write:
            for name in args.data:
                for horizon in args.horizons:
                    if (name, str(horizon)) in done:
                        continue
                    for row in measure(name, horizon, args):
                        write(row)
    summarise(args.out)


if __name__ == "__main__":
    main()
