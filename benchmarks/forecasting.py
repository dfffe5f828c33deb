"""TimeDistill benchmark: a Transformer teacher distilled into a decomposition MLP.

ETT-shaped data (synthetic by default: ``aeon_kd.datasets.make_ett_like``, 7 channels,
hourly, 70/10/20 split; or any ETT CSV given with ``--csv``), standardised on the
training part. For every horizon, one PatchTST-style teacher is trained on the ground
truth; then the DMLP student is trained without KD (``none``), with the teacher's
forecast as a second target (``kd``) and with ``timedistill`` (multi-scale and
multi-period terms at prediction and feature level). Test MSE/MAE over every test
window (the protocol of the long-term forecasting literature), parameters, latency of
one window (batch 1) and throughput per window (batch 256) on CPU.

    make bench-forecast                                   # the committed run
    python benchmarks/forecasting.py --horizons 96 --teacher-epochs 2 --student-epochs 2  # smoke
    python benchmarks/forecasting.py --csv ETTh1.csv      # a real ETT file
    python benchmarks/forecasting.py --n-jobs 4 --backend dask --scheduler tcp://host:8786

Results go to ``--out`` (CSV, one row per horizon x model, resumable per horizon) and a
Markdown summary beside it.
"""

import argparse
import csv
import os
import tempfile
import time
import warnings

import numpy as np
import torch

from aeon_kd import DistilledForecaster
from aeon_kd.benchmarking import run_tasks
from aeon_kd.datasets import evaluate_forecaster, load_forecasting_csv, make_ett_like
from aeon_kd.students import count_parameters
from aeon_kd.teachers import FORECAST_TEACHER_PARAMS

warnings.filterwarnings("ignore", category=DeprecationWarning)

FIELDS = ["data", "window", "horizon", "seed", "model", "mse", "mae", "n_params",
          "ms_per_window_batch1", "ms_per_window_batch256", "fit_seconds", "epochs"]
TEACHER = {"d_model": 128, "n_heads": 8, "n_layers": 3, "d_ff": 256, "dropout": 0.1}
STUDENT = {"hidden_size": 32}


class NetworkForecaster:
    """Scores a bare torch forecaster (the teacher) with evaluate_forecaster."""

    def __init__(self, module):
        self.module = module.eval()

    def forecast_windows(self, X):
        with torch.no_grad():
            return self.module(torch.as_tensor(np.array(X), dtype=torch.float32)).numpy()


def milliseconds_per_window(module, n_channels, window, batch, repeats=30):
    module.eval()
    x = torch.randn(batch, n_channels, window)
    with torch.no_grad():
        for _ in range(3):
            module(x)
        times = []
        for _ in range(repeats):
            start = time.perf_counter()
            module(x)
            times.append(time.perf_counter() - start)
    return 1000 * float(np.median(times)) / batch


def load_splits(args):
    if args.csv:
        return os.path.basename(args.csv), load_forecasting_csv(args.csv, window=args.window)
    frame = make_ett_like(n_timepoints=args.n_timepoints, n_channels=7, random_state=0,
                          as_frame=True)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "synthetic.csv")
        frame.to_csv(path, index=False)
        splits = load_forecasting_csv(path, window=args.window, split="ratio")
    return f"ett_like_{args.n_timepoints}", splits


def run_horizon(data_name, splits, horizon, args):
    torch.set_num_threads(args.threads)
    window = args.window
    # the forecaster's validation tail is the literature's validation split; where that
    # split is shorter than the horizon (720 on a short series) the tail borrows the end
    # of the training part, so that at least one validation window exists
    series = np.concatenate([splits.train, splits.valid[:, window:]], axis=1)
    validation_size = max(splits.valid.shape[1] - window, horizon) / series.shape[1]
    student = {
        "window": window, "horizon": horizon, "student": "dmlp", "student_params": STUDENT,
        "lr": 0.01, "lr_schedule": "halving", "max_epochs": args.student_epochs,
        "patience": 5, "batch_size": 32, "validation_size": validation_size,
        "random_state": args.seed,
    }
    FORECAST_TEACHER_PARAMS["patchtst"] = dict(TEACHER)  # moderntcn keeps its defaults
    FORECAST_TEACHER_PARAMS["training"] = {
        "max_epochs": args.teacher_epochs, "batch_size": 32, "lr": 1e-3, "patience": 3,
    }
    n_channels = series.shape[0]
    rows = []

    def record(model, forecaster_or_module, fit_seconds, epochs, n_params, module):
        scores = evaluate_forecaster(forecaster_or_module, splits.test, window, horizon)
        row = {
            "data": data_name, "window": window, "horizon": horizon, "seed": args.seed,
            "model": model, "mse": f"{scores['mse']:.4f}", "mae": f"{scores['mae']:.4f}",
            "n_params": n_params,
            "ms_per_window_batch1": f"{milliseconds_per_window(module, n_channels, window, 1):.3f}",
            "ms_per_window_batch256":
                f"{milliseconds_per_window(module, n_channels, window, 256, 5):.4f}",
            "fit_seconds": f"{fit_seconds:.1f}", "epochs": epochs,
        }
        rows.append(row)
        print(f"  h={horizon} {model:12s} MSE {row['mse']}  MAE {row['mae']}  "
              f"params {n_params:>9,}  {row['ms_per_window_batch1']} ms/window  "
              f"fit {row['fit_seconds']} s", flush=True)

    # kd trains the teacher (teacher="patchtst" by default); the trained network is reused
    start = time.perf_counter()
    kd = DistilledForecaster(method="kd", teacher=args.teacher, verbose=args.verbose, **student)
    kd.fit(series)
    kd_seconds = time.perf_counter() - start
    teacher_net = kd.teacher_
    teacher = teacher_net.module_
    teacher_seconds = float(sum(row["dur"] for row in teacher_net.history))
    record("teacher", NetworkForecaster(teacher), teacher_seconds, len(teacher_net.history),
           count_parameters(teacher), teacher)
    for method in ("none", "timedistill"):
        start = time.perf_counter()
        fc = DistilledForecaster(method=method, teacher=None if method == "none" else teacher,
                                 **student).fit(series)
        record(method, fc, time.perf_counter() - start, len(fc.history_),
               fc.n_student_params_, fc.student_)
    record("kd", kd, kd_seconds - teacher_seconds, len(kd.history_), kd.n_student_params_,
           kd.student_)
    return rows


