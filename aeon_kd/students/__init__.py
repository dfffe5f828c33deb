"""Compact torch students and their registry."""

from aeon_kd.students._networks import FCNStudent, RecurrentStudent, count_parameters
from aeon_kd.students._registry import build_student, list_students, register_student

__all__ = [
    "FCNStudent",
    "RecurrentStudent",
    "build_student",
    "count_parameters",
    "list_students",
    "register_student",
]
