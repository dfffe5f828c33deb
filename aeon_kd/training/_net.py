"""The skorch net that trains a student under a distillation method.

Cached teacher outputs travel beside the input in skorch's dict-X (``"X"``,
``"index"``, ``"teacher_<signal>"`` and the method's own per-row arrays), so every
batch carries the teacher signals of exactly its rows and a black-box teacher is never
called inside the epoch loop. The loss is the task loss times ``task_weight`` plus the
method's named terms; each is recorded per batch and averaged per epoch into
``history`` by skorch's ``PassthroughScoring``.
"""

from __future__ import annotations

import math
import os
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from sklearn.exceptions import ConvergenceWarning
from skorch import NeuralNet
from skorch.callbacks import (
    Callback,
    EarlyStopping,
    GradientNormClipping,
    LRScheduler,
    PassthroughScoring,
)
from skorch.dataset import Dataset
from skorch.helper import predefined_split
from skorch.history import History
from skorch.utils import to_tensor
from torch import nn

from aeon_kd.methods._base import DistillationBatch, TrainingProgress, total_loss
from aeon_kd.students._networks import signals_of
from aeon_kd.training._progress import progress_callbacks
from aeon_kd.training._tasks import resolve_task

__all__ = [
    "DistillationNet",
    "StudentCollapseWarning",
    "TrainingConfig",
    "TrainingDivergedError",
    "TrainingInterruptedWarning",
    "check_training_params",
    "train_student",
]

#: per-row arrays of the teacher's signals are named ``teacher_<signal>`` (the core
#: names them, get_loss strips the prefix into ``DistillationBatch.teacher``)
TEACHER_PREFIX = "teacher_"
#: per-row flag beside the inputs: False for transfer-set rows, whose ``y`` is the
#: teacher's top class (read by methods that need a class) and not a label
LABELLED_KEY = "labelled"
_CHECKPOINT_FILE = "training_state.pt"


class TrainingDivergedError(FloatingPointError):
    """A loss term became NaN or infinite during training.

    The message names the term (``"task"`` or a method's term such as ``"kd"``), the
    epoch and the batch; the estimator stays unfitted.

    Examples
    --------
    >>> from aeon_kd.training import TrainingDivergedError
    >>> issubclass(TrainingDivergedError, ArithmeticError)
    True
    """


class StudentCollapseWarning(ConvergenceWarning):
    """The fitted student is no better than predicting the majority class.

    Raised as a warning by ``DistilledClassifier.fit`` when the student's accuracy on
    its own training series is no higher than the majority class's share although the
    labels hold more than one class: training diverged without producing NaN (a
    learning rate far too high is the usual cause), or stopped before it learnt
    anything. A subclass of scikit-learn's ``ConvergenceWarning``, so the usual
    filters apply.

    Examples
    --------
    >>> import warnings
    >>> from aeon_kd.training import StudentCollapseWarning
    >>> from sklearn.exceptions import ConvergenceWarning
    >>> issubclass(StudentCollapseWarning, ConvergenceWarning)
    True
    """


class TrainingInterruptedWarning(UserWarning):
    """Training was interrupted (KeyboardInterrupt) after at least one epoch.

    The student keeps the best weights of the completed epochs and the estimator is
    fitted; ``history_`` holds the completed epochs.

    Examples
    --------
    A method that stands in for a user pressing Ctrl+C during the third epoch (one
    batch per epoch):

    >>> import warnings
    >>> import numpy as np
    >>> import torch
    >>> from aeon_kd.methods import Method
    >>> from aeon_kd.training import (
    ...     TrainingConfig, TrainingInterruptedWarning, train_student,
    ... )
    >>> class CtrlCAtStep3(Method):
    ...     name = "ctrl_c"
    ...     def __init__(self, task_weight=1.0):
    ...         self.task_weight = task_weight
    ...         self.steps = 0
    ...     def loss_terms(self, batch):
    ...         self.steps += batch.training
    ...         if self.steps == 3:
    ...             raise KeyboardInterrupt
    ...         return {}
    >>> X = np.random.default_rng(0).normal(size=(16, 1, 12)).astype(np.float32)
    >>> y = np.arange(16) % 2
    >>> student = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(12, 2))
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     net = train_student(
    ...         student, CtrlCAtStep3(), X=X, y=y, train_index=np.arange(16),
    ...         valid_index=np.arange(0), per_row={}, auxiliary={},
    ...         config=TrainingConfig(max_epochs=5, batch_size=16),
    ...     )
    >>> [w.category is TrainingInterruptedWarning for w in caught], len(net.history)
    ([True], 2)
    """


