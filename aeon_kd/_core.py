"""The one distillation pipeline both estimators run.

An estimator's ``_fit`` does what only its task knows — checks its data, cuts it into
training rows, resolves the teacher and caches the teacher's signals on those rows —
and hands the rows to :func:`distil`, which runs the task-agnostic rest: the method's
``prepare``, the student built and checked, the method's auxiliary modules, and one
training run. The fit-time arguments (``fit(X, y, teacher=..., X_target=...)``) travel
as a :class:`FitInputs` value, never as attributes of the estimator.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch

from aeon_kd._seeding import seeded_torch
from aeon_kd.methods import FitContext
from aeon_kd.training import (
    LABELLED_KEY,
    TEACHER_PREFIX,
    TrainingConfig,
    auto_epochs,
    resolve_optimizer,
    train_student,
)
from aeon_kd.training._tasks import resolve_task

__all__ = ["UNSET", "FitInputs", "TrainingRows", "batched_outputs", "distil",
           "training_config"]  # fmt: skip

#: series per forward pass when predicting
PREDICT_BATCH = 512


class _Unset:
    def __repr__(self):
        return "UNSET"


#: ``fit(teacher=UNSET)``: the constructor's teacher (None is a teacher choice of its own)
UNSET = _Unset()


@dataclass(frozen=True)
class FitInputs:
    """What one call of ``fit`` was given besides the data.

    Examples
    --------
    >>> from aeon_kd._core import FitInputs
    >>> class Estimator:
    ...     teacher = "quant"
    >>> FitInputs().teacher_of(Estimator()), FitInputs(teacher=None).teacher_of(Estimator())
    ('quant', None)
    """

    teacher: object = UNSET
    X_target: object = None
    X_unlabelled: object = None

    def teacher_of(self, estimator):
        """The teacher of this fit: the one given to ``fit``, else the constructor's."""
        return estimator.teacher if self.teacher is UNSET else self.teacher


@dataclass
class TrainingRows:
    """Every row the student trains or is validated on, with the teacher's signals.

    Attributes
    ----------
    X, y : np.ndarray
        Student input (float32) and targets of every row.
    train_index, valid_index : np.ndarray
        Rows of the training and validation splits.
    teacher_X : np.ndarray or None
        The rows as the teacher sees them.
    teacher_outputs : dict of str to np.ndarray
        The teacher's cached signals on every row.
    labelled : np.ndarray of bool or None
        Which rows carry a label (transfer-set rows do not); None: all of them.
    """

    X: np.ndarray
    y: np.ndarray
    train_index: np.ndarray
    valid_index: np.ndarray
    teacher_X: np.ndarray = None
    teacher_outputs: dict = field(default_factory=dict)
    labelled: np.ndarray = None


def training_config(estimator, seed, n_labelled=None, class_weight=None):
    """The :class:`TrainingConfig` of an estimator's shared training parameters.

    ``max_epochs="auto"`` becomes the step budget over ``n_labelled`` series; an
    estimator without an ``optimizer`` parameter trains with the config's default, and
    AdamW gets weight decay 0.01 unless ``optimizer_params`` says otherwise.

    Examples
    --------
    >>> from aeon_kd import DistilledClassifier
    >>> from aeon_kd._core import training_config
    >>> config = training_config(DistilledClassifier(), seed=0, n_labelled=64)
    >>> config.optimizer.__name__, config.optimizer_params, config.max_epochs
    ('AdamW', {'weight_decay': 0.01}, 1000)
    """
    optimizer = {}
    if hasattr(estimator, "optimizer"):
        chosen = resolve_optimizer(estimator.optimizer)
        params = estimator.optimizer_params
        if params is None:
            params = {"weight_decay": 0.01} if chosen is torch.optim.AdamW else {}
        optimizer = {"optimizer": chosen, "optimizer_params": dict(params)}
    max_epochs = estimator.max_epochs
    if max_epochs == "auto":
        max_epochs = auto_epochs(n_labelled, estimator.batch_size)
    return TrainingConfig(
        max_epochs=max_epochs, batch_size=estimator.batch_size, lr=estimator.lr,
        patience=estimator.patience, lr_schedule=estimator.lr_schedule,
        device=estimator.device, verbose=estimator.verbose, seed=seed,
        checkpoint_dir=estimator.checkpoint_dir, class_weight=class_weight,
        callbacks=getattr(estimator, "callbacks", None), **optimizer,
    )  # fmt: skip


