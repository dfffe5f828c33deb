"""The training recipe: how long a student trains, with what optimizer, on what split.

Measured on the tuning set (``benchmarks/results/recipe.md``): on the UCR archive's
small training sets a labelled validation split and best-weight restoring cost far more
than they give, a fixed epoch cap stops students that still improve, and a budget in
optimisation steps serves tiny and large training sets alike: a 20-series set trains for
many epochs, an 8,000-series set for a few.
"""

from __future__ import annotations

import math

import torch

__all__ = ["AUTO_STEPS", "OPTIMIZERS", "auto_epochs", "resolve_optimizer"]

#: optimisation steps of ``max_epochs="auto"``, and the epochs it may take
AUTO_STEPS = 2000
AUTO_MIN_EPOCHS, AUTO_MAX_EPOCHS = 20, 1000

#: optimizers by name; a torch optimizer class is accepted as well
OPTIMIZERS = {
    "adam": torch.optim.Adam,
    "adamw": torch.optim.AdamW,
    "sgd": torch.optim.SGD,
    "rmsprop": torch.optim.RMSprop,
}


def auto_epochs(n_rows, batch_size, steps=AUTO_STEPS):
    """Epochs that give about ``steps`` optimisation steps over ``n_rows`` rows.

    Parameters
    ----------
    n_rows : int
        Training rows per epoch (labelled series plus transfer-set series).
    batch_size : int
    steps : int, default=AUTO_STEPS

    Returns
    -------
    int
        Between ``AUTO_MIN_EPOCHS`` and ``AUTO_MAX_EPOCHS``.

    Examples
    --------
    >>> from aeon_kd.training import auto_epochs
    >>> auto_epochs(20, 32), auto_epochs(500, 32), auto_epochs(9000, 32)
    (1000, 125, 20)
    """
    per_epoch = max(1, math.ceil(n_rows / batch_size))
    return int(min(AUTO_MAX_EPOCHS, max(AUTO_MIN_EPOCHS, math.ceil(steps / per_epoch))))


def resolve_optimizer(optimizer):
    """A torch optimizer class from a name of :data:`OPTIMIZERS` or a class.

    Examples
    --------
    >>> from aeon_kd.training import resolve_optimizer
    >>> resolve_optimizer("adamw").__name__
    'AdamW'
    """
    if isinstance(optimizer, str):
        if optimizer.lower() in OPTIMIZERS:
            return OPTIMIZERS[optimizer.lower()]
    elif isinstance(optimizer, type) and issubclass(optimizer, torch.optim.Optimizer):
        return optimizer
    raise ValueError(
        f"optimizer must be one of {sorted(OPTIMIZERS)} or a torch.optim.Optimizer "
        f"subclass, got {optimizer!r}."
    )
