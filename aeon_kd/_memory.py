"""A memory budget for the large arrays distillation caches.

Teacher signals for every training series (hidden states are ``n_series x n_steps x
width`` floats), the forecasting windows cut from a long series and TSD's bank of scored
perturbations are computed in batches and stored once. Before any of them is allocated
its size is checked against the budget, so a fit that cannot fit in memory stops at
once with a message that says what needed how much and how to shrink it, instead of
swapping or being killed half-way. The budget is 4 GiB unless the environment variable
``AEON_KD_MEMORY_BUDGET`` (e.g. ``"16GB"``, ``"500MB"``, ``"none"``) or
:func:`set_memory_budget` says otherwise.
"""

from __future__ import annotations

import contextlib
import os
import re

import numpy as np

__all__ = ["MemoryBudgetError", "check_allocation", "gather_in_batches", "memory_budget",
           "set_memory_budget"]  # fmt: skip

_DEFAULT = 4 * 2**30
_UNITS = {"": 1, "b": 1, "kb": 2**10, "mb": 2**20, "gb": 2**30, "tb": 2**40}


class MemoryBudgetError(MemoryError):
    """An array distillation would cache is larger than the memory budget.

    Examples
    --------
    >>> from aeon_kd.training import MemoryBudgetError
    >>> issubclass(MemoryBudgetError, MemoryError)
    True
    """


def _parse(value):
    if value is None:
        return None
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool):
        if value <= 0:
            raise ValueError(f"The memory budget must be positive, got {value}.")
        return int(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("none", "unlimited", "inf"):
            return None
        match = re.fullmatch(r"([0-9]*\.?[0-9]+)\s*([kmgt]?i?b?)", text)
        if match:
            number, unit = float(match.group(1)), match.group(2).replace("i", "")
            if number > 0 and unit in _UNITS:
                return int(number * _UNITS[unit])
    raise ValueError(
        f"A memory budget is a number of bytes, a size such as '8GB' or '500MB', or None "
        f"for no limit; got {value!r}."
    )


_budget = _parse(os.environ.get("AEON_KD_MEMORY_BUDGET", _DEFAULT))


def memory_budget():
    """The current budget in bytes (None: unlimited).

    Returns
    -------
    int or None

    Examples
    --------
    >>> from aeon_kd.training import memory_budget
    >>> memory_budget() > 0
    True
    """
    return _budget


class set_memory_budget(contextlib.ContextDecorator):
    """Set the memory budget; usable as a call or as a ``with`` block.

    Parameters
    ----------
    value : int, str or None
        Bytes, a size such as ``"16GB"`` or ``"500MB"``, or None for no limit.

    Examples
    --------
    >>> from aeon_kd.training import memory_budget, set_memory_budget
    >>> with set_memory_budget("1GB"):
    ...     memory_budget()
    1073741824
    >>> memory_budget() == 1073741824
    False
    """

    def __init__(self, value):
        global _budget
        self._previous = _budget
        _budget = _parse(value)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        global _budget
        _budget = self._previous
        return False


def _size(nbytes):
    for unit, scale in (("GB", 2**30), ("MB", 2**20), ("kB", 2**10)):
        if nbytes >= scale:
            return f"{nbytes / scale:.1f} {unit}"
    return f"{nbytes} B"


def check_allocation(nbytes, what, fix):
    """Raise :class:`MemoryBudgetError` if ``nbytes`` exceeds the budget.

    Parameters
    ----------
    nbytes : int
        Size of the array about to be allocated.
    what : str
        What it holds, e.g. ``"the teacher's hidden states (1000 x 500 x 100 float32)"``.
    fix : str
        How to need less.

    Examples
    --------
    >>> from aeon_kd.training import check_allocation, set_memory_budget
    >>> with set_memory_budget("1MB"):
    ...     check_allocation(2**21, "a test array", "use less")
    Traceback (most recent call last):
    ...
    aeon_kd._memory.MemoryBudgetError: a test array needs 2.0 MB, more than the memory budget of 1.0 MB. use less, or raise the budget: aeon_kd.training.set_memory_budget('...') or the environment variable AEON_KD_MEMORY_BUDGET.
    """  # noqa: E501
    if _budget is not None and nbytes > _budget:
        raise MemoryBudgetError(
            f"{what} needs {_size(nbytes)}, more than the memory budget of "
            f"{_size(_budget)}. {fix}, or raise the budget: "
            "aeon_kd.training.set_memory_budget('...') or the environment variable "
            "AEON_KD_MEMORY_BUDGET."
        )


def gather_in_batches(n_rows, batch_size, compute, what, fix):
    """Compute arrays batch by batch into preallocated outputs, within the budget.

    ``compute(start, stop)`` returns a dict of arrays whose first axis has
    ``stop - start`` rows. The first batch tells the size of a row; the whole result is
    checked against the budget and allocated once, and every batch is copied in place
    (no list of parts and no concatenated copy: the peak is the result plus one batch).

    Parameters
    ----------
    n_rows, batch_size : int
    compute : callable
    what, fix : str
        For the error message: what is cached, how to need less.

    Returns
    -------
    dict of str to np.ndarray
    """
    out = None
    for start in range(0, n_rows, batch_size):
        stop = min(start + batch_size, n_rows)
        part = compute(start, stop)
        if out is None:
            row_bytes = sum(v[:1].nbytes for v in part.values()) if stop > start else 0
            shapes = ", ".join(f"{k} {tuple(v.shape[1:])}" for k, v in part.items())
            check_allocation(row_bytes * n_rows, f"{what} ({n_rows} rows of {shapes})", fix)
            out = {k: np.empty((n_rows, *v.shape[1:]), dtype=v.dtype) for k, v in part.items()}
        for key, value in part.items():
            out[key][start:stop] = value
    return out if out is not None else {}
