"""Distilled time-series classification."""

from aeon_kd.classification._distilled import DistilledClassifier, split_domains

__all__ = ["DistilledClassifier", "split_domains"]
