"""How long the default distillation takes on an idle machine (issue 16's time target).

The UCR table's ``fit_seconds`` come from two fits sharing two cores (and, in busy
sessions, other jobs), so they overstate what one user's fit takes. This script fits
``DistilledClassifier()`` with QUANT as the teacher (fitted inside, transfer set: the
default recipe; since the default ``kd`` distils on the transfer set only, QUANT is fitted
once, without the out-of-fold fits of earlier versions) one problem at a time with torch's default
threads, after a warm-up fit that pays the process's one-off imports, and writes
``benchmarks/results/fit_time.md``. Run it with nothing else running.

    python benchmarks/fit_time.py                       # the typical problems, ~10 min
    python benchmarks/fit_time.py --datasets ECG200 ArrowHead
"""

import argparse
import os
import platform
import time
import warnings

import numpy as np

RESULTS = os.path.join(os.path.dirname(__file__), "results", "fit_time.md")
#: tuning problems with at most 1,000 training series of at most 500 steps (the
#: target's "typical problem"), smallest first
TYPICAL = ("Chinatown", "ItalyPowerDemand", "ECGFiveDays", "BME", "CBF", "Coffee",
           "DiatomSizeReduction", "FaceFour", "GunPoint", "ECG200", "ArrowHead",
           "FreezerRegularTrain", "DistalPhalanxOutlineCorrect",
           "DistalPhalanxOutlineAgeGroup", "CricketX", "FiftyWords", "JapaneseVowels",
           "ChlorineConcentration", "ECG5000", "AllGestureWiimoteX")  # fmt: skip


def fit_seconds(dataset):
    from aeon.classification.interval_based import QUANTClassifier

    from aeon_kd import DistilledClassifier
    from aeon_kd.datasets import load_classification_dataset

    X, y = load_classification_dataset(dataset, "train")
    if isinstance(X, list):  # unequal length: the runner resizes to the longest
        from aeon.transformations.collection.unequal_length import Resizer

        X = Resizer(resized_length=max(x.shape[-1] for x in X)).fit_transform(X)
    clf = DistilledClassifier(random_state=0)
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        clf.fit(X, y, teacher=QUANTClassifier(random_state=0))
    return time.perf_counter() - start, len(X), X.shape[-1], len(clf.history_)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", nargs="+", default=list(TYPICAL))
    parser.add_argument("--out", default=RESULTS)
    args = parser.parse_args()
    import torch

    fit_seconds("Chinatown")  # warm-up: the process's one-off imports
    rows = []
    for dataset in args.datasets:
        seconds, n, length, epochs = fit_seconds(dataset)
        rows.append((dataset, n, length, epochs, seconds))
        print(f"{dataset}: {n} x {length}, {epochs} epochs, {seconds:.1f} s", flush=True)
    median = float(np.median([r[-1] for r in rows]))
    command = "python benchmarks/fit_time.py" + (
        "" if args.datasets == list(TYPICAL) else " --datasets " + " ".join(args.datasets))
    lines = ["# Fit time of the default distillation, idle machine (issue 16)", "",
             f"Written by `{command}`: `DistilledClassifier()` with `QUANTClassifier()` fitted "
             f"inside, one fit at a time, torch threads {torch.get_num_threads()}, after a "
             "warm-up fit.", "",
             f"**Median {median:.1f} s** over {len(rows)} problems.", "",
             "| dataset | series | length | epochs | seconds |", "|---|---|---|---|---|"]
    lines += [f"| {d} | {n} | {t} | {e} | {s:.1f} |" for d, n, t, e, s in rows]
    lines += ["", f"Machine: {platform.system()} {platform.machine()}, {os.cpu_count()} CPU "
              "cores; nothing else running."]
    with open(args.out, "w") as handle:
        handle.write("\n".join(lines) + "\n")
    print("\n".join(lines[:6]))


if __name__ == "__main__":
    main()
