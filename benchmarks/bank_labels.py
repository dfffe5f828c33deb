"""How the teacher labels the transfer set's augmentations, on training series only.

Per problem of the tuning set: QUANT fitted on the published training split, then 400
augmented copies of random training series per augmentation of the default bank (the
library's own ``augment``, applied to the series as the teacher sees them). Written per
augmentation: the share of copies the teacher gives their parent's class. A label-
preserving augmentation the teacher relabels often moves series to where it is off its
data, and a student matching it there learns noise (mixup blends two series, so a low
share is expected there). Test splits are never loaded. Resumable.

    python benchmarks/bank_labels.py            # the 30 classification problems
    python benchmarks/bank_labels.py --summary  # benchmarks/results/bank_labels.md from the CSV
"""

import argparse
import os
import warnings

import numpy as np
from _rows import appending, finished

from aeon_kd.benchmarking._defaults import DEFAULT_DATASETS

AUGMENTATIONS = ("jitter", "scaling", "time_warp", "window_slice", "mixup")
OUT = "benchmarks/results/bank_labels.csv"
FIELDS = ("dataset", "n_train", "length", *AUGMENTATIONS)
#: the tuning set's 30 classification problems, as the UCR runner orders them
PROBLEMS = DEFAULT_DATASETS


def measure(dataset, n_copies=400, seed=0):
    """One row: the share of each augmentation's copies labelled with the parent's class."""
    from aeon.classification.interval_based import QUANTClassifier

    from aeon_kd.benchmarking._runner import _load_split
    from aeon_kd.transfer import augment

    X, y = _load_split(dataset, 0, None)[:2]  # training series only
    X, y = X.astype(np.float32), np.asarray(y)
    teacher = QUANTClassifier(random_state=seed).fit(X, y)
    rng = np.random.default_rng(seed)
    parents = rng.integers(0, len(X), size=n_copies)
    row = {"dataset": dataset, "n_train": len(X), "length": X.shape[2]}
    for name in AUGMENTATIONS:
        copies = augment(X[parents], name, rng, donors=X)
        labels = teacher.classes_[teacher.predict_proba(copies).argmax(axis=1)]
        row[name] = round(float(np.mean(labels == y[parents])), 3)
    return row


def summary(path):
    import pandas as pd

    frame = pd.read_csv(path)
    lines = [
        "# How QUANT labels the transfer set's augmentations",
        "",
        "Written by `python benchmarks/bank_labels.py --summary` from "
        "`benchmarks/results/bank_labels.csv` (`python benchmarks/bank_labels.py`: QUANT "
        "fitted on each problem's published training split, 400 augmented copies of random "
        "training series per augmentation; test splits never loaded). Share of copies the "
        "teacher gives their parent's class (mixup blends two series, so about 0.5-0.8 is "
        "expected there).",
        "",
        "| augmentation | mean | median | min | problems below 0.8 |",
        "|---|---|---|---|---|",
    ]
    for name in AUGMENTATIONS:
        col = frame[name]
        low = ", ".join(f"{d} {v:.2f}" for d, v in
                        zip(frame.dataset[col < 0.8], col[col < 0.8], strict=True))
        if name == "mixup":  # a blend of two classes: a low share is no fault
            low = "(blends two series)"
        lines.append(f"| {name} | {col.mean():.3f} | {col.median():.3f} | {col.min():.3f} | "
                     f"{int((col < 0.8).sum())}: {low or '-'} |")
    lines += ["", "Per problem:", "", frame.to_markdown(index=False), ""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--datasets", nargs="*", default=PROBLEMS)
    parser.add_argument("--out", default=OUT)
    parser.add_argument("--summary", action="store_true",
                        help="write benchmarks/results/bank_labels.md from the CSV and stop")
    args = parser.parse_args()
    if args.summary:
        md = os.path.splitext(args.out)[0] + ".md"
        with open(md, "w", encoding="utf-8") as f:
            f.write(summary(args.out))
        return
    done = finished(args.out, lambda row: row["dataset"])
    with appending(args.out, FIELDS) as write:
        for dataset in args.datasets:
            if dataset in done:
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                write(measure(dataset))


if __name__ == "__main__":
    main()