class _BatchBookkeeping(Callback):
    """Step counts and target-domain rows of each batch, kept out of ``get_loss``.

    Counts the steps of each epoch (the methods' ``TrainingProgress``) and draws the
    target rows of each training batch, so ``get_loss`` only computes a loss.
    """

    def on_epoch_begin(self, net, dataset_train=None, **kwargs):
        net._step_in_epoch = 0
        n_rows = len(dataset_train) if dataset_train is not None else 1
        net._steps_per_epoch = max(1, -(-n_rows // net.batch_size))

    def on_batch_begin(self, net, batch=None, training=False, **kwargs):
        if training and net.target is not None:
            net._batch_target_rows = net._next_target_rows(len(batch[1]))

    def on_batch_end(self, net, training=False, **kwargs):
        if training:
            net._step_in_epoch += 1


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

    See Also
    --------
    train_student : Builds this net with the library's callbacks and trains it.

    Examples
    --------
    Inputs travel as skorch's dict-X: the series under ``"X"``, cached teacher
    signals under ``"teacher_<signal>"``:

    >>> import numpy as np
    >>> import torch
    >>> from aeon_kd.methods import NoKD
    >>> from aeon_kd.training import DistillationNet
    >>> X = np.random.default_rng(0).normal(size=(16, 1, 12)).astype(np.float32)
    >>> y = np.arange(16) % 2
    >>> student = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(12, 2))
    >>> net = DistillationNet(
    ...     student, method=NoKD(), criterion=torch.nn.CrossEntropyLoss,
    ...     optimizer=torch.optim.Adam, max_epochs=2, batch_size=8, train_split=None,
    ...     verbose=0,
    ... )
    >>> net = net.fit({"X": X, "index": np.arange(16)}, y)
    >>> len(net.history)
    2
    >>> {name: tuple(value.shape) for name, value in net.infer({"X": X}).items()}
    {'logits': (16, 2)}
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

    def get_default_callbacks(self):
        return [*super().get_default_callbacks(), ("bookkeeping", _BatchBookkeeping())]

    def _progress(self):
        return TrainingProgress(
            epoch=len(self.history),
            max_epochs=self.max_epochs,
            step=self._step_in_epoch,
            steps_per_epoch=self._steps_per_epoch,
        )

    def _next_target_rows(self, n_rows):
        """The next ``n_rows`` target rows: a fresh shuffle whenever one runs out."""
        order = self._target_order
        while len(order) < n_rows:
            order = np.concatenate([order, self._target_rng.permutation(len(self.target["X"]))])
        rows, self._target_order = order[:n_rows], order[n_rows:]
        return rows

    def _target_batch(self, rows):
        """The target rows drawn for this batch, with the student's signals on them."""
        inputs = to_tensor(self.target["X"][rows], device=self.device)
        teacher = {
            k[len(TEACHER_PREFIX):]: to_tensor(v[rows], device=self.device)
            for k, v in self.target.items()
            if k.startswith(TEACHER_PREFIX)
        }
        return {"inputs": inputs, "student": self._student_signals(inputs), "teacher": teacher}

    def _student_signals(self, inputs):
        if self.method.student_signals <= {"logits"}:
            return {"logits": self.module_(inputs)}
        return signals_of(self.module_, inputs, self.method.student_signals)

    def _diverged(self, term, value, training):
        epoch = len(self.history)
        where = f"batch {self._step_in_epoch + 1} of epoch {epoch}" if training else (
            f"the validation pass of epoch {epoch}"
        )
        raise TrainingDivergedError(
            f"The {term!r} loss term became {value} at {where} (lr={self.lr}); training "
            "stopped and the estimator is not fitted. Lower lr, scale the input series "
            f"(e.g. z-normalise them), or lower the weight of the {term!r} term."
        )

    def fit_loop(self, X, y=None, epochs=None, **fit_params):
        try:
            return super().fit_loop(X, y, epochs=epochs, **fit_params)
        except KeyboardInterrupt:
            # skorch ends training on KeyboardInterrupt (early stopping raises one too);
            # remember which it was so train_student can say what the student holds
            stopper = dict(self.callbacks_).get("early_stopping")
            self.interrupted_ = not getattr(stopper, "stopped_", False)
            raise

    def infer(self, x, **fit_params):
        x = to_tensor(x, device=self.device)
        return self._student_signals(x["X"] if isinstance(x, dict) else x)

    def _task_loss(self, output, y_true, X):
        """The criterion on labelled rows only (transfer-set rows carry no label)."""
        labelled = X.get(LABELLED_KEY) if isinstance(X, dict) else None
        if labelled is None:
            return self.criterion_(output, y_true)
        labelled = labelled.bool()
        if not bool(labelled.any()):
            return output.sum() * 0.0  # a batch of transfer series: distillation only
        return self.criterion_(output[labelled], y_true[labelled])

    def get_loss(self, y_pred, y_true, X=None, training=False):
        y_true = to_tensor(y_true, device=self.device)
        X = to_tensor(X, device=self.device)
        task_loss = self._task_loss(y_pred["logits"], y_true, X)
        target = progress = None
        if training:  # the step and target rows _BatchBookkeeping set for this batch
            progress = self._progress()
            if self.target is not None:
                target = self._target_batch(self._batch_target_rows)
        batch = DistillationBatch(
            student=y_pred,
            teacher={
                k[len(TEACHER_PREFIX):]: v for k, v in X.items() if k.startswith(TEACHER_PREFIX)
            },
            y=y_true,
            extras={k: v for k, v in X.items() if k != "X" and not k.startswith(TEACHER_PREFIX)},
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
        loss = total_loss(self.method, task_loss, terms)
        prefix = "train_" if training else "valid_"
        values = {"task": task_loss.item()}
        values.update({name: float(value.detach()) for name, value in terms.items()})
        for name, value in values.items():
            if not math.isfinite(value):
                self._diverged(name, value, training)
            self.history.record_batch(prefix + name, value)
        if not training and resolve_task(self.task).scores_accuracy:
            correct = (y_pred["logits"].argmax(dim=1) == y_true).float().mean()
            self.history.record_batch("valid_acc", correct.item())
        return loss


@dataclass
class TrainingConfig:
    """Training settings shared by both estimators.

    Parameters
    ----------
    max_epochs : int, default=100
        Epochs at most.
    batch_size : int, default=32
        Training series per batch.
    lr : float, default=1e-3
        Adam's learning rate.
    patience : int or None, default=20
        Epochs without improvement of ``monitor`` before early stopping (the best
        weights are restored); None trains every epoch and keeps the last weights.
    lr_schedule : object, default=None
        Learning-rate schedule, as the estimators' ``lr_schedule`` parameter.
    device : str, default="cpu"
        Torch device.
    verbose : bool, default=False
        Print skorch's per-epoch table, and a progress bar where one can be shown
        (a terminal or a notebook, not a log file).
    seed : int, default=0
        Seeds the batch shuffle.
    monitor : str or None, default=None
        Quantity early stopping watches; None: the total validation loss (training
        loss without a validation split).
    checkpoint_dir : str or os.PathLike or None, default=None
        Folder for the per-epoch training state; None: no checkpoints.
    optimizer : type, default=torch.optim.Adam
        Torch optimizer class.
    optimizer_params : dict or None, default=None
        Its keyword arguments besides ``lr`` (e.g. ``{"weight_decay": 0.01}``).
    class_weight : list of float or None, default=None
        One weight per class for the classification task loss (cross-entropy's
        ``weight``); None weighs them equally.
    callbacks : list or None, default=None
        Extra skorch callbacks (objects or ``(name, callback)`` pairs), run after the
        library's own; copies are trained with. Students with recurrent layers clip
        their gradient norm at :data:`RECURRENT_GRADIENT_CLIP`; a
        ``GradientNormClipping`` here replaces that bound.

    Examples
    --------
    >>> from aeon_kd.training import TrainingConfig
    >>> config = TrainingConfig(max_epochs=2, batch_size=8)
    >>> config.max_epochs, config.batch_size, config.patience, config.device
    (2, 8, 20, 'cpu')
    """

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
    #: folder for the per-epoch training state; None: no checkpoints
    checkpoint_dir: str | os.PathLike | None = None
    optimizer: type = torch.optim.Adam
    optimizer_params: dict | None = None
    class_weight: list | None = None
    #: the user's extra skorch callbacks (objects or (name, callback) pairs)
    callbacks: list | None = None


def check_training_params(estimator, integers=()):
    """Validate the training parameters both estimators share, naming the bad one.

    Checks ``max_epochs``, ``batch_size``, ``patience`` and every name in ``integers``
    (integers >= 1), ``lr`` (> 0) and ``validation_size`` (in [0, 1)).

    Parameters
    ----------
    estimator : object
        Has the attributes ``max_epochs``, ``batch_size``, ``patience``, ``lr``,
        ``validation_size`` and those named in ``integers``.
    integers : sequence of str, default=()
        More attributes that must be integers >= 1.

    Raises
    ------
    ValueError
        Naming the first invalid parameter and its value.

    Examples
    --------
    >>> from types import SimpleNamespace
    >>> from aeon_kd.training import check_training_params
    >>> params = SimpleNamespace(
    ...     max_epochs=10, batch_size=16, patience=5, lr=1e-3, validation_size=0.2, window=0
    ... )
    >>> check_training_params(params)  # valid: returns None
    >>> check_training_params(params, integers=("window",))
    Traceback (most recent call last):
    ...
    ValueError: window must be an integer >= 1, got 0.
    """
    check_callbacks(getattr(estimator, "callbacks", None))
    if hasattr(estimator, "optimizer"):
        from aeon_kd.training._recipe import resolve_optimizer

        optimizer = resolve_optimizer(estimator.optimizer)
        params = estimator.optimizer_params
        if params is not None and not isinstance(params, dict):
            raise ValueError(
                "optimizer_params must be None or a dict of the optimizer's keyword "
                f"arguments, e.g. {{'weight_decay': 0.01}}; got {params!r}."
            )
        if params:
            _check_optimizer_params(optimizer, params)
    for name in ("max_epochs", "batch_size", "patience", *integers):
        value = getattr(estimator, name)
        if value is None and name == "patience":
            continue  # no early stopping
        if value == "auto" and name == "max_epochs":
            continue  # a step budget decides
        if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < 1:
            allowed = {"patience": " or None", "max_epochs": " or 'auto'"}.get(name, "")
            raise ValueError(f"{name} must be an integer >= 1{allowed}, got {value!r}.")
    lr = estimator.lr
    if not (isinstance(lr, (int, float)) and not isinstance(lr, bool) and lr > 0):
        raise ValueError(f"lr must be a positive number, got {lr!r}.")
    size = estimator.validation_size
    if size != "auto" and (
        isinstance(size, bool) or not (isinstance(size, (int, float)) and 0 <= size < 1)
    ):
        raise ValueError(
            f"validation_size must be a fraction in [0, 1) or 'auto', got {size!r}."
        )
    check_device(getattr(estimator, "device", "cpu"))


def _check_optimizer_params(optimizer, params):
    """Refuse, naming the parameter, keywords ``optimizer`` rejects (before any work)."""
    if "lr" in params:
        raise ValueError(
            "optimizer_params must not set 'lr': pass it as lr=..., the rate the "
            f"schedule starts from; got optimizer_params={params!r}."
        )
    probe = [torch.zeros(1, requires_grad=True)]
    try:
        optimizer(probe, lr=1e-3, **params)
    except (TypeError, ValueError) as error:
        raise ValueError(
            f"optimizer_params={params!r} are not accepted by {optimizer.__name__}: "
            f"{error}"
        ) from error


def check_device(device):
    """Refuse, before any work, a device torch does not know or this machine lacks.

    Parameters
    ----------
    device : str or torch.device

    Raises
    ------
    ValueError
        Naming the device, what this torch build has, and the fix.

    Examples
    --------
    >>> from aeon_kd.training._net import check_device
    >>> check_device("cpu")
    >>> check_device("gpu")
    Traceback (most recent call last):
    ...
    ValueError: device='gpu' is not a torch device: use 'cpu', 'cuda' (or 'cuda:0', ...) or 'mps'.
    """
    try:
        parsed = torch.device(device)
    except (RuntimeError, TypeError, ValueError):
        raise ValueError(
            f"device={device!r} is not a torch device: use 'cpu', 'cuda' (or 'cuda:0', "
            "...) or 'mps'."
        ) from None
    if parsed.type == "cuda":
        n_gpus = torch.cuda.device_count() if torch.cuda.is_available() else 0
        if n_gpus == 0:
            build = "a CPU-only build" if torch.version.cuda is None else "a CUDA build"
            raise ValueError(
                f"device={device!r}, but torch {torch.__version__} ({build}) sees no CUDA "
                "GPU on this machine: use device='cpu', or install a CUDA build of torch "
                "where there is a GPU."
            )
        if parsed.index is not None and parsed.index >= n_gpus:
            raise ValueError(
                f"device={device!r}, but this machine has {n_gpus} CUDA GPU(s) "
                f"(cuda:0 to cuda:{n_gpus - 1})."
            )
    elif parsed.type == "mps" and not torch.backends.mps.is_available():
        raise ValueError(f"device={device!r}, but MPS is not available here: use 'cpu'.")
    elif parsed.type not in ("cpu", "cuda", "mps"):
        raise ValueError(
            f"device={device!r} is not supported: use 'cpu', 'cuda' or 'mps'."
        )


def _rows(data, index):
    return {k: v[index] for k, v in data.items()}


class _CollatedBatch(tuple):
    """An ``(X, y)`` batch already gathered as tensors: the collate function keeps it."""


def _collate(batch):
    """Keep a batch :class:`_RowBatches` gathered at once; collate per-row items as torch."""
    if isinstance(batch, _CollatedBatch):
        return tuple(batch)
    from torch.utils.data import default_collate

    return default_collate(batch)


class _RowBatches(Dataset):
    """skorch's ``Dataset`` that gathers a whole batch with one fancy index per array.

    The default fetch indexes the dict-X once per row and key, then stacks the rows:
    with cached teacher features thousands of values wide that per-row gathering was a
    large share of a distillation epoch. A dict of arrays (or an array) with an array
    ``y`` is gathered here in one step per key, giving the same tensors; anything else
    (``y=None`` at prediction, other containers) falls back to skorch's per-row path.
    """

    def _batchable(self):
        X_ok = isinstance(self.X, np.ndarray) or (
            isinstance(self.X, dict) and all(isinstance(v, np.ndarray) for v in self.X.values())
        )
        return X_ok and isinstance(self.y, np.ndarray)

    def __getitems__(self, indices):
        if not self._batchable():
            return [self[i] for i in indices]
        rows = np.asarray(indices)
        if isinstance(self.X, dict):
            Xb = {k: torch.as_tensor(v[rows]) for k, v in self.X.items()}
        else:
            Xb = torch.as_tensor(self.X[rows])
        return _CollatedBatch((Xb, torch.as_tensor(self.y[rows])))


class _StoppingAndCheckpoint(EarlyStopping):
    """skorch's early stopping that says when it stopped, saves and restores its state.

    With a folder, the whole training state is written after every epoch, once early
    stopping has updated its best weights (so the file always describes a completed
    epoch), atomically (a temporary file renamed), so an interruption at any moment
    leaves the previous epoch's state intact.
    """

    def __init__(self, *args, folder=None, fingerprint=None, generator=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.folder = folder
        self.fingerprint = fingerprint
        self.generator = generator
        self.resume_state = None

    def on_train_begin(self, net, **kwargs):
        super().on_train_begin(net, **kwargs)
        self.stopped_ = False
        state = self.resume_state
        if state is not None:  # continue where the saved fit stopped
            for key, value in state["early_stopping"].items():
                setattr(self, key, value)
            for (_, callback), saved in zip(_schedulers(net), state["schedulers"],
                                               strict=True):  # fmt: skip
                callback.policy_.load_state_dict(saved)

    def on_epoch_end(self, net, **kwargs):
        try:
            super().on_epoch_end(net, **kwargs)
        except KeyboardInterrupt:
            self.stopped_ = True
            self._save(net, stopped=True)
            raise
        self._save(net, stopped=False)

    def _save(self, net, stopped):
        if self.folder is None:
            return
        state = {
            "fingerprint": self.fingerprint,
            "stopped": stopped,
            "module": net.module_.state_dict(),
            "auxiliary": net.auxiliary_.state_dict(),
            "optimizer": net.optimizer_.state_dict(),
            "history": list(net.history),
            "early_stopping": {
                "misses_": self.misses_,
                "dynamic_threshold_": self.dynamic_threshold_,
                "best_epoch_": self.best_epoch_,
                "best_model_weights_": self.best_model_weights_,
            },
            "schedulers": [cb.policy_.state_dict() for _, cb in _schedulers(net)],
            "torch_rng": torch.get_rng_state(),
            "shuffle_rng": self.generator.get_state(),
            "target_rng": net._target_rng.bit_generator.state,
            "target_order": net._target_order,
            "method": net.method.training_state(),
        }
        path = Path(self.folder) / _CHECKPOINT_FILE
        tmp = path.with_suffix(".tmp")
        torch.save(state, tmp)
        os.replace(tmp, path)


def _schedulers(net):
    return [(n, cb) for n, cb in net.callbacks_ if isinstance(cb, LRScheduler)]


def _fingerprint(X, y, train_index, valid_index, per_row, method, student, config):
    """What a checkpoint must match to be resumed: data, teacher outputs, settings."""
    import joblib

    settings = {k: v for k, v in vars(config).items()
                if k not in ("max_epochs", "verbose", "device", "checkpoint_dir",
                             "callbacks")}  # fmt: skip
    return joblib.hash(
        (X, y, train_index, valid_index, per_row, repr(method), repr(student), settings)
    )


def _load_checkpoint(folder, fingerprint):
    path = Path(folder) / _CHECKPOINT_FILE
    if not path.exists():
        return None
    state = torch.load(path, map_location="cpu", weights_only=False)
    if state.get("fingerprint") != fingerprint:
        raise ValueError(
            f"checkpoint_dir {str(folder)!r} holds the training state of a different fit "
            "(other data, teacher outputs, method or settings), so it cannot be resumed. "
            "Use another folder, or delete that one to start again."
        )
    return state


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
    task : {"classification", "forecasting"} or Task
        The task's criterion, validation metric and early-stopping monitor.
    online_teacher : TorchTeacher, optional
    target : dict of str to np.ndarray, optional
        Unlabelled target-domain rows (``"X"`` and cached ``"teacher_<signal>"``
        arrays) for methods with ``uses_target_data``.

    Returns
    -------
    net : DistillationNet
        Trained, best weights restored, modules in eval mode.

    Examples
    --------
    Distil cached teacher logits into a linear student, with a validation split:

    >>> import numpy as np
    >>> import torch
    >>> from aeon_kd.methods import HintonKD
    >>> from aeon_kd.training import TrainingConfig, train_student
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(16, 1, 12)).astype(np.float32)
    >>> y = np.arange(16) % 2
    >>> teacher_logits = rng.normal(size=(16, 2)).astype(np.float32)
    >>> _ = torch.manual_seed(0)
    >>> student = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(12, 2))
    >>> net = train_student(
    ...     student, HintonKD(temperature=2.0), X=X, y=y, train_index=np.arange(12),
    ...     valid_index=np.arange(12, 16), per_row={"teacher_logits": teacher_logits},
    ...     auxiliary={}, config=TrainingConfig(max_epochs=2, batch_size=4),
    ... )
    >>> len(net.history), net.module_.training
    (2, False)
    >>> sorted(k for k in net.history[-1] if k.startswith("valid_") and k.count("_") == 1)
    ['valid_acc', 'valid_kd', 'valid_loss', 'valid_task']
    """
    task = resolve_task(task)
    data = {"X": X, "index": np.arange(len(X)), **per_row}
    has_valid = len(valid_index) > 0
    monitor = "valid_loss" if has_valid else "train_loss"
    if has_valid and (config.monitor or task.monitor) is not None:
        monitor = config.monitor or task.monitor
    callbacks = _scoring_callbacks(method, task, has_valid)
    # schedules step before early stopping, so the state it saves is the epoch's last
    callbacks += [
        ("lr_schedule", cb)
        for cb in _schedule_callback(config.lr_schedule, config.max_epochs, monitor)
    ]
    generator = torch.Generator().manual_seed(config.seed)
    folder = config.checkpoint_dir
    fingerprint = state = None
    if folder is not None:
        fingerprint, state = _open_checkpoint(
            folder, X, y, train_index, valid_index, per_row, method, student, config
        )
    # without patience every epoch trains and the last weights are kept: on small
    # training sets best-validation weights were worse than the last ones
    stopper = _StoppingAndCheckpoint(
        monitor=monitor,
        patience=config.max_epochs + 1 if config.patience is None else config.patience,
        load_best=config.patience is not None,
        folder=folder, fingerprint=fingerprint, generator=generator,
    )  # fmt: skip
    callbacks.append(("early_stopping", stopper))
    callbacks += progress_callbacks(config.verbose)
    callbacks += _gradient_clipping(student, config.callbacks)
    callbacks += _user_callbacks(config.callbacks)
    train_split = (
        predefined_split(_RowBatches(_rows(data, valid_index), y[valid_index]))
        if has_valid else None
    )  # fmt: skip
    net = DistillationNet(
        student, method=method, task=task.name, auxiliary=nn.ModuleDict(auxiliary),
        online_teacher=online_teacher, target=target, target_seed=config.seed,
        criterion=task.criterion, **task.criterion_params(config),
        optimizer=config.optimizer, lr=config.lr,
        **{f"optimizer__{k}": v for k, v in (config.optimizer_params or {}).items()},
        max_epochs=config.max_epochs, batch_size=config.batch_size,
        train_split=train_split, callbacks=callbacks, iterator_train__shuffle=True,
        iterator_train__generator=generator, dataset=_RowBatches,
        iterator_train__collate_fn=_collate, iterator_valid__collate_fn=_collate,
        device=config.device,
        verbose=int(bool(config.verbose)),
    )  # fmt: skip
    net.initialize()
    net.interrupted_ = False
    epochs = config.max_epochs
    if state is not None:
        epochs = _resume(net, state, stopper, generator, config)
    if epochs > 0:
        net.partial_fit(_rows(data, train_index), y[train_index], epochs=epochs)
    _after_interruption(net)
    net.module_.eval()
    return net


#: gradient-norm bound of recurrent students (Pascanu, Mikolov and Bengio, 2013): the
#: 1 x 16 LSTM at the default lr of 0.01 had gradient norms around 1.5-2.5 and, on
#: ACSF1 (1,460 steps), a jump to 1.5e14 at epoch 381 that turned its loss into NaN
RECURRENT_GRADIENT_CLIP = 1.0


def _gradient_clipping(student, user_callbacks):
    """The gradient-norm bound (skorch's ``GradientNormClipping``) of a recurrent student.

    Recurrent networks trained by backpropagation through time on long series have
    exploding gradients; bounding the gradient norm keeps them finite. With Adam the
    bound costs little where gradients are ordinary (its steps do not scale with the
    gradient's norm) and removes the spikes. Convolutional students are left as they
    are, and a ``GradientNormClipping`` among the user's callbacks replaces this one.
    """
    if not any(isinstance(m, nn.RNNBase) for m in student.modules()):
        return []
    for entry in user_callbacks or ():
        if isinstance(entry[1] if isinstance(entry, tuple) else entry, GradientNormClipping):
            return []
    return [("gradient_clipping", GradientNormClipping(RECURRENT_GRADIENT_CLIP))]


def _user_callbacks(callbacks):
    """Copies of the user's callbacks, named: skorch initialises what it is given."""
    import copy

    named = []
    for i, entry in enumerate(callbacks or ()):
        name, callback = entry if isinstance(entry, tuple) else (f"user_{i}", entry)
        named.append((name, copy.deepcopy(callback)))
    return named


def check_callbacks(callbacks):
    """``callbacks`` must be None or a list of skorch callbacks / (name, callback) pairs.

    Examples
    --------
    >>> from skorch.callbacks import EpochTimer
    >>> from aeon_kd.training._net import check_callbacks
    >>> check_callbacks([EpochTimer(), ("timer", EpochTimer())])
    >>> check_callbacks(EpochTimer())  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: callbacks must be None or a list of skorch callbacks ...
    """
    from skorch.callbacks import Callback

    def valid(entry):
        if isinstance(entry, tuple):
            return len(entry) == 2 and isinstance(entry[0], str) and valid(entry[1])
        return isinstance(entry, Callback)

    if callbacks is None:
        return
    if not isinstance(callbacks, list) or not all(valid(e) for e in callbacks):
        raise ValueError(
            "callbacks must be None or a list of skorch callbacks (skorch.callbacks."
            f"Callback instances) or (name, callback) pairs, got {callbacks!r}."
        )


def _scoring_callbacks(method, task, has_valid):
    """One history column per loss term (train, and valid with a split)."""
    terms = ("task", *method.term_names())
    callbacks = [(f"train_{t}", PassthroughScoring(f"train_{t}", on_train=True)) for t in terms]
    if has_valid:
        callbacks += [(f"valid_{t}", PassthroughScoring(f"valid_{t}")) for t in terms]
        if task.scores_accuracy:
            callbacks.append(("valid_acc", PassthroughScoring("valid_acc", lower_is_better=False)))
    return callbacks


def _open_checkpoint(folder, X, y, train_index, valid_index, per_row, method, student, config):
    """The fit's fingerprint and the saved state of the same fit in ``folder`` (or None)."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    fingerprint = _fingerprint(X, y, train_index, valid_index, per_row, method, student, config)
    return fingerprint, _load_checkpoint(folder, fingerprint)


def _resume(net, state, stopper, generator, config):
    """Load a saved training state into ``net``; return the epochs left to train."""
    net.module_.load_state_dict(state["module"])
    net.auxiliary_.load_state_dict(state["auxiliary"])
    net.optimizer_.load_state_dict(state["optimizer"])
    net.history = History(state["history"])
    torch.set_rng_state(state["torch_rng"])
    generator.set_state(state["shuffle_rng"])
    net._target_rng.bit_generator.state = state["target_rng"]
    net._target_order = state["target_order"]
    net.method.load_training_state(state.get("method", {}))
    stopper.resume_state = state
    done = len(net.history)
    if state["stopped"] or done >= config.max_epochs:
        best = state["early_stopping"]["best_model_weights_"]
        if best is not None:  # what skorch's on_train_end would have restored
            net.module_.load_state_dict(best)
        return 0
    return config.max_epochs - done


def _after_interruption(net):
    """After a user's KeyboardInterrupt: keep the completed epochs, or give up."""
    if not net.interrupted_:
        return
    if net.history and "train_loss" not in net.history[-1]:
        net.history.pop()  # the epoch that was cut short
    if not net.history:
        raise KeyboardInterrupt  # not one epoch completed: the estimator stays unfitted
    warnings.warn(
        f"Training was interrupted after {len(net.history)} completed epoch(s); the "
        "student has the best weights among them and the estimator is fitted. With "
        "checkpoint_dir set, calling fit again resumes training.",
        TrainingInterruptedWarning,
        stacklevel=4,
    )
