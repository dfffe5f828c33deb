"""The skorch net that trains a student under a distillation method.

Cached teacher outputs travel beside the input in skorch's dict-X (``"X"``,
``"index"``, ``"teacher_<signal>"`` and the method's own per-row arrays), so every
batch carries the teacher signals of exactly its rows and a black-box teacher is never
called inside the epoch loop. The loss is the task loss times ``task_weight`` plus the
method's named terms; each is recorded per batch and averaged per epoch into
``history`` by skorch's ``PassthroughScoring``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch
from skorch import NeuralNet
from skorch.callbacks import (
    EarlyStopping,
    LRScheduler,
    PassthroughScoring,
    ProgressBar,
)
from skorch.dataset import Dataset
from skorch.helper import predefined_split
from skorch.utils import to_tensor
from torch import nn

from aeon_kd.methods._base import DistillationBatch, TrainingProgress
from aeon_kd.students._networks import signals_of

__all__ = ["DistillationNet", "TrainingConfig", "check_training_params", "train_student"]

_TEACHER_PREFIX = "teacher_"


class DistillationNet(NeuralNet):
    """skorch ``NeuralNet`` whose loss is the task loss plus a method's terms.

    Parameters
    ----------
    module : torch.nn.Module
        The student.
    method : Method
        The distillation method (see :mod:`aeon_kd.methods`).
    task : {"classification", "forecasting"}
    auxiliary : torch.nn.ModuleDict, optional
        The method's trainable helpers; registered with skorch so they move to the
        device, switch train/eval with the student and are optimised with it.
    online_teacher : TorchTeacher, optional
        A white-box teacher's adapter for methods that query it online.
    target : dict of str to np.ndarray, optional
        Unlabelled target-domain rows for methods with ``uses_target_data``:
        ``"X"`` and the teacher's cached ``"teacher_<signal>"`` arrays. Each training
        batch is paired with as many target rows, drawn without replacement from a
        seeded shuffle that restarts when the target rows run out (an epoch is the
        source split's, whatever the size of the target set).
    target_seed : int, default=0
        Seeds that shuffle.
    **kwargs
        Passed to ``skorch.NeuralNet``.
    """

    def __init__(
        self,
        module,
        *,
        method,
        task="classification",
        auxiliary=None,
        online_teacher=None,
        target=None,
        target_seed=0,
        **kwargs,
    ):
        # torch components are set before skorch's __init__ marks the net as built:
        # they are configuration here; initialize_module registers the auxiliary dict
        self.method = method
        self.task = task
        self.auxiliary = auxiliary
        self.online_teacher = online_teacher
        self.target = target
        self.target_seed = target_seed
        super().__init__(module, **kwargs)

    def initialize_module(self):
        super().initialize_module()
        self.auxiliary_ = self.auxiliary if self.auxiliary is not None else nn.ModuleDict()
        self._target_rng = np.random.default_rng(self.target_seed)
        self._target_order = np.empty(0, dtype=np.int64)
        return self

    def on_epoch_begin(self, net, dataset_train=None, dataset_valid=None, **kwargs):
        super().on_epoch_begin(net, dataset_train=dataset_train, dataset_valid=dataset_valid)
        self._step_in_epoch = 0
        n_rows = len(dataset_train) if dataset_train is not None else 1
        self._steps_per_epoch = max(1, -(-n_rows // self.batch_size))

    def _progress(self):
        return TrainingProgress(
            epoch=len(self.history),
            max_epochs=self.max_epochs,
            step=self._step_in_epoch,
            steps_per_epoch=self._steps_per_epoch,
        )

    def _target_batch(self, n_rows):
        """The next ``n_rows`` target rows, with the student's signals on them."""
        order = self._target_order
        while len(order) < n_rows:
            order = np.concatenate([order, self._target_rng.permutation(len(self.target["X"]))])
        rows, self._target_order = order[:n_rows], order[n_rows:]
        inputs = to_tensor(self.target["X"][rows], device=self.device)
        teacher = {
            k[len(_TEACHER_PREFIX):]: to_tensor(v[rows], device=self.device)
            for k, v in self.target.items()
            if k.startswith(_TEACHER_PREFIX)
        }
        return {"inputs": inputs, "student": self._student_signals(inputs), "teacher": teacher}

    def _student_signals(self, inputs):
        if self.method.student_signals <= {"logits"}:
            return {"logits": self.module_(inputs)}
        return signals_of(self.module_, inputs, self.method.student_signals)

    def infer(self, x, **fit_params):
        x = to_tensor(x, device=self.device)
        return self._student_signals(x["X"] if isinstance(x, dict) else x)

    def get_loss(self, y_pred, y_true, X=None, training=False):
        y_true = to_tensor(y_true, device=self.device)
        X = to_tensor(X, device=self.device)
        task_loss = self.criterion_(y_pred["logits"], y_true)
        target = progress = None
        if training:
            progress = self._progress()
            self._step_in_epoch += 1
            if self.target is not None:
                target = self._target_batch(len(y_true))
        batch = DistillationBatch(
            student=y_pred,
            teacher={
                k[len(_TEACHER_PREFIX):]: v for k, v in X.items() if k.startswith(_TEACHER_PREFIX)
            },
            y=y_true,
            extras={k: v for k, v in X.items() if k != "X" and not k.startswith(_TEACHER_PREFIX)},
            modules=self.auxiliary_,
            student_module=self.module_,
            training=training,
            task=self.task,
            online_teacher=self.online_teacher,
            inputs=X["X"] if isinstance(X, dict) else X,
            target=target,
            progress=progress,
        )
        terms = self.method.loss_terms(batch)
        loss = getattr(self.method, "task_weight", 1.0) * task_loss
        for value in terms.values():
            loss = loss + value
        prefix = "train_" if training else "valid_"
        self.history.record_batch(prefix + "task", task_loss.item())
        for name, value in terms.items():
            self.history.record_batch(prefix + name, float(value.detach()))
        if not training and self.task == "classification":
            correct = (y_pred["logits"].argmax(dim=1) == y_true).float().mean()
            self.history.record_batch("valid_acc", correct.item())
        return loss


@dataclass
class TrainingConfig:
    """Training settings shared by both estimators."""

    max_epochs: int = 100
    batch_size: int = 32
    lr: float = 1e-3
    patience: int = 20
    lr_schedule: object = None
    device: str = "cpu"
    verbose: bool = False
    seed: int = 0
    #: quantity early stopping watches; None: the total validation loss (training loss
    #: without a validation split). Forecasters watch ``"valid_task"`` (the MSE to the
    #: truth alone), as the TimeDistill authors do.
    monitor: str | None = None


def check_training_params(estimator, integers=()):
    """Validate the training parameters both estimators share, naming the bad one.

    Checks ``max_epochs``, ``batch_size``, ``patience`` and every name in ``integers``
    (integers >= 1), ``lr`` (> 0) and ``validation_size`` (in [0, 1)).
    """
    for name in ("max_epochs", "batch_size", "patience", *integers):
        value = getattr(estimator, name)
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} must be an integer >= 1, got {value!r}.")
    lr = estimator.lr
    if not (isinstance(lr, (int, float)) and not isinstance(lr, bool) and lr > 0):
        raise ValueError(f"lr must be a positive number, got {lr!r}.")
    size = estimator.validation_size
    if not (isinstance(size, (int, float)) and 0 <= size < 1):
        raise ValueError(f"validation_size must be a fraction in [0, 1), got {size!r}.")


