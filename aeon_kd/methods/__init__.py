"""Distillation methods: one module per method, the registry and composition."""

from aeon_kd.methods._base import (
    DistillationBatch,
    FitContext,
    Method,
    MethodSum,
    TrainingProgress,
    list_methods,
    register_method,
    resolve_method,
)
from aeon_kd.methods.attention import AttentionTransfer
from aeon_kd.methods.dann import DANN
from aeon_kd.methods.dkd import DKD
from aeon_kd.methods.fitnet import FitNet
from aeon_kd.methods.kd import HintonKD
from aeon_kd.methods.memkd import MemKD
from aeon_kd.methods.none import NoKD
from aeon_kd.methods.rkd import RKD
from aeon_kd.methods.timedistill import TimeDistill
from aeon_kd.methods.tsd import TSD
from aeon_kd.methods.unikd import UNIKD

__all__ = [
    "AttentionTransfer",
    "DANN",
    "DKD",
    "DistillationBatch",
    "FitContext",
    "FitNet",
    "HintonKD",
    "MemKD",
    "Method",
    "MethodSum",
    "NoKD",
    "RKD",
    "TSD",
    "TimeDistill",
    "TrainingProgress",
    "UNIKD",
    "list_methods",
    "register_method",
    "resolve_method",
]
