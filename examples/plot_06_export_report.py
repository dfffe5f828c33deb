"""
Export a student to ONNX and report its size and speed
======================================================

``export`` writes what ``predict_proba`` computes to an ONNX (or TorchScript) file
with the class labels in its metadata; ``load_student`` runs it with onnxruntime.
``report`` compares teacher and student: parameters, bytes, multiply-accumulates and
latency.
"""

# %%
import tempfile
from pathlib import Path

from aeon.classification.interval_based import QUANTClassifier
from aeon.datasets import load_classification

from aeon_kd import DistilledClassifier
from aeon_kd.deploy import load_student

X_train, y_train = load_classification("ItalyPowerDemand", split="train")
X_test, y_test = load_classification("ItalyPowerDemand", split="test")

clf = DistilledClassifier(method="kd", student="lstm", max_epochs=20, random_state=0)
clf.fit(X_train, y_train, teacher=QUANTClassifier(random_state=0))
print(clf.report(budget_s=0.1))

# %%
# Export, float and int8, and run the files
with tempfile.TemporaryDirectory() as tmp:
    for quantize in (False, True):
        path = Path(tmp) / f"student{'_int8' if quantize else ''}.onnx"
        clf.export(path, quantize=quantize)
        exported = load_student(path)
        accuracy = (exported.predict(X_test) == y_test).mean()
        print(f"{path.name}: {path.stat().st_size:,} bytes, accuracy {accuracy:.3f}")
