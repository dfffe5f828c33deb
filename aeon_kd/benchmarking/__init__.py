"""Benchmarks on the standard UCR harness (tsml-eval), at any scale, with pictures.

Needs the ``benchmarks`` extra and tsml-eval (``make setup-harness``); Dask for
``backend="dask"`` (the ``dask`` extra).
"""

from aeon_kd.benchmarking._report import (
    load_results,
    plot_accuracy_vs_size,
    plot_critical_difference,
    plot_teacher_vs_student,
    summary_table,
    write_summary,
)
from aeon_kd.benchmarking._runner import (
    DEFAULT_DATASETS,
    DEFAULT_METHODS,
    RESULT_FIELDS,
    TEACHERS,
    run_benchmark,
    run_experiment,
    run_tasks,
    serialized_bytes,
)

__all__ = [
    "DEFAULT_DATASETS",
    "DEFAULT_METHODS",
    "RESULT_FIELDS",
    "TEACHERS",
    "load_results",
    "plot_accuracy_vs_size",
    "plot_critical_difference",
    "plot_teacher_vs_student",
    "run_benchmark",
    "run_experiment",
    "run_tasks",
    "serialized_bytes",
    "summary_table",
    "write_summary",
]
