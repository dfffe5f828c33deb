"""Pictures, tables and a headline from the tidy results table of a distillation benchmark.

The input is the tidy table the benchmark runner writes: one row per dataset x resample x
model, with teachers (``role == "teacher"``) and students (``role == "student"``) side by
side. Every student row names the teacher it learned from in ``teacher``, so a student is
always compared with *its own* teacher on the same dataset and resample.

Per-dataset numbers are means over resamples; summaries over datasets are medians (robust
to the odd dataset where a ratio explodes) except mean accuracy and mean rank, which follow
the usual convention of the time series classification bake-offs.

matplotlib and pandas are imported inside the functions, so importing this module costs
nothing for users who never draw a report.
"""

from __future__ import annotations

import math
import os
import sys
from pathlib import Path

import numpy as np

__all__ = [
    "REQUIRED_COLUMNS",
    "load_results",
    "plot_accuracy_vs_size",
    "plot_critical_difference",
    "plot_teacher_vs_student",
    "summary_table",
    "write_summary",
]

#: columns the report reads; other columns of the tidy table are carried along untouched
REQUIRED_COLUMNS = (
    "dataset", "resample", "model", "role", "method", "student", "teacher",
    "accuracy", "agreement", "n_params", "n_bytes", "fit_seconds", "predict_ms_per_series",
)  # fmt: skip

#: aeon's critical difference diagram starts with a Friedman test, which needs three models
_MIN_CD_MODELS = 3
_MIN_CD_DATASETS = 2
_DPI = 150


class _NotEnoughResults(ValueError):
    """Raised when a picture cannot be drawn from the results at hand.

    A subclass, so that :func:`write_summary` can skip such a picture with a note while
    any other error still surfaces.
    """


# ---------------------------------------------------------------------------------------
# loading and shaping
# ---------------------------------------------------------------------------------------


def load_results(results):
    """Read and check a tidy results table.

    Parameters
    ----------
    results : pandas.DataFrame, str or os.PathLike
        The table itself, or the path of a CSV file holding it.

    Returns
    -------
    pandas.DataFrame
        A copy of the table with numeric columns as floats, ``resample`` as int and
        empty ``student`` cells as empty strings.

    Raises
    ------
    ValueError
        If columns of :data:`REQUIRED_COLUMNS` are missing (all missing names are listed),
        if ``role`` holds something other than ``"teacher"`` or ``"student"``, or if a
        dataset, resample and model appear in more than one row.

    Examples
    --------
    >>> import pandas as pd
    >>> load_results(pd.DataFrame({"dataset": ["GunPoint"]}))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: results table lacks required columns: resample, model, role, method, ...
    """
    import pandas as pd

    if isinstance(results, pd.DataFrame):
        frame = results.copy()
    elif isinstance(results, str | os.PathLike):
        # keep_default_na=False plus explicit na_values: an empty ``student`` cell must
        # stay an empty string, while empty numeric cells (n_params of QUANT) become NaN
        frame = pd.read_csv(results, keep_default_na=False, na_values=["", "nan", "NaN"])
    else:
        raise TypeError(
            f"results must be a pandas DataFrame or a CSV path, got {type(results).__name__}"
        )

    missing = [column for column in REQUIRED_COLUMNS if column not in frame.columns]
    if missing:
        raise ValueError(f"results table lacks required columns: {', '.join(missing)}")

    for column in ("dataset", "model", "role", "method", "teacher"):
        frame[column] = frame[column].astype(str)
    frame["student"] = frame["student"].fillna("").astype(str)
    frame["resample"] = frame["resample"].astype(int)
    numeric = ["accuracy", "agreement", "n_params", "n_bytes", "fit_seconds",
               "predict_ms_per_series"]  # fmt: skip
    for column in numeric:
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    # a parameter count of zero means "no torch parameters" just like an empty cell, and
    # would break the log-scale size axis
    frame.loc[frame["n_params"] <= 0, "n_params"] = np.nan

    unknown_roles = sorted(set(frame["role"]) - {"teacher", "student", "competitor"})
    if unknown_roles:
        raise ValueError(
            f"role must be 'teacher', 'student' or 'competitor', found: "
            f"{', '.join(unknown_roles)}"
        )
    duplicated = frame.duplicated(["dataset", "resample", "model"], keep=False)
    if duplicated.any():
        first = frame.loc[duplicated, ["dataset", "resample", "model"]].iloc[0]
        raise ValueError(
            f"{int(duplicated.sum())} rows repeat a dataset, resample and model, e.g. "
            f"{first['dataset']!r}, resample {first['resample']}, {first['model']!r}"
        )
    return frame


