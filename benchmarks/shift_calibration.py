"""How strong a scenario's shift is, measured on the target's *training* half only.

A cross-domain scenario is worth benchmarking when the source-only student is well below
what the target's own labels allow. That gap is measured here without the target-test
half: the source-only student (``method="none"``, the cross-domain benchmark's 16/32/32
CNN) scores the target training half through its hidden labels, and an oracle is
cross-validated (2 folds) on that half. Used to choose the shift of
``AllGestureWiimoteX[rate+smoothing+noise]`` (``benchmarks/results/shift_calibration.md``).

    python benchmarks/shift_calibration.py
"""

import warnings

import numpy as np
import torch
from sklearn.metrics import f1_score
from sklearn.model_selection import StratifiedKFold

from aeon_kd import DistilledClassifier
from aeon_kd.datasets import make_shifted_scenario

warnings.filterwarnings("ignore")

PROBLEM = "AllGestureWiimoteX"
CANDIDATES = {
    "rate+smoothing": [("rate", {"factor": 0.4}), ("smoothing", {"width": 7})],
    "rate+smoothing+noise(0.25)": [("rate", {"factor": 0.4}), ("smoothing", {"width": 7}),
                                   ("noise", {"level": 0.25})],
    "rate+smoothing+noise(0.5)": [("rate", {"factor": 0.4}), ("smoothing", {"width": 7}),
                                  ("noise", {"level": 0.5})],
    "rate+noise(0.5)+drift": [("rate", {"factor": 0.4}), ("noise", {"level": 0.5}),
                              ("drift", {"level": 1.0})],
}  # fmt: skip


def student(seed=0):
    return DistilledClassifier(method="none", student="adatime_cnn", random_state=seed)


def main():
    torch.set_num_threads(1)
    lines = ["# Shift strength, measured on the target's training half", "",
             f"Written by `python benchmarks/shift_calibration.py` ({PROBLEM}, seed 0). "
             "Macro-F1 on the target training half (its hidden labels); the oracle is "
             "2-fold cross-validated there, so it trains on half as many series as the "
             "benchmark's oracle. The target-test half is not read.", "",
             "| shift | source-only | oracle (2-fold CV) | gap |", "|---|---|---|---|"]
    for name, shifts in CANDIDATES.items():
        s = make_shifted_scenario(PROBLEM, shifts, random_state=0)
        source_only = student().fit(s.X_source, s.y_source)
        f_source = f1_score(s.y_target, source_only.predict(s.X_target), average="macro")
        folds = StratifiedKFold(2, shuffle=True, random_state=0)
        oracle = np.mean([
            f1_score(s.y_target[te], student().fit(s.X_target[tr], s.y_target[tr])
                     .predict(s.X_target[te]), average="macro")
            for tr, te in folds.split(s.X_target, s.y_target)
        ])  # fmt: skip
        lines.append(f"| {name} | {f_source:.3f} | {oracle:.3f} | {oracle - f_source:+.3f} |")
        print(lines[-1], flush=True)
    with open("benchmarks/results/shift_calibration.md", "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