def summarise(path, summary):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    models = ["teacher", "none", "kd", "timedistill"]
    horizons = sorted({int(r["horizon"]) for r in rows})
    get = {(int(r["horizon"]), r["model"]): r for r in rows}
    lines = [f"Data: {rows[0]['data']}, lookback {rows[0]['window']}, seed {rows[0]['seed']}.",
             "", "### Test MSE / MAE (standardised data)", "",
             "| horizon | " + " | ".join(models) + " |", "|---" * (len(models) + 1) + "|"]
    for h in horizons:
        cells = [f"{get[h, m]['mse']} / {get[h, m]['mae']}" if (h, m) in get else "–"
                 for m in models]
        lines.append(f"| {h} | " + " | ".join(cells) + " |")
    means = []
    for m in models:
        done = [get[h, m] for h in horizons if (h, m) in get]
        means.append(f"**{np.mean([float(r['mse']) for r in done]):.4f} / "
                     f"{np.mean([float(r['mae']) for r in done]):.4f}**" if done else "–")
    lines.append("| **mean** | " + " | ".join(means) + " |")
    lines += ["", "### Size and speed (CPU, one thread)", "",
              "| horizon | teacher params | student params | size ratio | teacher ms/window "
              "(batch 1) | student ms/window (batch 1) | speed-up | speed-up at batch 256 |",
              "|---|---|---|---|---|---|---|---|"]
    for h in horizons:
        if (h, "teacher") not in get or (h, "timedistill") not in get:
            continue
        t, s = get[h, "teacher"], get[h, "timedistill"]
        lines.append(
            f"| {h} | {int(t['n_params']):,} | {int(s['n_params']):,} | "
            f"{int(t['n_params']) / int(s['n_params']):.1f}x | {t['ms_per_window_batch1']} | "
            f"{s['ms_per_window_batch1']} | "
            f"{float(t['ms_per_window_batch1']) / float(s['ms_per_window_batch1']):.1f}x | "
            f"{float(t['ms_per_window_batch256']) / float(s['ms_per_window_batch256']):.1f}x |"
        )
    lines.append("")
    with open(summary, "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", default=None, help="an ETT-format CSV (default: synthetic)")
    parser.add_argument("--n-timepoints", type=int, default=4000)
    parser.add_argument("--window", type=int, default=336)
    parser.add_argument("--horizons", nargs="+", type=int, default=[96, 192, 336, 720])
    parser.add_argument("--teacher-epochs", type=int, default=10)
    parser.add_argument("--student-epochs", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--teacher", default="patchtst", choices=["patchtst", "moderntcn"])
    parser.add_argument("--threads", type=int, default=1, help="torch threads per horizon")
    parser.add_argument("--n-jobs", type=int, default=1, help="horizons run at once")
    parser.add_argument("--backend", default="loky",
                        choices=["loky", "multiprocessing", "sequential", "dask", "ray"])
    parser.add_argument("--scheduler", default=None, help="Dask scheduler address")
    parser.add_argument("--out", default="benchmarks/results/forecasting.csv")
    parser.add_argument("--summary-only", action="store_true")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    summary = os.path.splitext(args.out)[0] + ".md"
    if args.summary_only:
        summarise(args.out, summary)
        return
    data_name, splits = load_splits(args)
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    done = set()
    if os.path.exists(args.out):
        with open(args.out) as f:
            done = {(r["data"], int(r["window"]), int(r["horizon"]), int(r["seed"]))
                    for r in csv.DictReader(f) if r["model"] == "kd"}
    todo = []
    for horizon in args.horizons:
        if (data_name, args.window, horizon, args.seed) in done:
            print(f"horizon {horizon}: done, skipped")
        else:
            todo.append((run_horizon, (data_name, splits, horizon, args), {}))
    print(f"{data_name}: lookback {args.window}, horizons to run: "
          f"{[task[1][2] for task in todo]}", flush=True)
    new_file = not os.path.exists(args.out)
    with open(args.out, "a", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=FIELDS)
        if new_file:
            writer.writeheader()
        # the UCR runner's engine: horizons in parallel processes or on a Dask cluster
        for rows in run_tasks(todo, n_jobs=args.n_jobs, backend=args.backend,
                              scheduler=args.scheduler):
            writer.writerows(rows)
            f.flush()
    summarise(args.out, summary)


if __name__ == "__main__":
    main()
