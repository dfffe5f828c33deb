"""Compact torch students (classification and forecasting) and their registry."""

from aeon_kd.students._forecasting import (
    HIDDEN_SIZES,
    DMLPStudent,
    MLPStudent,
    largest_hidden_size,
)
from aeon_kd.students._lite import ChannelStandardized, LITEStudent, SeriesNormalized
from aeon_kd.students._networks import (
    AdaTimeCNN,
    FCNStudent,
    RecurrentStudent,
    count_parameters,
)
from aeon_kd.students._registry import build_student, list_students, register_student
from aeon_kd.students._signals import SignalTap, available_signals, signals_of

__all__ = [
    "HIDDEN_SIZES",
    "largest_hidden_size",
    "AdaTimeCNN",
    "ChannelStandardized",
    "DMLPStudent",
    "FCNStudent",
    "LITEStudent",
    "MLPStudent",
    "RecurrentStudent",
    "SeriesNormalized",
    "SignalTap",
    "available_signals",
    "build_student",
    "count_parameters",
    "list_students",
    "register_student",
    "signals_of",
]