def _check_metric(frame, metric):
    if metric not in frame.columns:
        raise ValueError(f"metric column {metric!r} is not in the results table")
    frame[metric] = frame[metric].astype(float)


def _ordered_models(frame):
    """Model names in order of first appearance: the runner's order is meaningful."""
    return list(dict.fromkeys(frame["model"]))


def _per_dataset_means(frame, metric):
    """Pivot ``metric``: rows datasets, columns models, cells means over resamples."""
    pivot = frame.pivot_table(index="dataset", columns="model", values=metric, aggfunc="mean")
    present = [model for model in _ordered_models(frame) if model in pivot.columns]
    return pivot.reindex(columns=present)


def _complete_student_scores(frame, metric):
    """Per-dataset mean ``metric`` of the students, only datasets every student has."""
    students = frame[(frame["role"] == "student") & frame[metric].notna()]
    return _per_dataset_means(students, metric).dropna(axis=0, how="any")


def _paired_with_teachers(frame, metric):
    """Student rows joined with the row of their teacher on the same dataset and resample.

    Returns one row per student model and dataset with the means over the resamples both
    have: the student's and the teacher's ``metric``, ``n_bytes`` and ``n_params``.
    """
    students = frame[frame["role"] == "student"]
    teachers = frame.loc[
        frame["role"] == "teacher", ["dataset", "resample", "model", metric, "n_bytes", "n_params"]
    ].rename(
        columns={
            "model": "teacher",
            metric: "teacher_metric",
            "n_bytes": "teacher_n_bytes",
            "n_params": "teacher_n_params",
        }
    )
    students = students[["dataset", "resample", "model", "teacher", metric, "n_bytes", "n_params"]]
    students = students.rename(columns={metric: "student_metric"})
    # inner join: a resample whose teacher row is missing says nothing about the pair
    paired = students.merge(teachers, on=["dataset", "resample", "teacher"], how="inner")
    return paired.groupby(["model", "dataset"], sort=False).agg(
        teacher=("teacher", "first"),
        student_metric=("student_metric", "mean"),
        teacher_metric=("teacher_metric", "mean"),
        n_bytes=("n_bytes", "mean"),
        teacher_n_bytes=("teacher_n_bytes", "mean"),
        n_params=("n_params", "mean"),
        teacher_n_params=("teacher_n_params", "mean"),
    )


def _safe_ratio(numerator, denominator):
    """Element-wise ratio with NaN wherever the denominator is missing or not positive."""
    denominator = denominator.where(denominator > 0)
    return numerator / denominator


def _median(values):
    values = values.dropna()
    return float(values.median()) if len(values) else math.nan


# ---------------------------------------------------------------------------------------
# summary
# ---------------------------------------------------------------------------------------


def _student_record(model, student_rows, means, paired, ranks, is_best, metric):
    """One student model's row of :func:`summary_table`."""
    model_rows = student_rows[student_rows["model"] == model]
    model_means = means.loc[model]
    has_pairs = model in paired.index.get_level_values("model")
    model_pairs = paired.loc[model] if has_pairs else paired.iloc[0:0]
    return {
        "model": model,
        "method": "/".join(dict.fromkeys(model_rows["method"])),
        "teacher": "/".join(dict.fromkeys(model_rows["teacher"])),
        "n_datasets": len(model_means),
        "n_results": len(model_rows),
        f"mean_{metric}": float(model_means[metric].mean()),
        "mean_rank": float(ranks[model].mean()) if model in ranks else math.nan,
        "wins": int(is_best[model].sum()) if model in is_best else 0,
        f"median_{metric}_kept": _median(model_pairs["kept"]),
        "median_compression_bytes": _median(model_pairs["compression_bytes"]),
        "median_compression_params": _median(model_pairs["compression_params"]),
        "mean_agreement": float(model_means["agreement"].mean()),
        "median_fit_seconds": _median(model_means["fit_seconds"]),
        "median_predict_ms_per_series": _median(model_means["predict_ms_per_series"]),
        "median_n_params": _median(model_means["n_params"]),
    }


