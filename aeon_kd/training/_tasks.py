"""What differs between classification and forecasting inside training.

The trainer and the distillation core are task-agnostic: where the tasks differ (the
criterion, what early stopping watches, whether validation accuracy is scored, the shape
a student must return) they ask a task object, instead of testing the task's name.
Methods still read ``DistillationBatch.task`` (a name) where their loss differs by task.
"""

from __future__ import annotations

import torch
from torch import nn

__all__ = ["CLASSIFICATION", "FORECASTING", "Task", "resolve_task"]


class Task:
    """The task-specific pieces of training one student.

    Attributes
    ----------
    name : str
        ``"classification"`` or ``"forecasting"``; what methods see as ``batch.task``.
    criterion : type
        The torch loss class of the task loss.
    monitor : str or None
        What early stopping watches when there is a validation split: None for the total
        validation loss, or a history key such as ``"valid_task"``.
    scores_accuracy : bool
        Whether validation batches record ``valid_acc``.

    Examples
    --------
    >>> from aeon_kd.training._tasks import resolve_task
    >>> task = resolve_task("forecasting")
    >>> task.name, task.criterion.__name__, task.monitor
    ('forecasting', 'MSELoss', 'valid_task')
    """

    name = ""
    criterion = nn.MSELoss
    monitor = None
    scores_accuracy = False

    def criterion_params(self, config):
        """The ``criterion__*`` parameters of skorch from a :class:`TrainingConfig`."""
        return {}

    def expected_output(self, X, n_outputs):
        """The shape the student must return for the first (up to) two rows of ``X``."""
        raise NotImplementedError

    def output_advice(self, expected):
        """The end of the message when a student returns another shape."""
        return f"; it must return {expected}."

    def check_output(self, student, X, n_outputs):
        """Run ``student`` on two rows of ``X`` and check its output shape.

        Raises
        ------
        ValueError
            If the student fails on the input or returns another shape; the message
            names the input shape and the expected output.
        """
        was_training = student.training
        student.eval()
        try:
            with torch.no_grad():
                out = student(torch.from_numpy(X[:2]))
        except Exception as err:  # a user module that cannot take the input
            raise ValueError(
                f"The student failed on input of shape {tuple(X[:2].shape)} (batch, "
                f"channels, timepoints): {err}"
            ) from err
        finally:
            student.train(was_training)
        expected = self.expected_output(X, n_outputs)
        if tuple(out.shape) != expected:
            raise ValueError(
                f"The student returns shape {tuple(out.shape)}{self.output_advice(expected)}"
            )

    def __repr__(self):
        return f"{type(self).__name__}()"


class _Classification(Task):
    name = "classification"
    criterion = nn.CrossEntropyLoss
    scores_accuracy = True

    def criterion_params(self, config):
        if config.class_weight is None:
            return {}
        return {"criterion__weight": torch.tensor(config.class_weight, dtype=torch.float32)}

    def expected_output(self, X, n_outputs):
        return (min(2, len(X)), n_outputs)

    def output_advice(self, expected):
        n_classes = expected[1]
        return (
            f", but y has {n_classes} classes; it must return logits of shape "
            f"(batch, {n_classes})."
        )


class _Forecasting(Task):
    name = "forecasting"
    criterion = nn.MSELoss
    monitor = "valid_task"

    def expected_output(self, X, n_outputs):
        return (min(2, len(X)), X.shape[1], n_outputs)

    def output_advice(self, expected):
        return (
            "; a forecasting student must return (batch, n_channels, horizon) = "
            f"{expected}. Use student='dmlp' or 'mlp', or a module with that output."
        )


CLASSIFICATION = _Classification()
FORECASTING = _Forecasting()
_TASKS = {task.name: task for task in (CLASSIFICATION, FORECASTING)}


def resolve_task(task):
    """A :class:`Task` from itself or its name.

    Raises
    ------
    ValueError
        If ``task`` is neither.
    """
    if isinstance(task, Task):
        return task
    if task in _TASKS:
        return _TASKS[task]
    raise ValueError(f"task must be one of {sorted(_TASKS)} or a Task, got {task!r}.")
