"""Estimator glue: parameters of a method given by name can be set like any other."""

from __future__ import annotations

from aeon_kd.methods import resolve_method

__all__ = ["TunableMethodMixin", "store_parameters"]

_PREFIX = "method__"


class TunableMethodMixin:
    """``set_params(method__temperature=4)`` works when ``method`` is a name.

    scikit-learn routes ``method__<param>`` to ``method.set_params``, which a string
    does not have (``GridSearchCV(clf, {"method__temperature": [2, 4]})`` failed with
    ``AttributeError: 'str' object has no attribute 'set_params'``). A method given by
    name (or a list of names) is therefore turned into its object first, with the
    registry's defaults, and the nested parameters are set on that object.

    Examples
    --------
    >>> from aeon_kd import DistilledClassifier
    >>> clf = DistilledClassifier(method="kd").set_params(method__temperature=4.0)
    >>> clf.method
    HintonKD(temperature=4.0)
    """

    def set_params(self, **params):
        """Set parameters; ``method__*`` ones also when ``method`` is a name."""
        if any(key.startswith(_PREFIX) for key in params):
            method = params.get("method", getattr(self, "method", None))
            if isinstance(method, str | list | tuple):
                params = {**params, "method": resolve_method(method)}
        return super().set_params(**params)


def store_parameters(estimator, values):
    """Set every constructor parameter of ``estimator`` from ``values`` (its ``locals()``).

    The estimators share most of their parameters; their constructors keep the
    explicit signatures scikit-learn reads (``get_params``, ``clone``) and store them
    here, unchanged, as scikit-learn requires.

    Examples
    --------
    >>> from aeon_kd._params import store_parameters
    >>> class Estimator:
    ...     def __init__(self, lr=0.1, verbose=False):
    ...         store_parameters(self, locals())
    >>> vars(Estimator(lr=0.5))
    {'lr': 0.5, 'verbose': False}
    """
    import inspect

    for name in inspect.signature(type(estimator).__init__).parameters:
        if name != "self":
            setattr(estimator, name, values[name])
