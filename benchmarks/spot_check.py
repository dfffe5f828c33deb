"""Does the code still give the committed UCR rows? A check for refactors.

Reruns the named problems' ``none`` and ``kd`` rows (resample 0, one torch thread, as
the benchmark's workers run) through the same runner into a temporary folder and
compares each student's test predictions, row by row, with the committed tsml files of
``benchmarks/results/ucr``. A refactor that changes no behaviour reproduces them
exactly.

    python benchmarks/spot_check.py Chinatown ECG200          # ~2 min on 2 cores
"""

import argparse
import csv
import glob
import os
import sys
import tempfile

COMMITTED = os.path.join(os.path.dirname(__file__), "results", "ucr")


def _predictions(folder, model, dataset):
    pattern = os.path.join(folder, "tsml", model, "Predictions", dataset, "testResample0.csv")
    with open(glob.glob(pattern)[0]) as handle:
        # tsml files: 3 header lines, then "actual,predicted,,probabilities..."
        return [line.split(",")[:2] for line in handle.read().splitlines()[3:]]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("datasets", nargs="+")
    args = parser.parse_args()
    from aeon_kd.benchmarking import run_experiment

    with open(os.path.join(COMMITTED, "results.csv"), newline="") as handle:
        committed = {(r["dataset"], r["model"]): r for r in csv.DictReader(handle)
                     if r["resample"] == "0"}  # fmt: skip
    all_same = True
    for dataset in args.datasets:
        out = tempfile.mkdtemp()
        for row in run_experiment(dataset, 0, methods=["none", "kd"], results_path=out,
                                  threads=1):  # fmt: skip
            if row["role"] != "student":
                continue
            old = committed[(dataset, row["model"])]
            new_pred = _predictions(out, row["model"], dataset)
            old_pred = _predictions(COMMITTED, row["model"], dataset)
            same = sum(a == b for a, b in zip(new_pred, old_pred, strict=True))
            all_same &= same == len(new_pred)
            print(f"{dataset} {row['model']}: accuracy {row['accuracy']:.6f} (committed "
                  f"{float(old['accuracy']):.6f}), epochs {row['epochs']} ({old['epochs']}), "
                  f"identical predictions {same}/{len(new_pred)}", flush=True)
    return 0 if all_same else 1


if __name__ == "__main__":
    sys.exit(main())
