"""Offline dataset loaders."""

from aeon_kd.datasets._classification import load_classification_dataset
from aeon_kd.datasets._domain import (
    DOMAIN_SCENARIOS,
    DomainScenario,
    load_domain_scenario,
    make_domain_shift,
)
from aeon_kd.datasets._forecasting import (
    ForecastingSplits,
    evaluate_forecaster,
    load_forecasting_csv,
    make_ett_like,
    sliding_windows,
)

__all__ = [
    "DOMAIN_SCENARIOS",
    "DomainScenario",
    "ForecastingSplits",
    "evaluate_forecaster",
    "load_classification_dataset",
    "load_domain_scenario",
    "load_forecasting_csv",
    "make_domain_shift",
    "make_ett_like",
    "sliding_windows",
]