def _teacher_record(model, teacher_rows, means, metric):
    """One teacher or competitor model's row of :func:`summary_table`."""
    model_means = means.loc[model]
    return {
        "model": model,
        "n_datasets": len(model_means),
        "n_results": int((teacher_rows["model"] == model).sum()),
        f"mean_{metric}": float(model_means[metric].mean()),
        "median_n_params": _median(model_means["n_params"]),
        "median_n_bytes": _median(model_means["n_bytes"]),
        "median_fit_seconds": _median(model_means["fit_seconds"]),
        "median_predict_ms_per_series": _median(model_means["predict_ms_per_series"]),
    }


def summary_table(results, metric="accuracy"):
    """Per-model summary of a distillation benchmark.

    Parameters
    ----------
    results : pandas.DataFrame, str or os.PathLike
        Tidy results table or CSV path, see :func:`load_results`.
    metric : str, default="accuracy"
        Column scored; higher is better. Column names below use it (``mean_accuracy``).

    Returns
    -------
    dict
        ``"students"``: a DataFrame, one row per student model sorted by mean rank, with

        - ``method``, ``teacher``: as in the table (several teachers joined by ``/``),
        - ``n_datasets``: datasets with a result for this model,
        - ``n_results``: its (dataset, resample) results; fewer than another model's
          means its per-dataset means average fewer resamples,
        - ``mean_<metric>``: mean over datasets of the per-dataset mean over resamples,
        - ``mean_rank``: mean over datasets of the rank among students (1 = best, ties
          get the average of the ranks they span),
        - ``wins``: datasets on which this model has the best mean ``metric`` among the
          students; every model tied for the best gets the win, so wins can add up to
          more than the number of datasets,
        - ``median_<metric>_kept``: median over datasets of the student's mean ``metric``
          divided by its own teacher's mean ``metric`` (same resamples),
        - ``median_compression_bytes``: median over datasets of teacher ``n_bytes`` /
          student ``n_bytes``,
        - ``median_compression_params``: the same for ``n_params``, only over datasets
          where the teacher has parameters (NaN for black-box teachers),
        - ``mean_agreement``, ``median_fit_seconds``, ``median_predict_ms_per_series``,
          ``median_n_params``: over datasets of the per-dataset means.

        Ranks and wins use only the datasets on which every student model has a result,
        so that they compare like with like; the other columns use all of a model's
        datasets.

        ``"teachers"``: a DataFrame, one row per teacher model, with ``n_datasets``,
        ``n_results``, ``mean_<metric>``, ``median_n_params``, ``median_n_bytes``,
        ``median_fit_seconds`` and ``median_predict_ms_per_series``.

        ``"n_datasets"``, ``"n_ranked_datasets"``: datasets in the table, datasets used
        for ranks and wins; ``"resamples_per_dataset"``: sorted distinct counts of
        resamples per dataset; ``"metric"``: the metric.

    Examples
    --------
    >>> import pandas as pd
    >>> rows = []
    >>> for dataset, teacher_acc, student_accs in [("A", 1.0, (0.8, 0.9)), ("B", 0.8, (0.6, 0.8))]:
    ...     rows.append(dict(dataset=dataset, resample=0, model="teacher-quant", role="teacher",
    ...                      method="teacher", student="", teacher="teacher-quant",
    ...                      accuracy=teacher_acc, agreement=float("nan"), n_params=float("nan"),
    ...                      n_bytes=8000, fit_seconds=1.0, predict_ms_per_series=1.0))
    ...     for method, accuracy in zip(("none", "kd"), student_accs):
    ...         rows.append(dict(dataset=dataset, resample=0, model=method, role="student",
    ...                          method=method, student="cnn", teacher="teacher-quant",
    ...                          accuracy=accuracy, agreement=0.9, n_params=100, n_bytes=800,
    ...                          fit_seconds=2.0, predict_ms_per_series=0.1))
    >>> students = summary_table(pd.DataFrame(rows))["students"]
    >>> students[["model", "mean_rank", "wins", "median_accuracy_kept"]]
      model  mean_rank  wins  median_accuracy_kept
    0    kd        1.0     2                 0.950
    1  none        2.0     0                 0.775
    """
    import pandas as pd

    frame = load_results(results)
    _check_metric(frame, metric)
    scored = frame[frame[metric].notna()]
    student_rows = scored[scored["role"] == "student"]
    # competitors (what a user could pick instead) are listed with the teachers
    teacher_rows = scored[scored["role"].isin(["teacher", "competitor"])]

    complete = _complete_student_scores(frame, metric)
    ranks = complete.rank(axis=1, ascending=False, method="average")
    is_best = complete.eq(complete.max(axis=1), axis=0)

    paired = _paired_with_teachers(scored, metric)
    paired["kept"] = _safe_ratio(paired["student_metric"], paired["teacher_metric"])
    paired["compression_bytes"] = _safe_ratio(paired["teacher_n_bytes"], paired["n_bytes"])
    paired["compression_params"] = _safe_ratio(paired["teacher_n_params"], paired["n_params"])

    summary_columns = ["agreement", "fit_seconds", "predict_ms_per_series", "n_params",
                       "n_bytes", metric]  # fmt: skip
    means = scored.groupby(["model", "dataset"], sort=False)[summary_columns].mean()

    student_records = [
        _student_record(model, student_rows, means, paired, ranks, is_best, metric)
        for model in _ordered_models(student_rows)
    ]
    students = pd.DataFrame(student_records)
    if len(students):
        # stable sort keeps the runner's order among equal ranks
        students = students.sort_values("mean_rank", kind="stable", na_position="last")
        students = students.reset_index(drop=True)

    teacher_records = [_teacher_record(model, teacher_rows, means, metric)
                       for model in _ordered_models(teacher_rows)]  # fmt: skip

    resamples_per_dataset = scored.groupby("dataset")["resample"].nunique()
    return {
        "students": students,
        "teachers": pd.DataFrame(teacher_records),
        "n_datasets": int(scored["dataset"].nunique()),
        "n_ranked_datasets": len(complete),
        "resamples_per_dataset": sorted(int(count) for count in set(resamples_per_dataset)),
        "metric": metric,
    }


