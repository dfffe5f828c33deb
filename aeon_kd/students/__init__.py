"""Compact torch students and their registry."""

from aeon_kd.students._networks import FCNStudent, RecurrentStudent, count_parameters
from aeon_kd.students._registry import build_student, list_students, register_student
from aeon_kd.students._signals import SignalTap, available_signals, signals_of

__all__ = [
    "FCNStudent",
    "RecurrentStudent",
    "SignalTap",
    "available_signals",
    "build_student",
    "count_parameters",
    "list_students",
    "register_student",
    "signals_of",
]
