"""
Temporal Saliency Distillation
==============================

TSD teaches the student *which windows* of a series the teacher's prediction depends
on. With a black-box teacher, a bank of perturbed series is built once before training
and the teacher is asked for their outputs in batches; it is never called inside the
epoch loop. TSD adds up with Hinton's KD.
"""

# %%
from aeon.classification.interval_based import QUANTClassifier
from aeon.datasets import load_classification

from aeon_kd import DistilledClassifier
from aeon_kd.methods import TSD, HintonKD

X_train, y_train = load_classification("ItalyPowerDemand", split="train")
X_test, y_test = load_classification("ItalyPowerDemand", split="test")

method = TSD(window_length=4, n_windows=10, bank_size=20) + HintonKD(temperature=2.0)
clf = DistilledClassifier(method=method, student="cnn", max_epochs=15, random_state=0)
clf.fit(X_train, y_train, teacher=QUANTClassifier(random_state=0))
print(f"TSD + KD student accuracy {clf.score(X_test, y_test):.3f}")
last = clf.history_[-1]
print("last epoch:", {k: round(float(last[k]), 4)
                      for k in ("train_task", "train_tsd", "train_kd")})
