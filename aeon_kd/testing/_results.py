"""A toy benchmark results table, for examples and tests of the report functions."""

import numpy as np

__all__ = ["toy_results"]


def toy_results(datasets=("A", "B")):
    """A tidy results table of one teacher and three students, as the runner writes it.

    Parameters
    ----------
    datasets : sequence of str, default=("A", "B")
        Dataset names; each later dataset is 0.1 harder for every model.

    Returns
    -------
    pandas.DataFrame
        One row per dataset and model with the columns the report functions read
        (``dataset``, ``resample``, ``model``, ``role``, ``method``, ``student``,
        ``teacher``, ``accuracy``, ``agreement``, ``n_params``, ``n_bytes``,
        ``fit_seconds``, ``predict_ms_per_series``).

    Examples
    --------
    >>> from aeon_kd.testing import toy_results
    >>> results = toy_results()
    >>> results.shape
    (8, 13)
    >>> sorted(results["model"].unique())
    ['dkd', 'kd', 'none', 'teacher-quant']
    """
    import pandas as pd

    accuracy = {"teacher-quant": 0.9, "none": 0.7, "kd": 0.8, "dkd": 0.75}
    rows = []
    for shift, dataset in enumerate(datasets):
        for model, score in accuracy.items():
            teacher = model.startswith("teacher")
            rows.append({
                "dataset": dataset, "resample": 0, "model": model,
                "role": "teacher" if teacher else "student",
                "method": "teacher" if teacher else model,
                "student": "" if teacher else "cnn", "teacher": "teacher-quant",
                "accuracy": score - 0.1 * shift,
                "agreement": np.nan if teacher else 0.9,
                "n_params": np.nan if teacher else 1000,
                "n_bytes": 8000 if teacher else 800,
                "fit_seconds": 1.0, "predict_ms_per_series": 0.1,
            })  # fmt: skip
    return pd.DataFrame(rows)
