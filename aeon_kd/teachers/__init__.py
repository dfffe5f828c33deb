"""Teacher adapters and the teachers aeon-kd builds itself."""

from aeon_kd.teachers._adapters import (
    EstimatorTeacher,
    OneHotTeacherWarning,
    Teacher,
    TorchTeacher,
    resolve_teacher,
)
from aeon_kd.teachers._default import default_teacher

__all__ = [
    "EstimatorTeacher",
    "OneHotTeacherWarning",
    "Teacher",
    "TorchTeacher",
    "default_teacher",
    "resolve_teacher",
]
