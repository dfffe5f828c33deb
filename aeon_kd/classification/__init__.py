"""Distilled time-series classification."""

from aeon_kd.classification._distilled import DistilledClassifier

__all__ = ["DistilledClassifier"]
