"""Offline dataset loaders."""

from aeon_kd.datasets._classification import load_classification_dataset

__all__ = ["load_classification_dataset"]
