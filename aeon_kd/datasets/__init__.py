"""Offline dataset loaders."""

from aeon_kd.datasets._classification import load_classification_dataset
from aeon_kd.datasets._forecasting import (
    ForecastingSplits,
    evaluate_forecaster,
    load_forecasting_csv,
    make_ett_like,
    sliding_windows,
)

__all__ = [
    "ForecastingSplits",
    "evaluate_forecaster",
    "load_classification_dataset",
    "load_forecasting_csv",
    "make_ett_like",
    "sliding_windows",
]
