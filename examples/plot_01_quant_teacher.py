"""
Distil a black-box QUANT classifier into a small LSTM
=====================================================

An aeon classifier is a *black-box* teacher: distillation only reads its
``predict_proba``. Here aeon's ``QUANTClassifier`` on ItalyPowerDemand (bundled with
aeon) is distilled into the default 1 x 16 LSTM student with Hinton's KD, next to the
same student trained on the labels alone.

The teacher is passed *unfitted*: aeon-kd then fits it inside ``fit`` and uses its
out-of-fold probabilities for the training series. A fitted QUANT would give one-hot
probabilities on the series it was fitted on, which teach nothing beyond the labels
(aeon-kd warns about that).
"""

# %%
# Data and teacher
# ----------------
from aeon.classification.interval_based import QUANTClassifier
from aeon.datasets import load_classification

from aeon_kd import DistilledClassifier
from aeon_kd.methods import HintonKD

X_train, y_train = load_classification("ItalyPowerDemand", split="train")
X_test, y_test = load_classification("ItalyPowerDemand", split="test")
reference = QUANTClassifier(random_state=0).fit(X_train, y_train)
print(f"teacher accuracy (fitted on the whole training set): "
      f"{reference.score(X_test, y_test):.3f}")

# %%
# Students with and without distillation
# --------------------------------------
# The unfitted teacher is passed to ``fit``; ``method="none"`` needs no teacher.
common = dict(student="lstm", max_epochs=20, random_state=0)
kd = DistilledClassifier(method=HintonKD(temperature=2.0), **common)
kd.fit(X_train, y_train, teacher=QUANTClassifier(random_state=0))
plain = DistilledClassifier(method="none", **common).fit(X_train, y_train)

for name, clf in [("KD", kd), ("labels only", plain)]:
    print(f"{name:12s} accuracy {clf.score(X_test, y_test):.3f}  "
          f"parameters {clf.n_student_params_}")
print(f"agreement of the KD student with the teacher: {kd.teacher_agreement_:.3f}")

# %%
# Loss terms per epoch
# --------------------
# ``history_`` keeps every loss term per epoch.
import matplotlib.pyplot as plt

epochs = range(1, len(kd.history_) + 1)
plt.plot(epochs, [h["train_kd"] for h in kd.history_], label="KD term (train)")
plt.plot(epochs, [h["train_loss"] for h in kd.history_], label="total (train)")
plt.xlabel("epoch")
plt.legend()
plt.show()
