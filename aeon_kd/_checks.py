"""Input checks both estimators share; each estimator words the fix for its data."""

from __future__ import annotations

import numpy as np

__all__ = ["FLOAT32_MAX", "check_finite"]

FLOAT32_MAX = float(np.finfo(np.float32).max)


def check_finite(values, name, *, impute, rescale):
    """Reject NaN, infinite and beyond-float32 values, naming them and the fix.

    Parameters
    ----------
    values : np.ndarray
    name : str
        The argument's name in messages, e.g. ``"X"``.
    impute : str
        What to do about NaN or infinite values (a sentence).
    rescale : str
        What to do about values the student's float32 arithmetic cannot hold.

    Examples
    --------
    >>> import numpy as np
    >>> from aeon_kd._checks import check_finite
    >>> check_finite(np.array([1.0, np.nan]), "X", impute="Impute them.", rescale="")
    Traceback (most recent call last):
    ...
    ValueError: X contains 1 NaN and 0 infinite values; distillation needs finite input. Impute them.
    """  # noqa: E501
    if not np.all(np.isfinite(values)):
        n_nan, n_inf = int(np.isnan(values).sum()), int(np.isinf(values).sum())
        raise ValueError(
            f"{name} contains {n_nan} NaN and {n_inf} infinite values; distillation needs "
            f"finite input. {impute}"
        )
    peak = float(np.max(np.abs(values), initial=0.0))
    if peak > FLOAT32_MAX:
        raise ValueError(
            f"{name} holds values up to {peak:.3g} in magnitude, beyond the float32 range "
            f"({FLOAT32_MAX:.3g}) the student computes in. {rescale}"
        )
