"""Distillation on the UCR harness: datasets x methods x students x resamples.

The same as ``aeon-kd bench`` (see ``aeon-kd bench --help``). Every model runs through
tsml-eval's ``run_classification_experiment`` (results files in the tsml format under
``<out>/tsml``); the tidy table ``<out>/results.csv`` adds agreement, size and timing; the
pictures and ``<out>/../ucr_summary.md`` summarise it. Resumable: finished rows are
skipped.

    make bench                       # the committed suite (30 tuning problems x 3 resamples)
    make bench-smoke                 # 2 datasets x 2 methods x 1 resample, a few epochs
    python benchmarks/ucr.py --backend dask --scheduler tcp://host:8786   # a Dask cluster
"""

import sys

from aeon_kd.cli import main

if __name__ == "__main__":
    sys.exit(main(["bench", *sys.argv[1:]], prog="python benchmarks/ucr.py"))