# ---------------------------------------------------------------------------------------
# pictures
# ---------------------------------------------------------------------------------------


def _prepare_path(path):
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _new_figure(figsize):
    """A figure detached from pyplot: no GUI backend, no global state, nothing to close."""
    from matplotlib.figure import Figure

    figure = Figure(figsize=figsize)
    return figure, figure.subplots()


def _style_cycle(n_styles):
    """Distinct (colour, marker) pairs; markers vary too so the plot survives grey print."""
    import matplotlib

    colours = matplotlib.colormaps["tab10"].colors
    markers = ("o", "^", "v", "P", "X", "<", ">", "h", "p", "*")
    return [(colours[i % len(colours)], markers[i % len(markers)]) for i in range(n_styles)]


def plot_critical_difference(results, path, metric="accuracy"):
    """Critical difference diagram of the student models, drawn by aeon.

    Scores are per-dataset means over resamples of ``metric``, restricted to the datasets
    on which every student model has a result.

    Parameters
    ----------
    results : pandas.DataFrame, str or os.PathLike
        Tidy results table or CSV path, see :func:`load_results`.
    path : str or os.PathLike
        Where to write the PNG; missing parent folders are created.
    metric : str, default="accuracy"
        Column scored; higher is better.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ValueError
        If fewer than 3 student models or fewer than 2 complete datasets remain. aeon
        runs a Friedman test first, which needs at least 3 models.

    Examples
    --------
    A toy table of one teacher and three students on two datasets:

    >>> from aeon_kd.testing import toy_results
    >>> results = toy_results()
    >>> import os, tempfile
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from aeon_kd.benchmarking import plot_critical_difference
    >>> path = plot_critical_difference(results, os.path.join(tempfile.mkdtemp(), "cd.png"))
    >>> path.name, path.read_bytes()[1:4] == b"PNG"
    ('cd.png', True)
    """
    frame = load_results(results)
    _check_metric(frame, metric)
    scores = _complete_student_scores(frame, metric)
    n_datasets, n_models = scores.shape
    if n_models < _MIN_CD_MODELS or n_datasets < _MIN_CD_DATASETS:
        raise _NotEnoughResults(
            f"a critical difference diagram needs at least {_MIN_CD_MODELS} student models "
            f"and {_MIN_CD_DATASETS} datasets on which all of them have a {metric!r} result; "
            f"got {n_models} models and {n_datasets} datasets"
        )

    import matplotlib

    # aeon draws through pyplot; pick the file-only backend unless pyplot is already in use,
    # in which case switching would pull the rug from under the caller's own figures
    if "matplotlib.pyplot" not in sys.modules:
        matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from aeon.visualisation import plot_critical_difference as aeon_critical_difference

    path = _prepare_path(path)
    figure, axes = aeon_critical_difference(scores.to_numpy(), list(scores.columns))
    try:
        axes.set_title(
            f"Students: mean rank of {metric} over {n_datasets} datasets", fontsize=10, pad=12
        )
        figure.savefig(path, dpi=_DPI, bbox_inches="tight")
    finally:
        plt.close(figure)
    return path


