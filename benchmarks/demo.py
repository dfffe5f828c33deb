"""The main job: distil a strong black-box aeon teacher into a ~3.7k-parameter student.

Run with ``make demo`` (or ``python benchmarks/demo.py [DATASET]``). It fits aeon's
QUANTClassifier as teacher on a UCR dataset bundled with aeon (ArrowHead: 36 training
series of 251 steps, 3 classes), then trains the default student (a LITE-style CNN)
with the default recipe, without and with knowledge distillation, beside the old
default (a 1 x 16 LSTM with a 100-epoch cap, early stopping on a 20 % validation
split), and prints accuracy, agreement with the teacher, parameters, size on disk and
latency per series.
"""

import io
import os
import pickle
import sys
import tempfile
import time
import warnings

import numpy as np
import torch
from aeon.classification.interval_based import QUANTClassifier
from aeon.datasets import load_classification

from aeon_kd import DistilledClassifier
from aeon_kd.deploy import load_student
from aeon_kd.methods import HintonKD

warnings.filterwarnings("ignore", category=DeprecationWarning)


def student_bytes(clf):
    buffer = io.BytesIO()
    torch.save(clf.student_.state_dict(), buffer)
    return buffer.getbuffer().nbytes


def tree_nodes(quant):
    forest = quant.estimator_  # QUANT's ExtraTrees: its size is its node count
    return int(sum(tree.tree_.node_count for tree in forest.estimators_))


def timed_predict(model, X):
    start = time.perf_counter()
    pred = model.predict(X)
    return pred, (time.perf_counter() - start) / len(X) * 1e3


#: the rows of the table: label, method, parameters
ROWS = (
    ("old default: LSTM-16, KD T=4", HintonKD(temperature=4.0),
     {"student": "lstm", "max_epochs": 100, "validation_size": 0.2, "patience": 20,
      "lr": 5e-3, "lr_schedule": None, "optimizer": "adam", "normalize": None,
      "transfer_size": 0}),
    ("default student, no KD", "none", {}),
    ("default student, KD", "kd", {}),
)


def main(dataset="ArrowHead", seeds=(0, 1)):
    X, y = load_classification(dataset, split="train")
    X_test, y_test = load_classification(dataset, split="test")
    print(f"{dataset}: {len(X)} train / {len(X_test)} test series, "
          f"{X.shape[1]} channel(s), length {X.shape[2]}, {len(np.unique(y))} classes")

    # The reference teacher for the table. Each distillation gets QUANT unfitted, so it
    # is fitted inside fit and its soft labels for the training series are out-of-fold
    # (in-sample probabilities of QUANT's fully grown trees are exactly one-hot).
    start = time.perf_counter()
    teacher = QUANTClassifier(random_state=0).fit(X, y)
    teacher_seconds = time.perf_counter() - start
    teacher_pred, teacher_ms = timed_predict(teacher, X_test)
    results = {label: [] for label, _, _ in ROWS}
    for seed in seeds:
        for name, method, params in ROWS:
            start = time.perf_counter()
            clf = DistilledClassifier(method=method, random_state=seed, **params)
            clf.fit(X, y, teacher=QUANTClassifier(random_state=0))
            seconds = time.perf_counter() - start
            pred, ms = timed_predict(clf, X_test)
            results[name].append((np.mean(pred == y_test), np.mean(pred == teacher_pred),
                                  seconds, ms, clf))

    header = (f"{'model':<31}{'accuracy':>15}{'agreement':>16}{'params':>8}{'bytes':>10}"
              f"{'ms/series':>11}{'fit s':>7}")
    print("\n" + header + "\n" + "-" * len(header))
    teacher_bytes = len(pickle.dumps(teacher))
    print(f"{'teacher QUANT (black-box)':<31}{np.mean(teacher_pred == y_test):>15.4f}"
          f"{1.0:>16.4f}{tree_nodes(teacher):>8,}{teacher_bytes:>10,}{teacher_ms:>11.4f}"
          f"{teacher_seconds:>7.1f}")
    for label, _, _ in ROWS:
        acc, agree, seconds, ms, clfs = zip(*results[label], strict=True)
        print(f"{label:<31}{np.mean(acc):>8.4f} ±{np.std(acc):.3f}"
              f"{np.mean(agree):>9.4f} ±{np.std(agree):.3f}{clfs[0].n_student_params_:>8,}"
              f"{student_bytes(clfs[0]):>10,}{np.mean(ms):>11.4f}{np.mean(seconds):>7.1f}")
    print(f"\nStudents: mean ± std over seeds {list(seeds)}. params: trainable weights (tree "
          "nodes for QUANT);\nbytes: pickled teacher vs torch state_dict; agreement: test-set "
          "top-1 agreement with the teacher.\n"
          f"The student is {teacher_bytes / student_bytes(clfs[0]):.0f}x smaller on disk and "
          f"{teacher_ms / np.mean(ms):.0f}x faster per series.")

    teacher_acc = np.mean(teacher_pred == y_test)
    kept = {label: np.mean([r[0] for r in results[label]]) / teacher_acc for label, _, _ in ROWS}
    print("Share of the teacher's test accuracy kept: "
          + ", ".join(f"{label} {share:.0%}" for label, share in kept.items()) + ".")

    # What ships: the KD student of the first seed, its report and an ONNX file.
    student = results["default student, KD"][0][-1]
    print(f"\nThe KD student of seed 0 scores {student.score(X_test, y_test):.4f} in Python.")
    print("clf.report() of the KD student (seed 0; random series of the training shape):")
    print(student.report())
    with tempfile.TemporaryDirectory() as folder:
        for quantize in (False, True):
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always", UserWarning)
                path = student.export(os.path.join(folder, "student.onnx"), quantize=quantize)
            shipped = load_student(path)
            print(f"clf.export('student.onnx'{', quantize=True' if quantize else ''}): "
                  f"{os.path.getsize(path):,} bytes, onnxruntime test accuracy "
                  f"{shipped.score(X_test, y_test):.4f}")
            for warning in caught:  # int8 larger than float32 on a student this small
                print(f"  ({warning.message})")


if __name__ == "__main__":
    main(*sys.argv[1:2])
