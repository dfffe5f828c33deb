"""Benchmarks on the standard UCR harness (tsml-eval), at any scale, with pictures.

Needs the ``benchmarks`` extra and tsml-eval (``make setup-harness``); Dask for
``backend="dask"`` (the ``dask`` extra).
"""

from aeon_kd._lazy import lazy_exports
from aeon_kd.benchmarking._defaults import DEFAULT_DATASETS, DEFAULT_METHODS  # noqa: F401

_EXPORTS = {
    "load_results": "aeon_kd.benchmarking._report",
    "plot_accuracy_vs_size": "aeon_kd.benchmarking._report",
    "plot_critical_difference": "aeon_kd.benchmarking._report",
    "plot_teacher_vs_student": "aeon_kd.benchmarking._report",
    "summary_table": "aeon_kd.benchmarking._report",
    "write_summary": "aeon_kd.benchmarking._report",
    "RESULT_FIELDS": "aeon_kd.benchmarking._runner",
    "TEACHERS": "aeon_kd.benchmarking._runner",
    "run_benchmark": "aeon_kd.benchmarking._runner",
    "run_experiment": "aeon_kd.benchmarking._runner",
    "run_tasks": "aeon_kd.benchmarking._runner",
    "serialized_bytes": "aeon_kd.benchmarking._runner",
}

__all__ = sorted(["DEFAULT_DATASETS", "DEFAULT_METHODS", *_EXPORTS])

__getattr__, __dir__ = lazy_exports(globals(), _EXPORTS)
