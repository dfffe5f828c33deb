"""Does fitting a numba-based aeon teacher slow the next student down?

Issue 16 reported a student epoch ~27x slower in a process that had fitted aeon's
``MiniRocketClassifier`` and guessed at numba's and torch's thread pools fighting. This
script measures it: the seconds per epoch of the same ``cnn`` student (ArrowHead, 36
series) trained before and after QUANT and MiniRocket were fitted in the same process,
with torch's default threads and with one thread in a loky worker (how the benchmark runner
calls it), and the one-off cost of a process's first fit. Writes
``benchmarks/results/thread_interplay.md``.

    python benchmarks/thread_interplay.py            # ~1 min on 2 cores
"""

import argparse
import os
import platform
import time

RESULTS = os.path.join(os.path.dirname(__file__), "results", "thread_interplay.md")
EPOCHS = 30


def _one_fit(X, y, epochs):
    from aeon_kd import DistilledClassifier

    clf = DistilledClassifier(method="none", student="cnn", max_epochs=epochs,
                              random_state=0)
    start = time.perf_counter()
    clf.fit(X, y)
    return time.perf_counter() - start


def measure(torch_threads=None, repeats=5):
    """Seconds of a process's first fit, then seconds per epoch before and after the
    numba-based teachers were fitted (median of ``repeats`` fits each)."""
    import warnings

    import numpy as np
    import torch
    from aeon.classification.convolution_based import MiniRocketClassifier
    from aeon.classification.interval_based import QUANTClassifier
    from aeon.datasets import load_classification

    warnings.simplefilter("ignore")
    if torch_threads is not None:
        torch.set_num_threads(torch_threads)
    X, y = load_classification("ArrowHead", split="train")
    first = _one_fit(X, y, 1)
    before = np.median([_one_fit(X, y, EPOCHS) / EPOCHS for _ in range(repeats)])
    QUANTClassifier(random_state=0).fit(X, y)
    after_quant = np.median([_one_fit(X, y, EPOCHS) / EPOCHS for _ in range(repeats)])
    MiniRocketClassifier(random_state=0, n_jobs=1).fit(X, y)
    after_minirocket = np.median([_one_fit(X, y, EPOCHS) / EPOCHS
                                  for _ in range(repeats)])
    return {"torch threads": torch.get_num_threads(), "first fit (1 epoch), s": first,
            "s/epoch before": before, "s/epoch after QUANT": after_quant,
            "s/epoch after MiniRocket": after_minirocket}


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=RESULTS)
    parser.add_argument("--note", default="", help="a line on the machine's load")
    args = parser.parse_args()
    from joblib import Parallel, delayed

    rows = [("this process", measure())]
    rows += [("loky worker", row) for row in
             Parallel(n_jobs=1, backend="loky")([delayed(measure)(1)])]
    keys = list(rows[0][1])
    lines = ["# Student epochs after numba-based teachers (issue 16)", "",
             "Written by `python benchmarks/thread_interplay.py`; ArrowHead, `cnn` student, "
             f"method `none`, {EPOCHS} epochs per fit, median of 5 fits.", "",
             "| where | " + " | ".join(keys) + " |", "|---" * (len(keys) + 1) + "|"]
    for where, row in rows:
        lines.append(f"| {where} | " + " | ".join(
            f"{row[k]:.3f}" if isinstance(row[k], float) else str(row[k]) for k in keys)
            + " |")
    lines += ["", f"Machine: {platform.system()} {platform.machine()}, "
              f"{os.cpu_count()} CPU cores. {args.note}".rstrip()]
    with open(args.out, "w") as handle:
        handle.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
