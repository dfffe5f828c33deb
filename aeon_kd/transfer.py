"""The transfer set: extra series on which the student learns the teacher's function.

Knowledge distillation works best as *function matching* (Beyer et al., 2022): the
student should reproduce the teacher wherever data may lie, not only on the few
training series. The transfer set widens that support: augmented copies of the
training series (and any unlabelled series the user has) are labelled by the teacher
once, in batches, before training, and the student matches the teacher there with the
method's distillation terms only (no labels exist for them).

Augmentations are functions ``(X, rng, donors) -> X_new`` on float arrays of shape
``(n, n_channels, n_timepoints)``; ``donors`` are other training series that mixing
augmentations blend in. Each bank series gets one augmentation, drawn uniformly.
"""

from __future__ import annotations

import numpy as np

__all__ = ["AUGMENTATIONS", "DEFAULT_AUGMENTATIONS", "augment", "check_augmentations",
           "make_transfer_bank", "resolve_transfer_size"]  # fmt: skip

#: ``transfer_size="auto"``: this many times the training set, within these bounds
_AUTO_FACTOR, _AUTO_MAX = 1, 4000


def _smooth_curve(rng, n, length, sigma, knots=4):
    """Smooth random curves around 1 (cubic interpolation of a few random knots)."""
    from scipy.interpolate import CubicSpline

    anchors = np.linspace(0, length - 1, knots + 2)
    values = rng.normal(1.0, sigma, size=(n, knots + 2))
    grid = np.arange(length)
    return np.stack([CubicSpline(anchors, v)(grid) for v in values])


def jitter(X, rng, donors=None, sigma=0.05):
    """Add Gaussian noise with ``sigma`` times each channel's standard deviation."""
    scale = X.std(axis=2, keepdims=True) + 1e-8
    return X + rng.normal(0.0, 1.0, size=X.shape) * sigma * scale


def scaling(X, rng, donors=None, sigma=0.1):
    """Multiply each channel by a random gain around 1."""
    return X * rng.normal(1.0, sigma, size=(X.shape[0], X.shape[1], 1))


def magnitude_warp(X, rng, donors=None, sigma=0.2):
    """Multiply each series by a smooth random gain curve."""
    return X * _smooth_curve(rng, len(X), X.shape[2], sigma)[:, None, :]


def _resample_rows(X, positions):
    """Each row of ``X`` read at fractional ``positions`` (one row of them per series)."""
    grid = np.arange(X.shape[2])
    out = np.empty_like(X)
    for i in range(len(X)):
        for c in range(X.shape[1]):
            out[i, c] = np.interp(positions[i], grid, X[i, c])
    return out


def time_warp(X, rng, donors=None, sigma=0.2):
    """Read each series along a smooth random time axis (speed varies, ends fixed)."""
    length = X.shape[2]
    speed = np.clip(_smooth_curve(rng, len(X), length, sigma), 0.1, None)
    axis = np.cumsum(speed, axis=1)
    axis = (axis - axis[:, :1]) / (axis[:, -1:] - axis[:, :1] + 1e-12) * (length - 1)
    return _resample_rows(X, axis)


def window_slice(X, rng, donors=None, ratio=0.9):
    """Crop a random window of ``ratio`` of the length and stretch it back."""
    length = X.shape[2]
    width = max(2, int(round(ratio * length)))
    starts = rng.integers(0, length - width + 1, size=len(X))
    positions = starts[:, None] + np.linspace(0, width - 1, length)[None, :]
    return _resample_rows(X, positions)


def mixup(X, rng, donors=None):
    """Blend each series with a random other training series (weight uniform in [0, 1])."""
    donors = X if donors is None else donors
    partners = donors[rng.integers(0, len(donors), size=len(X))]
    lam = rng.uniform(0.0, 1.0, size=(len(X), 1, 1))
    return lam * X + (1.0 - lam) * partners