def plot_teacher_vs_student(results, path, metric="accuracy"):
    """Scatter each student's ``metric`` against its own teacher's, one point per dataset.

    Points above the diagonal are datasets where the student beat its teacher.

    Parameters
    ----------
    results : pandas.DataFrame, str or os.PathLike
        Tidy results table or CSV path, see :func:`load_results`.
    path : str or os.PathLike
        Where to write the PNG; missing parent folders are created.
    metric : str, default="accuracy"
        Column compared; per dataset, means over the resamples both models have.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ValueError
        If no student row has a result for its teacher on the same dataset and resample.

    Examples
    --------
    A toy table of one teacher and three students on two datasets:

    >>> from aeon_kd.testing import toy_results
    >>> results = toy_results()
    >>> import os, tempfile
    >>> from aeon_kd.benchmarking import plot_teacher_vs_student
    >>> folder = tempfile.mkdtemp()
    >>> path = plot_teacher_vs_student(results, os.path.join(folder, "figures", "tvs.png"))
    >>> path.name, path.parent.name, path.read_bytes()[1:4] == b"PNG"
    ('tvs.png', 'figures', True)
    """
    frame = load_results(results)
    _check_metric(frame, metric)
    paired = _paired_with_teachers(frame[frame[metric].notna()], metric)
    if paired.empty:
        raise _NotEnoughResults(
            "no student has a result of its teacher on the same dataset and resample"
        )

    path = _prepare_path(path)
    figure, axes = _new_figure((8.5, 5.5))
    models = list(dict.fromkeys(paired.index.get_level_values("model")))
    for model, (colour, marker) in zip(models, _style_cycle(len(models)), strict=True):
        pairs = paired.loc[model]
        teachers = "/".join(dict.fromkeys(pairs["teacher"]))
        axes.scatter(
            pairs["teacher_metric"],
            pairs["student_metric"],
            color=colour,
            marker=marker,
            s=40,
            alpha=0.85,
            label=f"{model} (from {teachers})",
        )
    values = np.concatenate([paired["teacher_metric"], paired["student_metric"]])
    margin = 0.02
    # no clamping to [0, 1]: points on the boundary would be cut in half
    low, high = values.min() - margin, values.max() + margin
    if high <= low:  # every point on the same value: still show a sensible window
        low, high = low - margin, high + margin
    axes.plot([low, high], [low, high], color="grey", linestyle="--", linewidth=1,
              label="student = teacher")  # fmt: skip
    axes.set_xlim(low, high)
    axes.set_ylim(low, high)
    axes.set_aspect("equal")
    axes.set_xlabel(f"teacher {metric} (mean over resamples)")
    axes.set_ylabel(f"student {metric} (mean over resamples)")
    axes.set_title(f"Student vs its teacher, one point per dataset ({metric})")
    axes.grid(alpha=0.3)
    axes.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0))  # off the points
    figure.savefig(path, dpi=_DPI, bbox_inches="tight")
    return path


def _size_positions(frame, metric):
    """Per model and dataset: mean ``metric`` and size, and whether size is bytes / 4.

    Size is the torch parameter count where the model has one; a model with no
    parameters at all (a black-box teacher such as QUANT) is placed at its serialized
    size divided by 4, i.e. the number of float32 values that would fill as many bytes.
    """
    frame = frame[frame[metric].notna()].copy()
    no_params_models = {
        model for model, counts in frame.groupby("model")["n_params"] if counts.isna().all()
    }
    frame["no_params"] = frame["model"].isin(no_params_models)
    frame["size"] = frame["n_params"].where(~frame["no_params"], frame["n_bytes"] / 4)
    per_dataset = frame.groupby(["model", "dataset"], sort=False).agg(
        role=("role", "first"),
        no_params=("no_params", "first"),
        score=(metric, "mean"),
        size=("size", "mean"),
    )
    return per_dataset[per_dataset["size"] > 0]


