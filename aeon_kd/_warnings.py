"""Quiet the dependencies' deprecation noise inside the library's own calls.

Each QUANT fit made aeon trigger 6-78 NumPy ``__array_wrap__`` DeprecationWarnings,
and ``GridSearchCV(n_jobs=2)`` workers printed them all. They say nothing a user of
aeon-kd can act on; the user's own warnings (and every other category) are left alone.
"""

from __future__ import annotations

import contextlib
import warnings

__all__ = ["DEPENDENCIES", "dependency_warnings_silenced"]

#: modules whose deprecation and future warnings are silenced inside library calls
DEPENDENCIES = r"(aeon|numpy|numba|scipy|sklearn|skorch|torch|tsml_eval|pandas)(\.|$)"


@contextlib.contextmanager
def dependency_warnings_silenced():
    """Ignore DeprecationWarning/FutureWarning raised from the dependencies' modules.

    Examples
    --------
    >>> import warnings
    >>> from aeon_kd._warnings import dependency_warnings_silenced
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     with dependency_warnings_silenced():
    ...         warnings.warn_explicit("old", DeprecationWarning, "x.py", 1, module="aeon.x")
    ...         warnings.warn("the user's own", UserWarning)
    >>> [str(w.message) for w in caught]
    ["the user's own"]
    """
    with warnings.catch_warnings():
        for category in (DeprecationWarning, FutureWarning):
            warnings.filterwarnings("ignore", category=category, module=DEPENDENCIES)
        yield
