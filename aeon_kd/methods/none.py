"""The baseline every table needs: the student trained on the labels alone."""

from aeon_kd.methods._base import Method, register_method

__all__ = ["NoKD"]


@register_method
class NoKD(Method):
    """Train the student on the task loss only (no teacher).

    Parameters
    ----------
    task_weight : float, default=1.0
        Weight of the task loss (cross-entropy or MSE).

    Examples
    --------
    >>> from aeon_kd.methods import NoKD
    >>> NoKD().term_names()
    ()
    """

    name = "none"
    tasks = frozenset({"classification", "forecasting"})
    reference = "no distillation (task loss only)"

    def __init__(self, task_weight=1.0):
        self.task_weight = task_weight

    def term_names(self):
        """No terms: the task loss alone."""
        return ()

    def loss_terms(self, batch):
        """No distillation terms."""
        return {}