def plot_accuracy_vs_size(results, path, metric="accuracy"):
    """Plot ``metric`` against model size (log scale), every model of the table.

    One large point per model at the median over datasets of its per-dataset mean
    ``metric`` and its median size, with faint per-dataset points behind it. Size is
    the number of torch parameters; models without parameters (black-box teachers) are
    drawn at serialized bytes / 4, the float32-equivalent count, with a hollow square
    marker and a legend label saying so.

    Parameters
    ----------
    results : pandas.DataFrame, str or os.PathLike
        Tidy results table or CSV path, see :func:`load_results`.
    path : str or os.PathLike
        Where to write the PNG; missing parent folders are created.
    metric : str, default="accuracy"
        Column on the y axis.

    Returns
    -------
    pathlib.Path
        ``path``.

    Raises
    ------
    ValueError
        If no model has both a ``metric`` and a positive size.

    Examples
    --------
    A toy table of one teacher (QUANT, no parameters: drawn at bytes / 4) and three
    students on two datasets:

    >>> from aeon_kd.testing import toy_results
    >>> results = toy_results()
    >>> import os, tempfile
    >>> from aeon_kd.benchmarking import plot_accuracy_vs_size
    >>> path = plot_accuracy_vs_size(results, os.path.join(tempfile.mkdtemp(), "size.png"))
    >>> path.name, path.read_bytes()[1:4] == b"PNG"
    ('size.png', True)
    """
    frame = load_results(results)
    _check_metric(frame, metric)
    positions = _size_positions(frame, metric)
    if positions.empty:
        raise _NotEnoughResults(f"no model has both a {metric!r} result and a size")

    path = _prepare_path(path)
    figure, axes = _new_figure((10, 5))
    models = list(dict.fromkeys(positions.index.get_level_values("model")))
    for model, (colour, marker) in zip(models, _style_cycle(len(models)), strict=True):
        model_positions = positions.loc[model]
        role = model_positions["role"].iloc[0]
        if model_positions["no_params"].iloc[0]:
            marker, label = "s", f"{model} (size = bytes / 4, no parameters)"
            face = "none"
        else:
            marker = "D" if role == "teacher" else marker
            label, face = model, colour
        axes.scatter(model_positions["size"], model_positions["score"], marker=marker,
                     s=14, alpha=0.25, facecolors=face, edgecolors=colour)  # fmt: skip
        axes.scatter(
            [model_positions["size"].median()],
            [model_positions["score"].median()],
            marker=marker,
            s=110,
            facecolors=face,
            edgecolors=colour if face == "none" else "black",
            linewidths=1.5 if face == "none" else 0.7,
            label=label,
            zorder=3,
        )
    axes.set_xscale("log")
    axes.set_xlabel(
        "model size: torch parameters, log scale\n"
        "(models without parameters: serialized bytes / 4, the float32-equivalent count)"
    )
    axes.set_ylabel(f"{metric} (per-dataset mean over resamples)")
    axes.set_title(f"{metric} vs size: large = median over datasets, faint = one dataset")
    axes.grid(alpha=0.3, which="both")
    axes.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.02, 1.0))  # off the points
    figure.savefig(path, dpi=_DPI, bbox_inches="tight")
    return path


# ---------------------------------------------------------------------------------------
# the written report
# ---------------------------------------------------------------------------------------


def _format_cell(value, kind):
    """Text of one Markdown cell; ``kind`` says how the number should read."""
    if isinstance(value, str):
        return value
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if kind == "ratio":
        return f"{value:,.1f}x"
    if kind == "percent":
        return f"{100 * value:.1f}%"
    if kind == "count":
        return f"{value:,.0f}"
    if kind == "rank":
        return f"{value:.2f}"
    if kind == "seconds":
        return f"{value:.3g}"
    return f"{value:.3f}"


def _markdown_table(frame, kinds=None, index_name=None):
    """A GitHub-flavoured Markdown table; ``kinds`` maps columns to :func:`_format_cell`."""
    kinds = kinds or {}
    columns = list(frame.columns)
    header = ([index_name] if index_name else []) + [str(column) for column in columns]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for index, row in frame.iterrows():
        cells = [str(index)] if index_name else []
        cells += [_format_cell(row[column], kinds.get(column, "float")) for column in columns]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def _resample_text(resamples_per_dataset):
    if not resamples_per_dataset:
        return "no resamples"
    low, high = resamples_per_dataset[0], resamples_per_dataset[-1]
    counts = str(low) if low == high else f"{low}–{high}"
    return f"{counts} resample{'s' if high != 1 else ''} per dataset"


