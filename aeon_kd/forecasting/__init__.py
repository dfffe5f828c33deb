"""The distilled forecaster."""

from aeon_kd.forecasting._distilled import DistilledForecaster

__all__ = ["DistilledForecaster"]
