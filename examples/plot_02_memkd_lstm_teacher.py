"""
MemKD with a recurrent teacher
==============================

MemKD matches how much each stretch of a series changes the hidden state (the
"memory") of teacher and student, so it needs a *white-box* recurrent teacher.
:class:`aeon_kd.teachers.RecurrentTeacher` is an LSTM trained by aeon-kd; passed
unfitted, it is fitted inside ``fit`` first. The papers use 3 x 100 units and up to
500 epochs; a smaller, shorter one keeps this example fast.
"""

# %%
from aeon.datasets import load_classification

from aeon_kd import DistilledClassifier
from aeon_kd.methods import MemKD
from aeon_kd.teachers import RecurrentTeacher

X_train, y_train = load_classification("ItalyPowerDemand", split="train")
X_test, y_test = load_classification("ItalyPowerDemand", split="test")

teacher = RecurrentTeacher(hidden_size=32, num_layers=2, max_epochs=15, random_state=0)
clf = DistilledClassifier(teacher=teacher, method=MemKD(n_pairs=20), student="lstm",
                          max_epochs=25, lr=0.01, random_state=0)
clf.fit(X_train, y_train)

# %%
# Accuracy and the loss terms of the last epoch: the task term and the MemKD term.
print(f"student accuracy {clf.score(X_test, y_test):.3f}, "
      f"{clf.n_student_params_} parameters")
last = clf.history_[-1]
print("last epoch:", {k: round(float(last[k]), 4)
                      for k in ("train_task", "train_memkd", "train_loss")})
