"""aeon-kd: knowledge distillation for time series, the scikit-learn way.

The public names are imported on first use, so ``import aeon_kd`` (and the
``aeon-kd`` command's ``--help``) stays fast; ``from aeon_kd import
DistilledClassifier`` works as usual.
"""

from aeon_kd._lazy import lazy_exports

__version__ = "0.1.0"

_EXPORTS = {
    "DistilledClassifier": "aeon_kd.classification",
    "DistilledForecaster": "aeon_kd.forecasting",
    "list_methods": "aeon_kd.methods",
    "list_students": "aeon_kd.students",
}

__all__ = [*_EXPORTS, "__version__"]

__getattr__, __dir__ = lazy_exports(globals(), _EXPORTS)
