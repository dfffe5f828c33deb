"""Distillation on the UCR harness: datasets x methods x students x resamples.

Every model runs through tsml-eval's ``run_classification_experiment`` (results files in
the tsml format under ``<out>/tsml``); the tidy table ``<out>/results.csv`` adds
agreement, size and timing; the pictures and ``<out>/../ucr_summary.md`` summarise it.
Resumable: finished rows are skipped.

    make bench                       # the committed suite (12 datasets x 3 resamples)
    make bench-smoke                 # 2 datasets x 2 methods x 1 resample, a few epochs
    python benchmarks/ucr.py --backend dask --scheduler tcp://host:8786   # a Dask cluster
"""

import argparse
import os
import platform
import shlex
import sys
import warnings

from aeon_kd.benchmarking import DEFAULT_DATASETS, DEFAULT_METHODS, run_benchmark

warnings.filterwarnings("ignore", category=DeprecationWarning)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=list(DEFAULT_DATASETS))
    parser.add_argument("--methods", nargs="+", default=list(DEFAULT_METHODS))
    parser.add_argument("--students", nargs="+", default=["default", "cnn"],
                        help="student registry names; 'default' is each method's own")
    parser.add_argument("--resamples", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--max-epochs", type=int, default=50,
                        help="epochs of the students and of the LSTM teacher")
    parser.add_argument("--n-jobs", type=int, default=2)
    parser.add_argument("--backend", default="loky",
                        choices=["loky", "multiprocessing", "sequential", "dask", "ray"])
    parser.add_argument("--scheduler", default=None, help="Dask scheduler address")
    parser.add_argument("--extract-path", default=None,
                        help="a local UCR/UEA archive folder in aeon's .ts layout")
    parser.add_argument("--out", default="benchmarks/results/ucr")
    parser.add_argument("--prefix", default="ucr", help="file name prefix of the report")
    parser.add_argument("--report-only", action="store_true")
    args = parser.parse_args()

    provenance_file = os.path.join(args.out, "provenance.md")
    if not args.report_only:
        os.makedirs(args.out, exist_ok=True)
        with open(provenance_file, "w", encoding="utf-8") as f:
            f.write(_provenance(args))
        students = [None if s == "default" else s for s in args.students]
        run_benchmark(
            args.datasets, args.methods, students, args.resamples, args.out,
            teacher_params={"lstm": {"max_epochs": args.max_epochs}},
            estimator_params={"max_epochs": args.max_epochs},
            extract_path=args.extract_path, n_jobs=args.n_jobs, backend=args.backend,
            scheduler=args.scheduler,
        )
    from aeon_kd.benchmarking import write_summary

    provenance = None
    if os.path.exists(provenance_file):
        with open(provenance_file, encoding="utf-8") as f:
            provenance = f.read()
    report = write_summary(os.path.join(args.out, "results.csv"),
                           os.path.dirname(os.path.abspath(args.out)), prefix=args.prefix,
                           provenance=provenance)
    print(report["headline"])


def _provenance(args):
    """The command and the machine, for the summary (the last run that added results)."""
    import aeon
    import sklearn
    import torch

    import aeon_kd

    command = " ".join(["python", "benchmarks/ucr.py", *map(shlex.quote, sys.argv[1:])])
    cpu = platform.processor() or platform.machine()
    if os.path.exists("/proc/cpuinfo"):
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            names = [line.split(":", 1)[1].strip() for line in f if line.startswith("model name")]
        cpu = names[0] if names else cpu
    return (
        f"Command: `{command}` (parallel: {args.n_jobs} tasks, backend {args.backend}).\n\n"
        f"Machine: {platform.system()} {platform.machine()}, {cpu}, {os.cpu_count()} CPU "
        f"cores, no GPU used; Python {platform.python_version()}, torch {torch.__version__}, "
        f"aeon {aeon.__version__}, scikit-learn {sklearn.__version__}, aeon-kd "
        f"{aeon_kd.__version__}.\n"
    )


if __name__ == "__main__":
    main()
