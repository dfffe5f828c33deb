"""aeon-kd: knowledge distillation for time series, the scikit-learn way."""

__version__ = "0.1.0"

from aeon_kd.classification import DistilledClassifier
from aeon_kd.forecasting import DistilledForecaster
from aeon_kd.methods import list_methods
from aeon_kd.students import list_students

__all__ = [
    "DistilledClassifier",
    "DistilledForecaster",
    "list_methods",
    "list_students",
    "__version__",
]
