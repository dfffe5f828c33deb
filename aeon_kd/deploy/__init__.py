"""Shipping students: ONNX/TorchScript export, int8, and a size and latency report."""

from aeon_kd.deploy._export import (
    EXPORT_FORMATS,
    ClassifierGraph,
    ExportedStudent,
    export_student,
    load_student,
)
from aeon_kd.deploy._report import (
    DistillationReport,
    count_macs,
    profile_model,
    serialized_bytes,
)

__all__ = [
    "EXPORT_FORMATS",
    "ClassifierGraph",
    "DistillationReport",
    "ExportedStudent",
    "count_macs",
    "export_student",
    "load_student",
    "profile_model",
    "serialized_bytes",
]