def _rows(data, index):
    return {k: v[index] for k, v in data.items()}


def _schedule_callback(lr_schedule, max_epochs, monitor):
    if lr_schedule is None:
        return []
    if lr_schedule == "cosine":
        return [LRScheduler(policy="CosineAnnealingLR", T_max=max(1, max_epochs))]
    if lr_schedule == "plateau":
        return [LRScheduler(policy="ReduceLROnPlateau", monitor=monitor, patience=5, factor=0.5)]
    if lr_schedule == "halving":
        # the long-term-forecasting literature's "type1": two epochs at the initial rate,
        # then half of it after every epoch
        return [
            LRScheduler(policy="LambdaLR", lr_lambda=lambda epoch: 0.5 ** max(0, epoch - 1))
        ]
    raise ValueError(
        f"lr_schedule must be None, 'cosine', 'plateau' or 'halving', got {lr_schedule!r}."
    )


def train_student(
    student,
    method,
    *,
    X,
    y,
    train_index,
    valid_index,
    per_row,
    auxiliary,
    config,
    task="classification",
    online_teacher=None,
    target=None,
):
    """Train ``student`` under ``method`` and return the fitted skorch net.

    Parameters
    ----------
    student : torch.nn.Module
        Freshly initialised student.
    method : Method
    X : np.ndarray
        Student input for every row, float32.
    y : np.ndarray
        Targets for every row (class indices or float values).
    train_index, valid_index : np.ndarray
        Rows of the training and validation splits (``valid_index`` may be empty).
    per_row : dict of str to np.ndarray
        Cached arrays aligned with ``X`` (teacher outputs as ``teacher_<signal>``, the
        method's precomputed arrays).
    auxiliary : dict of str to torch.nn.Module
        The method's trainable helpers.
    config : TrainingConfig
    task : {"classification", "forecasting"}
    online_teacher : TorchTeacher, optional
    target : dict of str to np.ndarray, optional
        Unlabelled target-domain rows (``"X"`` and cached ``"teacher_<signal>"``
        arrays) for methods with ``uses_target_data``.

    Returns
    -------
    net : DistillationNet
        Trained, best weights restored, modules in eval mode.
    """
    data = {"X": X, "index": np.arange(len(X)), **per_row}
    has_valid = len(valid_index) > 0
    monitor = "valid_loss" if has_valid else "train_loss"
    if has_valid and config.monitor is not None:
        monitor = config.monitor
    terms = ("task", *method.term_names())
    callbacks = [(f"train_{t}", PassthroughScoring(f"train_{t}", on_train=True)) for t in terms]
    if has_valid:
        callbacks += [(f"valid_{t}", PassthroughScoring(f"valid_{t}")) for t in terms]
        if task == "classification":
            callbacks.append(("valid_acc", PassthroughScoring("valid_acc", lower_is_better=False)))
    callbacks.append(
        (
            "early_stopping",
            EarlyStopping(monitor=monitor, patience=config.patience, load_best=True),
        )
    )
    callbacks += [
        ("lr_schedule", cb)
        for cb in _schedule_callback(config.lr_schedule, config.max_epochs, monitor)
    ]
    if config.verbose:
        callbacks.append(("progress", ProgressBar()))
    criterion = nn.CrossEntropyLoss if task == "classification" else nn.MSELoss
    train_split = (
        predefined_split(Dataset(_rows(data, valid_index), y[valid_index])) if has_valid else None
    )
    generator = torch.Generator().manual_seed(config.seed)
    net = DistillationNet(
        student,
        method=method,
        task=task,
        auxiliary=nn.ModuleDict(auxiliary),
        online_teacher=online_teacher,
        target=target,
        target_seed=config.seed,
        criterion=criterion,
        optimizer=torch.optim.Adam,
        lr=config.lr,
        max_epochs=config.max_epochs,
        batch_size=config.batch_size,
        train_split=train_split,
        callbacks=callbacks,
        iterator_train__shuffle=True,
        iterator_train__generator=generator,
        device=config.device,
        verbose=int(bool(config.verbose)),
    )
    net.fit(_rows(data, train_index), y[train_index])
    net.module_.eval()
    return net
