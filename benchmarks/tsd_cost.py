"""What a TSD epoch costs against a ``kd`` epoch (issue 19's target: at most 3x).

GunPoint's 50 training series, the default student, a white-box teacher (the papers'
3 x 100 LSTM, untrained: the cost does not depend on its weights) and QUANT
(black-box); ``transfer_size=0`` so every method sees the same rows. Seconds per epoch
are the median over epochs 2..N of ``history_`` (epoch 1 includes warm-up); the one-off
cost of scoring TSD's bank before training is reported apart. Writes
``benchmarks/results/tsd_cost.md``.

    python benchmarks/tsd_cost.py           # ~5 min on 2 cores
"""

import argparse
import os
import platform
import time
import warnings

import numpy as np

RESULTS = os.path.join(os.path.dirname(__file__), "results", "tsd_cost.md")


def _teachers(X, y):
    import torch
    from aeon.classification.interval_based import QUANTClassifier

    from aeon_kd.students import RecurrentStudent

    torch.manual_seed(0)
    lstm = RecurrentStudent(X.shape[1], len(np.unique(y)), hidden_size=100, num_layers=3)
    return {"white-box LSTM 3x100": lstm.eval(), "black-box QUANT": QUANTClassifier(
        random_state=0).fit(X, y)}


def _variants():
    from aeon_kd.methods import TSD, HintonKD

    return {
        "kd": HintonKD(),
        "tsd (bank, n_windows=50)": TSD(n_windows=50),
        "tsd (bank, n_windows=4)": TSD(n_windows=4),
        "tsd (bank, default n_windows=2)": TSD(),
        "tsd (online, n_windows=50)": TSD(online=True, n_windows=50),
    }


def measure(epochs):
    import torch
    from aeon.datasets import load_classification

    from aeon_kd import DistilledClassifier

    torch.set_num_threads(1)
    X, y = load_classification("GunPoint", split="train")
    rows = []
    for teacher_name, teacher in _teachers(X, y).items():
        for name, method in _variants().items():
            if "online" in name and "white" not in teacher_name:
                continue  # a black-box teacher is never online
            clf = DistilledClassifier(method=method, max_epochs=epochs, transfer_size=0,
                                      random_state=0)  # fmt: skip
            start = time.perf_counter()
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                clf.fit(X, y, teacher=teacher)
            total = time.perf_counter() - start
            per_epoch = float(np.median(clf.history_[1:, "dur"]))
            training = float(np.sum(clf.history_[:, "dur"]))
            rows.append((teacher_name, name, per_epoch, total - training))
            print(rows[-1], flush=True)
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--out", default=RESULTS)
    parser.add_argument("--note", default="")
    args = parser.parse_args()
    rows = measure(args.epochs)
    kd = {teacher: s for teacher, name, s, _ in rows if name == "kd"}
    lines = ["# Seconds per epoch: TSD against kd (issue 19)", "",
             f"Written by `python benchmarks/tsd_cost.py --epochs {args.epochs}`; GunPoint (50 "
             "training series, length 150), default student, `transfer_size=0`, one torch "
             "thread; median epoch duration over epochs 2..N. *Before training*: seconds "
             "outside the epoch loop (teacher outputs, TSD's bank, building the student).",
             "", "| teacher | method | s/epoch | x kd | before training, s |",
             "|---|---|---|---|---|"]  # fmt: skip
    for teacher, name, per_epoch, before in rows:
        lines.append(f"| {teacher} | {name} | {per_epoch:.3f} | "
                     f"{per_epoch / kd[teacher]:.1f} | {before:.1f} |")  # fmt: skip
    lines += ["", f"Machine: {platform.system()} {platform.machine()}, {os.cpu_count()} CPU "
              f"cores. {args.note}".rstrip()]  # fmt: skip
    with open(args.out, "w") as handle:
        handle.write("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