def _headline(summary):
    """One paragraph of the main findings, every figure computed from ``summary``."""
    metric = summary["metric"]
    students = summary["students"]
    resamples = _resample_text(summary["resamples_per_dataset"])
    opening = f"Over {summary['n_datasets']} datasets ({resamples})"
    if students.empty:
        return opening + ", the table holds no student results."

    def listing(column, kind):
        parts = [
            f"{row['model']} {_format_cell(row[column], kind)}"
            for _, row in students.iterrows()
            if not math.isnan(row[column])
        ]
        return ", ".join(parts) if parts else "not available"

    kept_column = f"median_{metric}_kept"
    sentences = [
        f"{opening}, the median share of its own teacher's {metric} that each student "
        f"kept was: {listing(kept_column, 'percent')}.",
        f"Median compression (teacher / student serialized bytes): "
        f"{listing('median_compression_bytes', 'ratio')}.",
    ]
    if students["median_compression_params"].notna().any():
        sentences.append(
            "Against teachers with parameters, median parameter ratio: "
            f"{listing('median_compression_params', 'ratio')}."
        )
    wins = ", ".join(f"{row['model']} {row['wins']}" for _, row in students.iterrows())
    sentences.append(
        f"Wins (best student {metric} on a dataset, ties shared) over "
        f"{summary['n_ranked_datasets']} datasets where every student has a result: {wins}."
    )
    return " ".join(sentences)


def _coverage_note(summary):
    """A sentence naming the students with fewer results than the most complete model.

    Their per-dataset means average fewer resamples than the others'.
    """
    counts = [summary["students"]["n_results"]]
    if not summary["teachers"].empty:
        counts.append(summary["teachers"]["n_results"])
    most = max(int(column.max()) for column in counts)
    short = [
        f"{row['model']} {row['n_results']} of {most}"
        for _, row in summary["students"].iterrows()
        if row["n_results"] < most
    ]
    if not short:
        return ""
    return (
        " Students with fewer results than the most complete model (their per-dataset "
        "means average fewer resamples, so compare them on common resamples): "
        + ", ".join(short) + "."
    )


def _model_tables(summary, metric):
    """The Markdown lines of the students' and the teachers' tables."""
    lines = []
    students = summary["students"]
    if students.empty:
        lines.append("No student results.")
    else:
        kinds = {
            "n_datasets": "count", "n_results": "count", "mean_rank": "rank",
            "wins": "count",
            f"median_{metric}_kept": "percent", "median_compression_bytes": "ratio",
            "median_compression_params": "ratio", "median_fit_seconds": "seconds",
            "median_predict_ms_per_series": "seconds", "median_n_params": "count",
        }  # fmt: skip
        lines += [
            _markdown_table(students, kinds),
            "",
            f"Mean rank and wins over the {summary['n_ranked_datasets']} datasets on which "
            "every student has a result (rank 1 = best, ties averaged; a tie for the best "
            f"gives each tied model a win). Kept = student {metric} / its own teacher's; "
            "compression = teacher / student size (parameter ratio only against teachers "
            "with parameters)." + _coverage_note(summary),
        ]
    lines += ["", "## Teachers", ""]
    teachers = summary["teachers"]
    if teachers.empty:
        lines.append("No teacher results.")
    else:
        kinds = {
            "n_datasets": "count", "n_results": "count", "median_n_params": "count",
            "median_n_bytes": "count",
            "median_fit_seconds": "seconds", "median_predict_ms_per_series": "seconds",
        }  # fmt: skip
        lines.append(_markdown_table(teachers, kinds))

    return lines


