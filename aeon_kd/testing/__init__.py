"""Public helpers for tests and for authors of new methods and students."""

from aeon_kd.testing._check_method import check_method
from aeon_kd.testing._results import toy_results
from aeon_kd.testing._teachers import CentroidTeacher, CountingTeacher

__all__ = ["CentroidTeacher", "CountingTeacher", "check_method", "toy_results"]
