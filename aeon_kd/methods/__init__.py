"""Distillation methods: one module per method, the registry and composition."""

from aeon_kd.methods._base import (
    DistillationBatch,
    FitContext,
    Method,
    MethodSum,
    list_methods,
    register_method,
    resolve_method,
)
from aeon_kd.methods.kd import HintonKD
from aeon_kd.methods.none import NoKD

__all__ = [
    "DistillationBatch",
    "FitContext",
    "HintonKD",
    "Method",
    "MethodSum",
    "NoKD",
    "list_methods",
    "register_method",
    "resolve_method",
]