def write_summary(results, out_dir, prefix="ucr", metric="accuracy", provenance=None):
    """Write the pictures and a Markdown summary of a distillation benchmark.

    Files written in ``out_dir`` (created if missing):

    - ``<prefix>_critical_difference.png``: :func:`plot_critical_difference`; skipped, with
      a note in the Markdown, when fewer than 3 student models or 2 complete datasets,
    - ``<prefix>_teacher_vs_student.png``: :func:`plot_teacher_vs_student`,
    - ``<prefix>_accuracy_vs_size.png``: :func:`plot_accuracy_vs_size`,
    - ``<prefix>_summary.md``: the headline, the student and teacher tables of
      :func:`summary_table`, the per-dataset mean ``metric`` of every model and links to
      the pictures.

    A picture that cannot be drawn for lack of results is skipped with a note rather than
    raising, so a partial benchmark still gets its report.

    Parameters
    ----------
    results : pandas.DataFrame, str or os.PathLike
        Tidy results table or CSV path, see :func:`load_results`.
    out_dir : str or os.PathLike
        Folder of the report.
    prefix : str, default="ucr"
        Start of every file name.
    metric : str, default="accuracy"
        Column scored; higher is better.
    provenance : str, optional
        How the results were produced (command, machine, versions); written under
        "How it was run".

    Returns
    -------
    dict
        ``"critical_difference"``, ``"teacher_vs_student"``, ``"accuracy_vs_size"``: the
        paths of the pictures (``None`` where skipped), ``"summary"``: the path of the
        Markdown file, ``"headline"``: a paragraph of the main numbers, ``"skipped"``: the
        reason for each skipped picture by key.

    Examples
    --------
    A toy table of one teacher and three students on two datasets:

    >>> from aeon_kd.testing import toy_results
    >>> results = toy_results()
    >>> import os, tempfile
    >>> import matplotlib
    >>> matplotlib.use("Agg")
    >>> from aeon_kd.benchmarking import write_summary
    >>> folder = tempfile.mkdtemp()
    >>> written = write_summary(results, os.path.join(folder, "report"), prefix="toy")
    >>> written["summary"].name, written["skipped"]
    ('toy_summary.md', {})
    >>> names = sorted(p.name for p in written["summary"].parent.iterdir())
    >>> names  # doctest: +NORMALIZE_WHITESPACE
    ['toy_accuracy_vs_size.png', 'toy_critical_difference.png', 'toy_summary.md',
     'toy_teacher_vs_student.png']
    >>> "| A | 0.900 | 0.700 | 0.800 | 0.750 |" in written["summary"].read_text()
    True
    >>> "kd 2, dkd 0, none 0" in written["headline"]  # wins per student
    True

    With one dataset there is no critical difference diagram, only a note:

    >>> one = write_summary(results[results["dataset"] == "A"], os.path.join(folder, "one"))
    >>> one["critical_difference"] is None, sorted(one["skipped"])
    (True, ['critical_difference'])
    """
    frame = load_results(results)
    _check_metric(frame, metric)
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    pictures = {
        "critical_difference": (plot_critical_difference, "Critical difference (students)"),
        "teacher_vs_student": (plot_teacher_vs_student, "Student vs teacher"),
        "accuracy_vs_size": (plot_accuracy_vs_size, f"{metric} vs size"),
    }
    written, skipped = {}, {}
    for key, (plot, _) in pictures.items():
        try:
            written[key] = plot(frame, out_dir / f"{prefix}_{key}.png", metric=metric)
        except _NotEnoughResults as reason:
            written[key], skipped[key] = None, str(reason)

    summary = summary_table(frame, metric=metric)
    headline = _headline(summary)
    lines = [
        f"# Distillation benchmark: {prefix}",
        "",
        f"{summary['n_datasets']} datasets, "
        f"{_resample_text(summary['resamples_per_dataset'])}; metric: {metric}; "
        "per-dataset numbers are means over resamples.",
        "",
        headline,
        "",
        "## Students",
        "",
    ]
    lines += _model_tables(summary, metric)
    lines += ["", f"## Mean {metric} per dataset", ""]
    per_dataset = _per_dataset_means(frame[frame[metric].notna()], metric)
    lines.append(_markdown_table(per_dataset, index_name="dataset"))

    lines += ["", "## Figures", ""]
    for key, (_, title) in pictures.items():
        if written[key] is None:
            lines.append(f"- {title}: skipped, {skipped[key]}.")
        else:
            # a blank line after each image, or Markdown renders them side by side
            lines += [f"![{title}]({written[key].name})", ""]
    if provenance:
        lines += ["## How it was run", "", provenance.strip()]
    markdown_path = out_dir / f"{prefix}_summary.md"
    markdown_path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    return {**written, "summary": markdown_path, "headline": headline, "skipped": skipped}