def distil(task, method, teacher, rows, *, build_student, n_outputs, config, seed,
           X_target=None, teacher_outputs_target=None):  # fmt: skip
    """Prepare the method, build and check the student, and train it once.

    Parameters
    ----------
    task : str or Task
        ``"classification"`` or ``"forecasting"``.
    method : Method
    teacher : Teacher or None
        The resolved adapter; a white-box one is also run inside the epoch loop by
        methods that need it there.
    rows : TrainingRows
    build_student : callable
        ``build_student()`` returns a freshly initialised student; called under the
        fit's torch seed.
    n_outputs : int
        Classes, or forecast steps.
    config : TrainingConfig
    seed : int
    X_target : np.ndarray, optional
        Unlabelled target-domain series as the student sees them.
    teacher_outputs_target : dict, optional
        The teacher's signals on ``X_target``.

    Returns
    -------
    DistillationNet
        Trained, in eval mode.
    """
    task = resolve_task(task)
    teacher_outputs_target = teacher_outputs_target or {}
    context = FitContext(
        X=rows.X, y=rows.y, train_index=rows.train_index, n_outputs=n_outputs,
        teacher=teacher, teacher_outputs=rows.teacher_outputs,
        rng=np.random.default_rng(seed), teacher_X=rows.teacher_X, X_target=X_target,
        teacher_outputs_target=teacher_outputs_target,
    )  # fmt: skip
    used = method.teacher_signals | method.optional_teacher_signals
    per_row = {TEACHER_PREFIX + k: v for k, v in rows.teacher_outputs.items() if k in used}
    if rows.labelled is not None:
        per_row[LABELLED_KEY] = rows.labelled
    per_row.update(method.prepare(context))
    target = None
    if X_target is not None:
        target = {"X": X_target,
                  **{TEACHER_PREFIX + k: v for k, v in teacher_outputs_target.items()}}  # fmt: skip
    with seeded_torch(seed):
        student = build_student()
        task.check_output(student, rows.X, n_outputs)
        context.student = student  # projectors size themselves on it
        auxiliary = method.auxiliary_modules(context)
        return train_student(
            student, method, X=rows.X, y=rows.y, train_index=rows.train_index,
            valid_index=rows.valid_index, per_row=per_row, auxiliary=auxiliary,
            config=config, task=task,
            online_teacher=teacher if teacher is not None and teacher.white_box else None,
            target=target,
        )  # fmt: skip


def batched_outputs(module, X, postprocess=None, batch_size=PREDICT_BATCH):
    """``module`` on every row of ``X`` in batches, without gradients, as float64.

    Parameters
    ----------
    module : torch.nn.Module
        In eval mode; run on the device of its parameters.
    X : np.ndarray
        Rows of the module's input.
    postprocess : callable, optional
        Applied to each batch's output tensor (e.g. a softmax).
    batch_size : int, default=512

    Examples
    --------
    >>> import numpy as np
    >>> import torch
    >>> from aeon_kd._core import batched_outputs
    >>> batched_outputs(torch.nn.Flatten(), np.ones((3, 1, 2)), batch_size=2).shape
    (3, 2)
    """
    device = next(module.parameters(), torch.empty(0)).device
    parts = []
    with torch.no_grad():
        for start in range(0, len(X), batch_size):
            rows = np.ascontiguousarray(X[start : start + batch_size], dtype=np.float32)
            out = module(torch.from_numpy(rows).to(device))
            parts.append((out if postprocess is None else postprocess(out)).cpu().numpy())
    return np.concatenate(parts).astype(np.float64)
