"""DistilledClassifier: an aeon classifier whose model is a compact distilled student."""

from __future__ import annotations

from functools import partial

import numpy as np
import torch
from aeon.classification.base import BaseClassifier
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state

from aeon_kd.methods import FitContext, resolve_method
from aeon_kd.students import build_student, count_parameters
from aeon_kd.teachers import default_teacher, resolve_teacher
from aeon_kd.training import TrainingConfig, check_training_params, train_student

__all__ = ["DistilledClassifier"]

_UNSET = object()
_PREDICT_BATCH = 512


class DistilledClassifier(BaseClassifier):
    """Time-series classifier trained by distilling a teacher into a compact student.

    ``fit`` resolves the teacher (a torch network, a fitted skorch net, a fitted or
    unfitted aeon/scikit-learn classifier, a ``FrozenEstimator``, or ``None`` for a
    default one), computes the teacher outputs the method needs once per training
    series, and trains a small torch student with skorch under the chosen method
    (task loss plus distillation terms). Only the student is used to predict.

    Parameters
    ----------
    teacher : object, default=None
        The teacher, used when ``fit`` is called without ``teacher=``:

        - ``None``: a default teacher is fitted first (aeon's ``QUANTClassifier``
          for logit methods, a 3 x 100 LSTM :class:`aeon_kd.teachers.RecurrentTeacher`
          trained on the student's input for methods that need hidden states or
          features); nothing is built for ``method="none"``.
        - a fitted aeon or scikit-learn classifier with ``predict_proba``
          (black-box). Its columns are matched to ``classes_`` by label.
        - an unfitted classifier: cloned and fitted inside ``fit`` (so once per CV
          fold in a grid search); its soft labels for the training series are
          out-of-fold predictions, since in-sample probabilities of a strong
          classifier are nearly one-hot.
        - ``sklearn.frozen.FrozenEstimator(fitted)``: a fitted classifier that
          survives ``clone`` (GridSearchCV, pipelines, tsml-eval).
        - a torch ``nn.Module`` mapping ``(n, n_channels, n_timepoints)`` float32 to
          logits ``(n, n_classes)`` in the order of the sorted labels, or a fitted
          skorch net (white-box). Hidden states and features come from networks with
          ``forward_signals`` or wrapped in :class:`aeon_kd.students.SignalTap`.
    method : str, Method or list, default="kd"
        Distillation method: a registry name (see :func:`aeon_kd.list_methods`), a
        method object such as ``HintonKD(temperature=2)``, or a sum/list of them.
    student : str, torch.nn.Module or callable, default="lstm"
        Student network: a registry name (see :func:`aeon_kd.list_students`), a
        module (deep-copied for each fit) or a callable
        ``(n_channels, n_classes, **student_params) -> nn.Module``.
    student_params : dict, default=None
        Keyword arguments of the student builder, e.g. ``{"hidden_size": 32}``.
    max_epochs : int, default=100
        Maximum training epochs.
    batch_size : int, default=32
        Mini-batch size.
    lr : float, default=5e-3
        Adam learning rate (5e-3 is the MemKD/TSD papers' setting for small students).
    validation_size : float, default=0.2
        Fraction of the training series held out (stratified) for early stopping and
        the fidelity measures; 0 trains on everything and stops on the training loss.
    patience : int, default=20
        Epochs without improvement of the validation loss before stopping; the best
        weights are restored.
    lr_schedule : {None, "cosine", "plateau", "halving"}, default=None
        Optional learning-rate schedule: cosine annealing over ``max_epochs``, halving
        on a 5-epoch plateau of the monitored loss, or halving after every epoch from
        the third on.
    resample_length : int, default=None
        Resample every series to this length for the student (linear interpolation,
        aeon's ``Resizer``); the papers' protocol uses 100. Teachers see the series as
        given.
    random_state : int, RandomState or None, default=None
        Seeds the split, initialisation, shuffling and default teacher; the same value
        gives identical CPU predictions.
    device : str, default="cpu"
        Torch device for training and prediction, e.g. ``"cuda"``.
    verbose : bool, default=False
        Print the per-epoch table (with every loss term) and a progress bar.

    Attributes
    ----------
    student_ : torch.nn.Module
        The trained student, in eval mode.
    teacher_ : object or None
        The teacher that taught the student (fitted here if it was given unfitted).
    history_ : skorch.History
        Per-epoch losses: ``train_loss``, ``valid_loss``, ``train_task``, each
        distillation term (``train_kd``, ...), ``valid_acc``.
    n_student_params_ : int
        Trainable parameters of the student.
    teacher_agreement_ : float or None
        Top-1 agreement between teacher and student on the validation split.
    teacher_kl_ : float or None
        Mean KL(teacher ‖ student) on the validation split, in nats.
    classes_ : np.ndarray
        Class labels.

    References
    ----------
    .. [1] G. Hinton, O. Vinyals and J. Dean. "Distilling the Knowledge in a Neural
       Network". arXiv:1503.02531, 2015.

    Examples
    --------
    >>> from aeon.datasets import load_italy_power_demand
    >>> from aeon_kd import DistilledClassifier
    >>> from aeon_kd.testing import CentroidTeacher
    >>> X, y = load_italy_power_demand(split="train")
    >>> clf = DistilledClassifier(method="kd", max_epochs=5, random_state=0)
    >>> clf = clf.fit(X, y, teacher=CentroidTeacher())
    >>> clf.predict(X[:3]).shape
    (3,)
    >>> clf.n_student_params_
    1250
    """

    _tags = {
        "capability:multivariate": True,
        "algorithm_type": "deeplearning",
        "non_deterministic": False,
        "cant_pickle": False,
        "python_dependencies": ["torch", "skorch"],
        "X_inner_type": "numpy3D",
    }

    def __init__(
        self,
        teacher=None,
        method="kd",
        student="lstm",
        student_params=None,
        max_epochs=100,
        batch_size=32,
        lr=5e-3,
        validation_size=0.2,
        patience=20,
        lr_schedule=None,
        resample_length=None,
        random_state=None,
        device="cpu",
        verbose=False,
    ):
        self.teacher = teacher
        self.method = method
        self.student = student
        self.student_params = student_params
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.validation_size = validation_size
        self.patience = patience
        self.lr_schedule = lr_schedule
        self.resample_length = resample_length
        self.random_state = random_state
        self.device = device
        self.verbose = verbose
        super().__init__()

    def fit(self, X, y, teacher=_UNSET):
        """Fit the student, distilling ``teacher`` (or the constructor's teacher).

        Parameters
        ----------
        X : np.ndarray
            Equal-length collection ``(n_cases, n_channels, n_timepoints)`` or
            ``(n_cases, n_timepoints)``.
        y : np.ndarray
            Class labels, ``(n_cases,)``.
        teacher : object, optional
            Overrides the constructor's ``teacher`` for this fit only (any form the
            ``teacher`` parameter accepts).

        Returns
        -------
        self : DistilledClassifier
        """
        if isinstance(X, np.ndarray) and np.issubdtype(X.dtype, np.number):
            if X.ndim >= 2 and (X.shape[0] == 0 or X.shape[-1] == 0):
                raise ValueError(
                    f"X has shape {X.shape}: fit needs at least one series with at least "
                    "one timepoint."
                )
            _check_finite(X, "X")
        elif isinstance(X, list) and len({np.shape(x)[-1] for x in X}) > 1:
            raise ValueError(
                "X holds unequal-length series, which DistilledClassifier cannot take: "
                "resize them first, e.g. aeon's Resizer(resized_length=...) from "
                "aeon.transformations.collection.unequal_length, or pad them with Padder."
            )
        # aeon's reset() inside fit keeps attributes whose names hold "__": the
        # name-mangled slot carries the fit-time teacher into _fit.
        self.__fit_teacher = teacher
        try:
            return super().fit(X, y)
        finally:
            del self.__fit_teacher

    # -- aeon hooks -----------------------------------------------------------------

    def _fit(self, X, y):
        _check_finite(X, "X")
        self._check_params()
        # fit_predict/fit_predict_proba reach _fit without passing through fit
        override = getattr(self, "_DistilledClassifier__fit_teacher", _UNSET)
        teacher = self.teacher if override is _UNSET else override
        seed = int(check_random_state(self.random_state).randint(0, 2**31 - 1))
        method = resolve_method(self.method)
        if "classification" not in method.tasks:
            raise ValueError(
                f"Method {method.name!r} is for {sorted(method.tasks)}, not classification."
            )
        y_index = np.searchsorted(self.classes_, y).astype(np.int64)
        X_student = self._student_input(X)
        train_index, valid_index = self._split(y_index, seed)

        adapter = resolve_teacher(
            teacher,
            X=X,
            X_fit=X_student,
            y_labels=y,
            classes=self.classes_,
            needs=method.teacher_signals,
            method_name=method.name,
            seed=seed,
            default=partial(default_teacher, device=self.device),
        )
        teacher_outputs, X_teacher = {}, None
        if adapter is not None:  # teachers fitted here learnt on the student's input
            X_teacher = X_student if adapter.fitted_here else X
            teacher_outputs = adapter.outputs(X_teacher, method.teacher_signals)
        context = FitContext(
            X=X_student,
            y=y_index,
            train_index=train_index,
            n_outputs=self.n_classes_,
            teacher=adapter,
            teacher_outputs=teacher_outputs,
            rng=np.random.default_rng(seed),
            teacher_X=X_teacher,
        )
        per_row = {f"teacher_{k}": v for k, v in teacher_outputs.items()}
        per_row.update(method.prepare(context))

        with torch.random.fork_rng(devices=[]):
            torch.manual_seed(seed)
            student = build_student(
                self.student, self.student_params, X_student.shape[1], self.n_classes_
            )
            _check_student_output(student, X_student, self.n_classes_)
            context.student = student  # projectors size themselves on it
            auxiliary = method.auxiliary_modules(context)
            net = train_student(
                student,
                method,
                X=X_student,
                y=y_index,
                train_index=train_index,
                valid_index=valid_index,
                per_row=per_row,
                auxiliary=auxiliary,
                config=TrainingConfig(
                    max_epochs=self.max_epochs,
                    batch_size=self.batch_size,
                    lr=self.lr,
                    patience=self.patience,
                    lr_schedule=self.lr_schedule,
                    device=self.device,
                    verbose=self.verbose,
                    seed=seed,
                ),
                online_teacher=adapter if getattr(adapter, "kind", "") == "white-box" else None,
            )
        self.student_ = net.module_
        self.history_ = net.history
        self.n_student_params_ = count_parameters(self.student_)
        self.teacher_ = None if adapter is None else adapter.estimator
        self.teacher_agreement_, self.teacher_kl_ = self._fidelity(
            X_student, teacher_outputs.get("logits"), valid_index
        )
        return self

    def _predict_proba(self, X):
        _check_finite(X, "X")
        return self._student_proba(self._student_input(X))

    def _predict(self, X):
        return self.classes_[np.argmax(self._predict_proba(X), axis=1)]

    # -- helpers --------------------------------------------------------------------

    def _check_params(self):
        check_training_params(self)
        if self.resample_length is not None and not (
            isinstance(self.resample_length, (int, np.integer)) and self.resample_length >= 2
        ):
            raise ValueError(
                f"resample_length must be None or an integer >= 2, got {self.resample_length!r}."
            )

    def _student_input(self, X):
        if self.resample_length is not None and X.shape[2] != self.resample_length:
            from aeon.transformations.collection.unequal_length import Resizer

            X = Resizer(resized_length=int(self.resample_length)).fit_transform(X)
        return np.ascontiguousarray(X, dtype=np.float32)

    def _split(self, y_index, seed):
        """Stratified validation split; everything trains when one is impossible."""
        rows = np.arange(len(y_index))
        n_valid = int(np.ceil(self.validation_size * len(rows)))
        counts = np.bincount(y_index, minlength=self.n_classes_)
        if (
            self.validation_size == 0
            or n_valid < self.n_classes_
            or len(rows) - n_valid < self.n_classes_
            or counts.min() < 2
        ):
            return rows, rows[:0]
        train, valid = train_test_split(
            rows, test_size=n_valid, stratify=y_index, random_state=seed
        )
        return np.sort(train), np.sort(valid)

    def _student_proba(self, X_student):
        device = next(self.student_.parameters()).device
        parts = []
        with torch.no_grad():
            for start in range(0, len(X_student), _PREDICT_BATCH):
                batch = torch.from_numpy(X_student[start : start + _PREDICT_BATCH]).to(device)
                parts.append(torch.softmax(self.student_(batch), dim=1).cpu().numpy())
        return np.concatenate(parts).astype(np.float64)

    def _fidelity(self, X_student, teacher_logits, valid_index):
        if teacher_logits is None or len(valid_index) == 0:
            return None, None
        student_p = np.clip(self._student_proba(X_student[valid_index]), 1e-12, None)
        t = teacher_logits[valid_index].astype(np.float64)
        teacher_p = np.exp(t - t.max(axis=1, keepdims=True))
        teacher_p /= teacher_p.sum(axis=1, keepdims=True)
        agreement = float(np.mean(student_p.argmax(1) == teacher_p.argmax(1)))
        kl = np.sum(teacher_p * (np.log(np.clip(teacher_p, 1e-12, None)) - np.log(student_p)), 1)
        return agreement, float(np.mean(kl))

    @classmethod
    def _get_test_params(cls, parameter_set="default"):
        from aeon_kd.testing import CentroidTeacher

        small = {"max_epochs": 2, "batch_size": 8, "student_params": {"hidden_size": 4}}
        return [
            {"method": "none", "random_state": 0, **small},
            {"method": "kd", "teacher": CentroidTeacher(), "random_state": 0, **small},
        ]


def _check_finite(X, name):
    if not np.all(np.isfinite(X)):
        n_nan, n_inf = int(np.isnan(X).sum()), int(np.isinf(X).sum())
        raise ValueError(
            f"{name} contains {n_nan} NaN and {n_inf} infinite values; distillation needs "
            "finite input. Impute them first (e.g. aeon's SimpleImputer) or drop those series."
        )


def _check_student_output(student, X, n_classes):
    with torch.no_grad():
        was_training = student.training
        student.eval()
        try:
            out = student(torch.from_numpy(X[:2]))
        except Exception as err:  # a user module that cannot take the input
            raise ValueError(
                f"The student failed on input of shape {tuple(X[:2].shape)} (batch, "
                f"channels, timepoints): {err}"
            ) from err
        finally:
            student.train(was_training)
    if out.ndim != 2 or out.shape[1] != n_classes:
        raise ValueError(
            f"The student returns shape {tuple(out.shape)}, but y has {n_classes} classes; "
            f"it must return logits of shape (batch, {n_classes})."
        )
