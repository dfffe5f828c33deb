"""
TimeDistill: distil a forecaster into an MLP
============================================

:class:`aeon_kd.DistilledForecaster` trains a teacher forecaster on sliding windows
and distils it into a channel-independent decomposition MLP (``dmlp``) with
TimeDistill's multi-scale and multi-period terms. The series here is synthetic and
shaped like the ETT benchmarks.
"""

# %%
from aeon_kd import DistilledForecaster
from aeon_kd.datasets import evaluate_forecaster, make_ett_like
from aeon_kd.teachers import FORECAST_TEACHER_PARAMS

# The built-in teachers' training settings live in FORECAST_TEACHER_PARAMS (up to 30
# epochs); fewer keep this example short.
defaults = dict(FORECAST_TEACHER_PARAMS["training"])
FORECAST_TEACHER_PARAMS["training"].update(max_epochs=5)

y = make_ett_like(n_timepoints=1200, n_channels=3, random_state=0)
train, test = y[:, :900], y[:, 900 - 96:]

fc = DistilledForecaster(method="timedistill", teacher="patchtst", window=96, horizon=24,
                         stride=4, max_epochs=5, lr=0.005, random_state=0)
fc.fit(train)
print("forecast shape:", fc.series_to_series_forecast(train, 24).shape)
print("test errors:", evaluate_forecaster(fc, test, window=96, horizon=24))
FORECAST_TEACHER_PARAMS["training"].update(defaults)  # the default settings again