def cutmix(X, rng, donors=None):
    """Replace a random stretch of each series (10-50 % of it) by another series'."""
    donors = X if donors is None else donors
    partners = donors[rng.integers(0, len(donors), size=len(X))]
    length = X.shape[2]
    out = X.copy()
    for i in range(len(X)):
        width = int(rng.integers(max(1, length // 10), max(2, length // 2) + 1))
        start = int(rng.integers(0, length - width + 1))
        out[i, :, start : start + width] = partners[i, :, start : start + width]
    return out


#: augmentations by name
AUGMENTATIONS = {
    "jitter": jitter,
    "scaling": scaling,
    "magnitude_warp": magnitude_warp,
    "time_warp": time_warp,
    "window_slice": window_slice,
    "mixup": mixup,
    "cutmix": cutmix,
}

#: the default mix (chosen on the tuning set; see benchmarks/results/recipe.md)
DEFAULT_AUGMENTATIONS = ("mixup", "jitter", "scaling", "time_warp", "window_slice")


def check_augmentations(augmentations):
    """The augmentation names as a tuple, or a ValueError naming the unknown ones.

    Examples
    --------
    >>> from aeon_kd.transfer import check_augmentations
    >>> check_augmentations("jitter"), check_augmentations("auto")[:2]
    (('jitter',), ('mixup', 'jitter'))
    """
    if augmentations == "auto":
        return DEFAULT_AUGMENTATIONS
    if isinstance(augmentations, str):
        augmentations = (augmentations,)
    try:
        names = tuple(augmentations)
    except TypeError:
        names = None
    if not names or any(not isinstance(a, str) for a in names):
        raise ValueError(
            "augmentations must be 'auto' or a non-empty list of names among "
            f"{sorted(AUGMENTATIONS)}, got {augmentations!r}."
        )
    unknown = sorted(set(names) - set(AUGMENTATIONS))
    if unknown:
        raise ValueError(
            f"Unknown augmentations {unknown}; valid names: {sorted(AUGMENTATIONS)}."
        )
    return names


def augment(X, name, rng, donors=None):
    """Apply one augmentation by name.

    Parameters
    ----------
    X : np.ndarray of shape (n, n_channels, n_timepoints)
    name : str
        A key of :data:`AUGMENTATIONS`.
    rng : np.random.Generator
    donors : np.ndarray, optional
        Series that mixing augmentations blend in (default: ``X`` itself).

    Returns
    -------
    np.ndarray
        New series of the same shape (float64 math, input dtype kept).

    Examples
    --------
    >>> import numpy as np
    >>> from aeon_kd.transfer import augment
    >>> X = np.sin(np.linspace(0, 6, 50))[None, None, :].repeat(4, axis=0)
    >>> out = augment(X, "time_warp", np.random.default_rng(0))
    >>> out.shape, bool(np.allclose(out[:, :, [0, -1]], X[:, :, [0, -1]]))
    ((4, 1, 50), True)
    """
    values = AUGMENTATIONS[name](np.asarray(X, dtype=np.float64), rng, donors)
    return values.astype(np.asarray(X).dtype, copy=False)


def resolve_transfer_size(transfer_size, n_train):
    """Bank series for ``n_train`` training series.

    ``"auto"`` gives ``min(4000, n_train)``: one augmented series per training series.
    With ``max_epochs="auto"`` the student passes over its labelled series as often as
    without a transfer set, so a bank ten times the training set (the first default)
    left it a tenth of the passes and under-trained (``benchmarks/results/recipe.md``).
    An integer is a count, a float a multiple of ``n_train``; 0 disables the transfer
    set.

    Examples
    --------
    >>> from aeon_kd.transfer import resolve_transfer_size
    >>> resolve_transfer_size("auto", 20), resolve_transfer_size("auto", 9000)
    (20, 4000)
    >>> resolve_transfer_size(2.5, 100), resolve_transfer_size(0, 100)
    (250, 0)
    """
    if transfer_size == "auto":
        return int(min(_AUTO_MAX, _AUTO_FACTOR * n_train))
    if isinstance(transfer_size, bool) or not isinstance(
        transfer_size, (int, np.integer, float, np.floating)
    ) or transfer_size < 0 or not np.isfinite(transfer_size):
        raise ValueError(
            "transfer_size must be 'auto', a number of series (int >= 0) or a multiple of "
            f"the training set (float >= 0), got {transfer_size!r}."
        )
    if isinstance(transfer_size, (float, np.floating)):
        return int(round(transfer_size * n_train))
    return int(transfer_size)



def make_transfer_bank(X, size, augmentations=DEFAULT_AUGMENTATIONS, rng=None):
    """``size`` augmented copies of random series of ``X``.

    Parameters
    ----------
    X : np.ndarray of shape (n_cases, n_channels, n_timepoints)
        The training series (as the teacher sees them).
    size : int
        Series in the bank.
    augmentations : sequence of str, default=DEFAULT_AUGMENTATIONS
        Each bank series gets one of them, drawn uniformly.
    rng : np.random.Generator or int, optional

    Returns
    -------
    np.ndarray of shape (size, n_channels, n_timepoints)

    Examples
    --------
    >>> import numpy as np
    >>> from aeon_kd.transfer import make_transfer_bank
    >>> X = np.random.default_rng(0).normal(size=(10, 2, 30)).astype(np.float32)
    >>> bank = make_transfer_bank(X, 25, ["mixup", "jitter"], rng=0)
    >>> bank.shape, bank.dtype
    ((25, 2, 30), dtype('float32'))
    """
    rng = np.random.default_rng(rng)
    names = check_augmentations(augmentations)
    X = np.asarray(X)
    source = rng.integers(0, len(X), size=size)
    which = rng.integers(0, len(names), size=size)
    bank = np.empty((size, *X.shape[1:]), dtype=X.dtype)
    for k, name in enumerate(names):
        rows = np.flatnonzero(which == k)
        if len(rows):
            bank[rows] = augment(X[source[rows]], name, rng, donors=X)
    return bank
