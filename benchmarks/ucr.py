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

    if not args.report_only:
        students = [None if s == "default" else s for s in args.students]
        run_benchmark(
            args.datasets, args.methods, students, args.resamples, args.out,
            teacher_params={"lstm": {"max_epochs": args.max_epochs}},
            estimator_params={"max_epochs": args.max_epochs},
            extract_path=args.extract_path, n_jobs=args.n_jobs, backend=args.backend,
            scheduler=args.scheduler,
        )
    from aeon_kd.benchmarking._report import write_summary

    report = write_summary(os.path.join(args.out, "results.csv"),
                           os.path.dirname(os.path.abspath(args.out)), prefix=args.prefix)
    print(report["headline"])


if __name__ == "__main__":
    main()
