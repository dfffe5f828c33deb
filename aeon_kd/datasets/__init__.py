"""Offline dataset loaders."""

from aeon_kd.datasets._classification import load_classification_dataset
from aeon_kd.datasets._domain import (
    DOMAIN_SCENARIOS,
    DomainScenario,
    load_domain_scenario,
    make_domain_shift,
)
from aeon_kd.datasets._forecasting import (
    TSDATA_SERIES,
    ForecastingSplits,
    evaluate_forecaster,
    load_forecasting_csv,
    load_tsdata,
    make_ett_like,
    sliding_windows,
)
from aeon_kd.datasets._shift import (
    SHIFTED_SCENARIOS,
    SHIFTS,
    LeakageReport,
    LeakedScenarioError,
    apply_shift,
    check_leakage,
    make_shifted_scenario,
    near_copies,
)

__all__ = [
    "DOMAIN_SCENARIOS",
    "SHIFTED_SCENARIOS",
    "SHIFTS",
    "LeakageReport",
    "LeakedScenarioError",
    "apply_shift",
    "check_leakage",
    "make_shifted_scenario",
    "near_copies",
    "DomainScenario",
    "ForecastingSplits",
    "TSDATA_SERIES",
    "evaluate_forecaster",
    "load_classification_dataset",
    "load_domain_scenario",
    "load_forecasting_csv",
    "load_tsdata",
    "make_domain_shift",
    "make_ett_like",
    "sliding_windows",
]
