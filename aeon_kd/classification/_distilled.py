"""DistilledClassifier: an aeon classifier whose model is a compact distilled student."""

from __future__ import annotations

import numbers
import warnings
from functools import partial

import numpy as np
import pandas as pd
import torch
from aeon.classification.base import BaseClassifier
from aeon.utils.decorators.method_timer import method_timer
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.class_weight import compute_class_weight

from aeon_kd._checks import check_finite
from aeon_kd._core import (
    UNSET,
    FitInputs,
    TrainingRows,
    batched_outputs,
    distil,
    training_config,
)
from aeon_kd._memory import check_allocation
from aeon_kd._params import TunableMethodMixin, store_parameters
from aeon_kd.methods import resolve_method
from aeon_kd.students import (
    ChannelStandardized,
    SeriesNormalized,
    build_student,
    count_parameters,
)
from aeon_kd.students._lite import NORMALIZATIONS
from aeon_kd.students._registry import check_student
from aeon_kd.teachers import (
    default_teacher,
    fit_domain_adversarial_teacher,
    resolve_teacher,
)
from aeon_kd.training import (
    StudentCollapseWarning,
    check_training_params,
)
from aeon_kd.transfer import check_augmentations, make_transfer_bank, resolve_transfer_size

#: stacklevel of warnings raised in _distil's helpers: the user's call to fit
#: (helper, _distil, DistilledClassifier.fit, its timer, the caller)
_USER_FRAME = 5
_DEFAULT_LR = 1e-2

__all__ = ["DistilledClassifier"]



class DistilledClassifier(TunableMethodMixin, BaseClassifier):
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
        - a name of :func:`aeon_kd.teachers.list_teachers` (``"quant"``, ``"lstm"``,
          ``"minirocket"``): that teacher, built unfitted and fitted inside ``fit``.
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

        For a cross-domain method (``"unikd"``) ``None`` trains a 64/128/128 CNN with
        DANN on the source and target series first
        (:func:`aeon_kd.teachers.fit_domain_adversarial_teacher`).
    method : str, Method or list, default="kd"
        Distillation method: a registry name (see :func:`aeon_kd.list_methods`), a
        method object such as ``HintonKD(temperature=2)``, or a sum/list of them.
    student : str, torch.nn.Module, callable or None, default=None
        Student network: a registry name (see :func:`aeon_kd.list_students`), a
        module (deep-copied for each fit) or a callable
        ``(n_channels, n_classes, **student_params) -> nn.Module``. ``None`` takes the
        method's default: ``"lite"`` (LITE-style CNN, 3,679 parameters at one channel and
        two classes) for most, ``"adatime_cnn"`` (16/32/32, the UNI-KD student) for
        ``"unikd"`` and ``"dann"``; ``"lstm"`` is the MemKD/TSD papers' 1 x 16 student.
    student_params : dict, default=None
        Keyword arguments of the student builder, e.g. ``{"hidden_size": 32}``.
    max_epochs : int or "auto", default="auto"
        Training epochs. ``"auto"`` gives the epochs that make about
        :data:`aeon_kd.training.AUTO_STEPS` optimisation steps over the labelled
        training series alone (at least 20 and at most 1,000 epochs): tiny training
        sets train for many epochs, large ones for few, and a transfer set adds its
        series to every epoch rather than taking passes away from the labelled ones.
    batch_size : int, default=32
        Mini-batch size.
    lr : float, default=1e-2
        Learning rate of the optimizer.
    validation_size : float or "auto", default="auto"
        Fraction of the labelled training series held out (stratified) for early
        stopping and ``valid_acc``. ``"auto"`` holds out none unless ``patience`` is set
        (then 0.2): on small training sets a labelled split costs more than it gives,
        and fidelity to the teacher is measured on held-out transfer series instead.
        A split that cannot be taken (a class with a single series, or fewer series
        than classes on either side) is skipped with a warning.
    patience : int or None, default=None
        Early stopping: epochs without improvement of the validation loss before
        stopping, the best weights restored. ``None`` trains every epoch and keeps the
        last weights (with the cosine schedule, they are the settled ones).
    lr_schedule : {None, "cosine", "plateau", "halving"}, default="cosine"
        Learning-rate schedule: cosine annealing to zero over ``max_epochs``, halving
        on a 5-epoch plateau of the monitored loss, or halving after every epoch from
        the third on; None keeps ``lr``.
    optimizer : str or type, default="adamw"
        ``"adam"``, ``"adamw"``, ``"sgd"``, ``"rmsprop"`` or a ``torch.optim.Optimizer``
        subclass.
    optimizer_params : dict, default=None
        Its keyword arguments besides ``lr`` (checked against the optimizer before any
        work); None gives ``{"weight_decay": 0.01}`` for AdamW and nothing for the others.
    normalize : {"channel", "series", None}, default="channel"
        Input scaling inside the student's graph (so ``predict``, TorchScript and ONNX
        apply it identically): ``"channel"`` standardises each channel with the
        training set's mean and standard deviation, keeping the levels and amplitudes
        that differ between series; ``"series"`` z-normalises each channel of each
        series (gain and offset invariant: on inner splits of the tuning problems the
        archive does not z-normalise it lost 0.10 accuracy on average, JapaneseVowels
        0.96 -> 0.78);
        None feeds the series as given.
    transfer_size : int, float or "auto", default="auto"
        Size of the transfer set: augmented training series (plus any
        ``X_unlabelled`` given to ``fit``) that the teacher labels once, before
        training, and on which the student matches the teacher (distillation terms
        only). An int is a count, a float a multiple of the training set, 0 disables
        it; ``"auto"`` is ``min(4000, n_train)``, one augmented series per training
        series. A tenth of it (50 to 500 series) more is held out to measure
        ``teacher_agreement_``. Used by
        methods that learn from a teacher and not from target-domain data. With a
        transfer set, ``kd`` distils there only and leaves the labelled series to
        their labels (``HintonKD(distil_labelled="auto")``; ``True`` distils both),
        so a classifier fitted inside ``fit`` is fitted once, without out-of-fold fits.
    augmentations : "auto" or list of str, default="auto"
        Augmentations that make the transfer set, one drawn per series: names of
        :data:`aeon_kd.transfer.AUGMENTATIONS` (``"mixup"``, ``"cutmix"``,
        ``"jitter"``, ``"scaling"``, ``"magnitude_warp"``, ``"time_warp"``,
        ``"window_slice"``); ``"auto"`` is
        :data:`aeon_kd.transfer.DEFAULT_AUGMENTATIONS`.
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes in the task loss on labelled series, as in
        scikit-learn: ``{label: weight}`` (unnamed classes weigh 1) or ``"balanced"``
        (``n_series / (n_classes * count)``), for imbalanced problems. The distillation
        terms are left unweighted: they follow the teacher.
    resample_length : int, default=None
        Resample every series to this length for the student (linear interpolation,
        aeon's ``Resizer``); the papers' protocol uses 100. Teachers see the series as
        given. With it set, ``predict`` takes series of any length too.
    random_state : int, RandomState or None, default=None
        Seeds the split, initialisation, shuffling and default teacher; the same value
        gives identical CPU predictions.
    device : str, default="cpu"
        Torch device for training and prediction, e.g. ``"cuda"``.
    verbose : bool, default=False
        Print the per-epoch table (with every loss term), plus a progress bar on a
        terminal or in a notebook (a widget with ipywidgets, text without); written
        to a file or a pipe, only the table's plain lines. Silent by default, as
        scikit-learn's estimators are (a grid search fits many).
    checkpoint_dir : str, os.PathLike or None, default=None
        Folder (created if missing) where the training state is saved after every
        epoch: student, optimizer, history, early-stopping state and random streams.
        A later ``fit`` with the same folder, data, teacher outputs and settings resumes
        after the last completed epoch and gives the same student as an uninterrupted
        fit; raising ``max_epochs`` continues a finished fit. A folder holding another
        fit's state is refused, never overwritten. The teacher is still resolved (and,
        if given unfitted, fitted) on each call: pass a fitted teacher to skip that.
    callbacks : list or None, default=None
        Extra skorch callbacks run while the student trains (callback objects or
        ``(name, callback)`` pairs), after the library's own (scoring, schedule, early
        stopping, progress). Copies are used, so the given objects are not changed.
        Students with recurrent layers (``"lstm"``, ``"gru"``) clip their gradient norm
        at 1.0 against exploding gradients on long series; a skorch
        ``GradientNormClipping`` among these callbacks replaces that bound.

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
        Top-1 agreement between teacher and student on held-out series (see
        ``fidelity_on_``); None without a teacher.
    teacher_kl_ : float or None
        Mean KL(teacher ‖ student) on the same series, in nats.
    fidelity_on_ : str or None
        Where the two were measured: ``"held-out transfer series"`` (never trained
        on), ``"validation split"``, or ``"training series"`` (in-sample, when neither
        exists); None without a teacher.
    n_transfer_ : int
        Transfer-set series the student trained on (0 when none was used).
    classes_ : np.ndarray
        Class labels.

    Notes
    -----
    A ``KeyboardInterrupt`` while the student trains stops training: after at least
    one completed epoch the estimator is fitted with the best weights of the completed
    epochs (a :class:`aeon_kd.training.TrainingInterruptedWarning` says so); before
    that, or while the teacher is fitted, the interrupt propagates and the estimator
    stays unfitted. A loss term that becomes NaN or infinite stops ``fit`` with
    :class:`aeon_kd.training.TrainingDivergedError`, naming the term and the epoch.

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
    3679
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
        student=None,
        student_params=None,
        max_epochs="auto",
        batch_size=32,
        lr=_DEFAULT_LR,
        validation_size="auto",
        patience=None,
        lr_schedule="cosine",
        optimizer="adamw",
        optimizer_params=None,
        normalize="channel",
        transfer_size="auto",
        augmentations="auto",
        class_weight=None,
        resample_length=None,
        random_state=None,
        device="cpu",
        verbose=False,
        checkpoint_dir=None,
        callbacks=None,
    ):
        store_parameters(self, locals())
        super().__init__()

    @method_timer("fit_time_millis_", overwrite=False, remove_on_start=True)
    def fit(self, X, y, teacher=UNSET, *, sample_domain=None, X_target=None,
            X_unlabelled=None):  # fmt: skip
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
        sample_domain : array-like of int, optional
            skada's convention for cross-domain data in one ``X``: a positive value
            marks a labelled source series, a negative value an unlabelled target
            series, whose label in ``y`` must be masked (-1, ``None`` or NaN). Only
            source series are classified (``classes_`` come from them); target series
            feed methods that use them (``"unikd"``, ``"dann"``).
        X_target : np.ndarray, optional
            Unlabelled target-domain series, the same number of channels and length as
            ``X`` (or any length with ``resample_length``); the alternative to
            ``sample_domain``. Methods that do not use target data warn and ignore it.
        X_unlabelled : np.ndarray, optional
            Unlabelled series from the problem's own domain (same channels and length
            as ``X``): the teacher labels them once and they join the transfer set,
            beside the augmented training series. Ignored with a warning by methods
            that learn from no teacher.

        Returns
        -------
        self : DistilledClassifier
        """
        if sample_domain is not None:
            if X_target is not None:
                raise ValueError(
                    "Give the target-domain series either as X_target= or inside X with "
                    "sample_domain=, not both."
                )
            X, y, X_target = split_domains(X, y, sample_domain)
        # aeon's fit, with the fit-time arguments passed on explicitly: X is checked in
        # _preprocess_collection, which fit, predict and fit_predict share
        X, y = self._fit_setup(X, y)
        self._distil(X, y, FitInputs(teacher, X_target, X_unlabelled))
        self.is_fitted = True
        return self

    # -- aeon hooks -----------------------------------------------------------------

    def _fit(self, X, y):
        # aeon's fit_predict and fit_predict_proba: the constructor's teacher
        return self._distil(X, y, FitInputs())

    def _distil(self, X, y, inputs):
        _check_finite(X, "X")
        self._check_params()
        seed = int(check_random_state(self.random_state).randint(0, 2**31 - 1))
        method = resolve_method(self.method, task="classification")
        y_index = np.searchsorted(self.classes_, y).astype(np.int64)
        class_weights = self._class_weights(y)  # checked before any teacher work
        X_student = self._student_input(X)
        X_target = self._target_input(inputs.X_target, X, method)
        X_unlabelled = self._unlabelled_input(inputs.X_unlabelled, X, method)
        train_index, valid_index = self._split(y_index, seed)
        # out-of-fold teacher fits only where the loss reads the training series' labels
        out_of_fold = method.teaches_labelled_series(
            self._has_transfer_set(method, len(train_index), X_unlabelled)
        )
        adapter = self._resolve_teacher(inputs.teacher_of(self), method, X, X_student, y,
                                        y_index, X_target, seed, out_of_fold)  # fmt: skip
        teacher_outputs, teacher_outputs_target, X_teacher = {}, {}, None
        if adapter is not None:  # teachers fitted here learnt on the student's input
            X_teacher = X_student if adapter.fitted_here else X
            teacher_outputs = adapter.outputs(X_teacher, method.teacher_signals)
            if X_target is not None:
                teacher_outputs_target = adapter.outputs(
                    X_target if adapter.fitted_here else self._as_collection(inputs.X_target),
                    method.teacher_signals,
                )
        transfer = self._transfer_set(
            adapter, method, X_teacher, train_index, X_unlabelled, seed
        )
        rows = _training_rows(X_student, X_teacher, y_index, train_index, valid_index,
                              teacher_outputs, transfer)  # fmt: skip
        # the budget counts passes over the labelled series: the transfer set adds
        # steps instead of taking them (a shared budget under-trained)
        config = training_config(self, seed, len(train_index), class_weights)
        net = distil(
            "classification", method, adapter, rows,
            build_student=partial(self._build_student, method, X_student[train_index]),
            n_outputs=self.n_classes_, config=config, seed=seed, X_target=X_target,
            teacher_outputs_target=teacher_outputs_target,
        )  # fmt: skip
        self.student_ = net.module_
        self.history_ = net.history
        self.n_student_params_ = count_parameters(self.student_)
        self.n_transfer_ = 0 if transfer is None else len(transfer["X_student"])
        self.teacher_ = None if adapter is None else adapter.estimator
        self._teacher_input_shape = None if X_teacher is None else tuple(X_teacher.shape[1:])
        self._teacher_on_student_input = adapter is not None and adapter.fitted_here
        self._warn_if_collapsed(X_student[train_index], y_index[train_index],
                                config.max_epochs)  # fmt: skip
        self._measure_fidelity(X_student, teacher_outputs.get("logits"), valid_index, transfer)
        return self

    def _has_transfer_set(self, method, n_train, X_unlabelled):
        """Whether :meth:`_transfer_set` will build one (decided before teacher work)."""
        if method.uses_target_data or not method.teacher_signals:
            return False
        n_user = 0 if X_unlabelled is None else len(X_unlabelled)
        return resolve_transfer_size(self.transfer_size, n_train) + n_user > 0

    def _resolve_teacher(self, teacher, method, X, X_student, y, y_index, X_target, seed,
                         out_of_fold=True):  # fmt: skip
        """The fit's teacher as an adapter (None when the method needs none)."""
        domain_teacher = teacher is None and method.uses_target_data and method.teacher_signals
        if domain_teacher:  # UNI-KD's default: a CNN adapted to the target with DANN
            teacher = fit_domain_adversarial_teacher(
                X_student, y_index, X_target, seed, device=self.device
            )
        return resolve_teacher(
            teacher, X=X, X_fit=X_student, y_labels=y, classes=self.classes_,
            needs=method.teacher_signals, method_name=method.name, seed=seed,
            default=partial(default_teacher, device=self.device),
            fitted_on_student_input=bool(domain_teacher), out_of_fold=out_of_fold,
        )  # fmt: skip

    def _build_student(self, method, X_train):
        """A fresh student with its input scaling (fitted on ``X_train``)."""
        student = build_student(
            method.default_student if self.student is None else self.student,
            self.student_params, X_train.shape[1], self.n_classes_, "classification",
        )  # fmt: skip
        if self.normalize == "series":
            return SeriesNormalized(student)
        if self.normalize == "channel":  # the labelled training series' statistics
            return ChannelStandardized.fitted_on(student, X_train)
        return student

    def _warn_if_collapsed(self, X_train, y_train, max_epochs):
        """Warn when the student ends no better than the majority class on its series.

        A finite but exploding loss (lr far too high) leaves one-hot probabilities of
        one class; the divergence check cannot see it, this can. ``max_epochs`` is the
        resolved budget: a fit that ended before it was stopped early.
        """
        counts = np.bincount(y_train, minlength=self.n_classes_)
        majority = counts.max() / len(y_train)
        if majority >= 1.0:
            return  # one class only: predicting it is right
        predicted = self._student_proba(X_train).argmax(axis=1)
        accuracy = float(np.mean(predicted == y_train))
        if accuracy > majority + 1e-9:
            return
        n_predicted = len(np.unique(predicted))
        losses = [epoch.get("train_loss") for epoch in self.history_]
        first, last = (losses[0], losses[-1]) if losses else (None, None)
        trend = "" if None in (first, last) else (
            f" (its training loss went from {first:.3g} to {last:.3g} in {len(losses)} "
            "epochs)"
        )
        if self.lr > _DEFAULT_LR:
            lr_advice = f"lr={self.lr!r} is above the default {_DEFAULT_LR}: lower it"
        else:
            lr_advice = f"lr={self.lr!r} may still be too high for this student: try a tenth"
        if self.patience is not None and len(self.history_) < max_epochs:
            # more epochs would not have run: early stopping ended the fit
            length_advice = (
                f"train longer: early stopping ended it after {len(self.history_)} of "
                f"{max_epochs} epochs (raise patience={self.patience!r}, or "
                "patience=None)"
            )
        else:
            length_advice = f"train longer (max_epochs={self.max_epochs!r})"
        fell = bool(trend) and last < 0.9 * first
        if fell and self.lr <= _DEFAULT_LR:  # it was learning, and stopped too soon
            advice = f"{length_advice.capitalize()}; otherwise {lr_advice}"
        else:  # a large step size, or a loss that did not fall
            advice = f"The learning rate is the first suspect: {lr_advice}; otherwise " \
                f"{length_advice}"
        warnings.warn(
            f"The student ended no better than predicting the majority class on its "
            f"{len(y_train)} training series (accuracy {accuracy:.3f}, majority share "
            f"{majority:.3f}; it predicts {n_predicted} of {self.n_classes_} classes): it "
            f"learnt nothing{trend}. {advice}, or check the series' scale.",
            StudentCollapseWarning,
            stacklevel=_USER_FRAME,
        )

    def _class_weights(self, y):
        """``class_weight`` as one weight per class of ``classes_``, or None."""
        if self.class_weight is None:
            return None
        if isinstance(self.class_weight, str) and self.class_weight == "balanced":
            weights = compute_class_weight("balanced", classes=self.classes_, y=y)
        elif isinstance(self.class_weight, dict):
            unknown = [k for k in self.class_weight if k not in set(self.classes_.tolist())]
            if unknown:
                raise ValueError(
                    f"class_weight names {unknown}, which are not classes of y "
                    f"({self.classes_.tolist()})."
                )
            weights = [float(self.class_weight.get(c, 1.0)) for c in self.classes_.tolist()]
        else:
            raise ValueError(
                "class_weight must be None, 'balanced' or a dict {label: weight}, got "
                f"{self.class_weight!r}."
            )
        weights = np.asarray(weights, dtype=np.float64)
        if not (np.all(np.isfinite(weights)) and np.all(weights >= 0) and weights.sum() > 0):
            raise ValueError(
                f"class_weight must give finite weights >= 0, not all 0; got {weights.tolist()}."
            )
        return weights.tolist()

    def _transfer_set(self, adapter, method, X_teacher, train_index, X_unlabelled, seed):
        """The transfer set, labelled by the teacher once; None when it is not used."""
        if adapter is None or method.uses_target_data:
            return None
        n_augmented = resolve_transfer_size(self.transfer_size, len(train_index))
        n_user = 0 if X_unlabelled is None else len(X_unlabelled)
        if n_augmented + n_user == 0:
            return None
        n_holdout = int(min(500, max(50, (n_augmented + n_user) // 10)))
        rng = np.random.default_rng(seed + 1)
        source = X_teacher[train_index]
        augmentations = check_augmentations(self.augmentations)
        parts = [make_transfer_bank(source, n_augmented + n_holdout, augmentations, rng)]
        if X_unlabelled is not None:  # as the teacher sees them
            parts.insert(0, X_unlabelled["student" if adapter.fitted_here else "raw"])
        bank_teacher = np.concatenate(parts).astype(np.float32, copy=False)
        check_allocation(
            bank_teacher.nbytes * 2,
            f"The transfer set ({len(bank_teacher)} series)",
            "Lower transfer_size, or pass fewer X_unlabelled series",
        )
        # logits always: they give the transfer rows a class and measure fidelity
        try:
            outputs = adapter.outputs_on_new(bank_teacher, method.teacher_signals | {"logits"})
        except ValueError as err:  # the adapter names the teacher; say where it happened
            raise ValueError(
                f"{err} This happened on the transfer set (augmented training series"
                f"{' and X_unlabelled' if n_user else ''}); transfer_size=0 and no "
                "X_unlabelled train without one."
            ) from err
        bank_student = self._student_input(bank_teacher)  # resampled where the student is
        keep = len(bank_teacher) - n_holdout  # the last series are held out
        return {
            "X_student": bank_student[:keep],
            "X_teacher": bank_teacher[:keep],
            "outputs": {k: v[:keep] for k, v in outputs.items()},
            "holdout_X": bank_student[keep:],
            "holdout_logits": outputs["logits"][keep:],
        }

    def _preprocess_collection(self, X, store_metadata=True, name="X"):
        # before aeon's checks, which fail inside numpy on empty input and word NaN,
        # infinite values and unequal lengths without naming the fix
        _check_collection(X, name)
        return super()._preprocess_collection(X, store_metadata=store_metadata)

    def _check_shape(self, X):
        # aeon's messages here are tuples; name what differs from fit and the fix
        if len(self.metadata_) and isinstance(X, np.ndarray) and X.ndim == 3:
            n_channels, length = self.metadata_["n_channels"], self.metadata_["n_timepoints"]
            if X.shape[1] != n_channels:
                raise ValueError(
                    f"X has {X.shape[1]} channel(s) but the classifier was fitted on "
                    f"{n_channels}: give series with the channels seen in fit, in the same "
                    "order (a 2D X is read as (n_cases, n_timepoints), one channel)."
                )
            if self.resample_length is not None:
                return  # any length: _student_input resizes it, as the ONNX file does
            if X.shape[2] != length:
                raise ValueError(
                    f"X series have length {X.shape[2]} but the classifier was fitted on "
                    f"length {length}: resize them first, e.g. aeon's "
                    f"Resizer(resized_length={length}) from "
                    "aeon.transformations.collection.unequal_length."
                )
        super()._check_shape(X)

    def _check_y(self, y, n_cases, update_classes=True, allow_single_class=False):
        return super()._check_y(
            _check_labels(y), n_cases, update_classes=update_classes,
            allow_single_class=allow_single_class,
        )

    def _predict_proba(self, X, log=False):
        _check_finite(X, "X")
        return self._student_proba(self._student_input(X), log=log)

    def _predict(self, X):
        return self.classes_[np.argmax(self._predict_proba(X), axis=1)]

    def predict_log_proba(self, X):
        """Log-probabilities of the classes, from the student's log-softmax.

        Computed in log space, so a class the student all but rules out gets a large
        negative number rather than ``log(0) = -inf``.

        Parameters
        ----------
        X : np.ndarray or list
            Series as in :meth:`predict_proba`.

        Returns
        -------
        np.ndarray of shape (n_cases, n_classes)
            Columns in ``classes_`` order; ``np.exp`` of it is :meth:`predict_proba`.

        Examples
        --------
        >>> import numpy as np
        >>> from aeon.datasets import load_italy_power_demand
        >>> from aeon_kd import DistilledClassifier
        >>> X, y = load_italy_power_demand(split="train")
        >>> clf = DistilledClassifier(method="none", max_epochs=10, random_state=0).fit(X, y)
        >>> log_p = clf.predict_log_proba(X[:3])
        >>> log_p.shape, bool(np.allclose(np.exp(log_p), clf.predict_proba(X[:3])))
        ((3, 2), True)
        """
        self._check_is_fitted()
        X = self._preprocess_collection(X, store_metadata=False)
        self._check_shape(X)
        return self._predict_proba(X, log=True)

    def score_teacher(self, X, y):
        """Accuracy of the fitted teacher on ``X``, the series as ``predict`` takes them.

        The teacher sees them as it learnt: resampled to ``resample_length`` when it
        was fitted inside ``fit``, as given otherwise. Compare with :meth:`score`.

        Parameters
        ----------
        X : np.ndarray
            Series as in :meth:`predict`.
        y : array-like
            Their labels.

        Returns
        -------
        float

        Raises
        ------
        ValueError
            If there is no teacher (``method="none"``) or it cannot ``predict``
            (a bare torch module: score its logits yourself).

        Examples
        --------
        >>> from aeon.datasets import load_italy_power_demand
        >>> from aeon_kd import DistilledClassifier
        >>> from aeon_kd.testing import CentroidTeacher
        >>> X, y = load_italy_power_demand(split="train")
        >>> clf = DistilledClassifier(max_epochs=10, random_state=0)
        >>> _ = clf.fit(X, y, teacher=CentroidTeacher())
        >>> 0.0 <= clf.score_teacher(X, y) <= 1.0
        True
        """
        from aeon_kd.teachers._adapters import estimator_input

        self._check_is_fitted()
        if self.teacher_ is None or not hasattr(self.teacher_, "predict"):
            raise ValueError(
                "score_teacher needs a fitted teacher with predict; this fit has "
                f"{'no teacher' if self.teacher_ is None else type(self.teacher_).__name__}."
            )
        X = self._preprocess_collection(X, store_metadata=False)
        self._check_shape(X)
        seen = self._student_input(X) if self._teacher_on_student_input else X
        predicted = self.teacher_.predict(estimator_input(self.teacher_, seen))
        return float(np.mean(np.asarray(predicted) == np.asarray(y)))

    # -- deployment -----------------------------------------------------------------

    def export(self, path, format="onnx", quantize=False):
        """Write the fitted student to a file that runs without Python or aeon-kd.

        The file maps float32 series ``(batch, n_channels, length)`` to class
        probabilities ``(batch, n_classes)``: resampling to ``resample_length`` (if set),
        the student and a softmax. The batch size is free, and so is the length where the
        student allows it (recurrent and convolutional students, or any student with
        ``resample_length``). The labels, input shape, method and student are stored in
        the file's metadata. The file is checked against :meth:`predict_proba` before
        it is kept; a failed export leaves nothing on disk.

        Parameters
        ----------
        path : str or os.PathLike
            File to write, in an existing folder.
        format : {"onnx", "torchscript"}, default="onnx"
            ONNX (opset 17; onnxruntime, edge runtimes; needs ``aeon-kd[onnx]``) or
            TorchScript (``torch.jit.load``, LibTorch).
        quantize : bool, default=False
            Dynamic int8 quantisation of the weights after training (onnxruntime's for
            ONNX, torch's for TorchScript): smaller, usually slightly less accurate;
            compare with :func:`aeon_kd.deploy.load_student` ``(path).score(X, y)``.
            Where the int8 file would be the larger (a student of a few thousand
            parameters), the float32 file is written and a warning says so.

        Returns
        -------
        pathlib.Path
            The written file; :func:`aeon_kd.deploy.load_student` loads it.

        Examples
        --------
        >>> import os, tempfile
        >>> from aeon.datasets import load_italy_power_demand
        >>> from aeon_kd import DistilledClassifier
        >>> from aeon_kd.deploy import load_student
        >>> X, y = load_italy_power_demand(split="train")
        >>> clf = DistilledClassifier(method="none", max_epochs=10, random_state=0).fit(X, y)
        >>> path = clf.export(os.path.join(tempfile.mkdtemp(), "student.onnx"))
        >>> load_student(path).metadata["classes"]
        ['1', '2']
        """
        from aeon_kd.deploy._export import (
            ClassifierGraph,
            _check_format,
            deployment_facts,
            export_student,
            labels_metadata,
        )

        _check_format(format)
        self._check_is_fitted()
        n_channels, length = self.metadata_["n_channels"], self.metadata_["n_timepoints"]
        example = np.random.default_rng(0).standard_normal((4, n_channels, length))
        metadata = {
            "task": "classification",
            "classes": labels_metadata(self.classes_),
            "output_name": "probabilities",
            "resample_length": self.resample_length,
            **deployment_facts(self),
        }
        return export_student(
            ClassifierGraph(self.student_, self.resample_length),
            path,
            format=format,
            example=example,
            metadata=metadata,
            dynamic_length=True,
            quantize=quantize,
        )

    def report(self, budget_s=0.5):
        """Size and speed of the teacher and the student, and how much was compressed.

        Parameters, bytes on disk (torch ``state_dict``, or the pickle of a black-box
        teacher), multiply-accumulates per series, and milliseconds per series at batch 1
        and 256 on this machine (median over repeated calls on random series of the
        training shape); the teacher's row is absent when there was none.

        Parameters
        ----------
        budget_s : float, default=0.5
            Seconds spent timing each model at each batch size (at least 3 calls).

        Returns
        -------
        aeon_kd.deploy.DistillationReport
            ``print()`` it for the table; ``to_dict()`` / ``to_frame()`` for the data.

        Examples
        --------
        >>> from aeon.datasets import load_italy_power_demand
        >>> from aeon_kd import DistilledClassifier
        >>> X, y = load_italy_power_demand(split="train")
        >>> clf = DistilledClassifier(method="none", max_epochs=10, random_state=0).fit(X, y)
        >>> report = clf.report(budget_s=0.05)
        >>> report.student["parameters"], report.student["macs_per_series"]
        (3679, 105216)
        """
        from aeon_kd.deploy._export import deployment_facts
        from aeon_kd.deploy._report import build_report

        self._check_is_fitted()
        n_channels, length = self.metadata_["n_channels"], self.metadata_["n_timepoints"]
        student_length = self.resample_length or length
        facts = deployment_facts(self)
        return build_report(
            self.student_,
            (n_channels, student_length),
            self.teacher_,
            self._teacher_input_shape,
            extra={
                "method": facts["method"],
                "student": facts["student"],
                "series": f"{n_channels} channel(s) x {length} time points",
            },
            budget_s=budget_s,
        )

    # -- helpers --------------------------------------------------------------------

    def _check_params(self):
        check_training_params(self)
        check_student(self.student, "classification")
        resolve_method(self.method).validate()  # a bad temperature, before any teacher
        if self.normalize not in NORMALIZATIONS:
            raise ValueError(
                "normalize must be 'series' (z-normalise each series inside the student), "
                "'channel' (standardise each channel with the training set's statistics) "
                f"or None, got {self.normalize!r}."
            )
        resolve_transfer_size(self.transfer_size, 1)
        check_augmentations(self.augmentations)
        if self.resample_length is not None and not (
            isinstance(self.resample_length, (int, np.integer)) and self.resample_length >= 2
        ):
            raise ValueError(
                f"resample_length must be None or an integer >= 2, got {self.resample_length!r}."
            )

    def _as_collection(self, X, name="X_target"):
        """A user's collection as aeon's numpy3D, checked like ``X`` in ``fit``."""
        X = self._preprocess_collection(X, store_metadata=False, name=name)
        _check_finite(X, name)
        return X

    def _target_input(self, X_target, X, method):
        """Check the target-domain series against ``X`` and ``method``; student input."""
        if X_target is None:
            if method.uses_target_data:
                raise ValueError(
                    f"Method {method.name!r} learns from unlabelled target-domain series: "
                    "pass them to fit as X_target=..., or inside X with sample_domain= "
                    "(negative for target series, labels masked as -1)."
                )
            return None
        if not method.uses_target_data:
            warnings.warn(
                f"Method {method.name!r} does not use target-domain data, so X_target "
                "(or the target rows of sample_domain) is ignored. Methods that use it: "
                f"{_target_methods()}.",
                UserWarning,
                stacklevel=_USER_FRAME,
            )
            return None
        if isinstance(X_target, np.ndarray) and X_target.ndim >= 2 and len(X_target) == 0:
            raise ValueError("X_target holds no series; give at least one target series.")
        X_target = self._as_collection(X_target)
        if X_target.shape[1] != X.shape[1]:
            raise ValueError(
                f"X_target has {X_target.shape[1]} channels but X has {X.shape[1]}: source "
                "and target series must have the same channels."
            )
        if X_target.shape[2] != X.shape[2] and self.resample_length is None:
            raise ValueError(
                f"X_target series have length {X_target.shape[2]} but X series have length "
                f"{X.shape[2]}. Resize one of them (aeon's Resizer) or set resample_length= "
                "so the student sees both at one length."
            )
        return self._student_input(X_target)

    def _unlabelled_input(self, X_unlabelled, X, method):
        """The user's unlabelled series checked against ``X``: raw and student views."""
        if X_unlabelled is None:
            return None
        if not method.teacher_signals or method.uses_target_data:
            warnings.warn(
                f"Method {method.name!r} learns from no teacher on the problem's own "
                "series, so X_unlabelled is ignored (it joins the transfer set of methods "
                "such as 'kd', 'dkd' or 'tsd').",
                UserWarning,
                stacklevel=_USER_FRAME,
            )
            return None
        raw = self._as_collection(X_unlabelled, "X_unlabelled")  # empty or non-finite: refused
        if raw.shape[1:] != X.shape[1:]:
            raise ValueError(
                f"X_unlabelled series have shape {raw.shape[1:]} (channels, length) but X "
                f"series have {X.shape[1:]}: give unlabelled series with the channels and "
                "length of X (aeon's Resizer resizes them)."
            )
        return {"raw": np.asarray(raw, dtype=np.float32), "student": self._student_input(raw)}

    def _student_input(self, X):
        if self.resample_length is not None and X.shape[2] != self.resample_length:
            from aeon.transformations.collection.unequal_length import Resizer

            X = Resizer(resized_length=int(self.resample_length)).fit_transform(X)
        return np.ascontiguousarray(X, dtype=np.float32)

    def _split(self, y_index, seed):
        """Stratified labelled validation split, or none (see ``validation_size``)."""
        rows = np.arange(len(y_index))
        size = self.validation_size
        if size == "auto":
            size = 0.0 if self.patience is None else 0.2
        if size == 0:
            return rows, rows[:0]
        n_valid = int(np.ceil(size * len(rows)))
        counts = np.bincount(y_index, minlength=self.n_classes_)
        if n_valid < self.n_classes_ or len(rows) - n_valid < self.n_classes_ or counts.min() < 2:
            warnings.warn(
                f"validation_size={self.validation_size!r} asks for a labelled validation "
                f"split of {n_valid} of {len(rows)} series, which cannot be stratified over "
                f"{self.n_classes_} classes (the smallest class has {counts.min()} "
                "series): training on every series without one, and the last weights are "
                "kept. Lower validation_size, or set it to 0 to silence this.",
                UserWarning,
                stacklevel=_USER_FRAME,
            )
            return rows, rows[:0]
        train, valid = train_test_split(
            rows, test_size=n_valid, stratify=y_index, random_state=seed
        )
        return np.sort(train), np.sort(valid)

    def _measure_fidelity(self, X_student, teacher_logits, valid_index, transfer):
        """``teacher_agreement_``/``teacher_kl_`` on the best held-out series there are."""
        self.fidelity_on_ = None
        self.teacher_agreement_ = self.teacher_kl_ = None
        if teacher_logits is None:
            return
        if transfer is not None:
            X_held, logits, where = (transfer["holdout_X"], transfer["holdout_logits"],
                                     "held-out transfer series")  # fmt: skip
        elif len(valid_index):
            X_held, logits, where = (X_student[valid_index], teacher_logits[valid_index],
                                     "validation split")  # fmt: skip
        else:
            X_held, logits, where = X_student, teacher_logits, "training series"
        self.teacher_agreement_, self.teacher_kl_ = _fidelity(
            self._student_proba(X_held), logits
        )
        self.fidelity_on_ = where

    def _student_proba(self, X_student, log=False):
        normalise = torch.log_softmax if log else torch.softmax
        proba = batched_outputs(self.student_, X_student, partial(normalise, dim=1))
        if not np.all(np.isfinite(proba)):
            raise ValueError(
                "The student's probabilities are not finite for X (values up to "
                f"{float(np.max(np.abs(X_student))):.3g} in magnitude): either the values "
                "overflow its float32 arithmetic, so rescale X in fit and predict alike "
                "(e.g. z-normalise each series with aeon's Normalizer from "
                "aeon.transformations.collection), or its weights are not finite and it "
                "must be refitted."
            )
        return proba

    @classmethod
    def _get_test_params(cls, parameter_set="default"):
        from aeon_kd.testing import CentroidTeacher

        # the default recipe and student, made tiny
        small = {"max_epochs": 2, "batch_size": 8, "student_params": {"filters": 2, "width": 4}}
        return [
            {"method": "none", "random_state": 0, **small},
            {"method": "kd", "teacher": CentroidTeacher(), "random_state": 0,
             "transfer_size": 10, **small},
        ]


def _target_methods():
    from aeon_kd.methods import list_methods

    return [name for name, info in list_methods().items() if info["target_data"]]


def _is_masked(label):
    if label is None:
        return True
    if isinstance(label, (float, np.floating)) and np.isnan(label):
        return True
    return (isinstance(label, (int, np.integer, float, np.floating)) and label == -1) or (
        isinstance(label, str) and label == "-1"
    )


def split_domains(X, y, sample_domain):
    """Split one collection with skada's ``sample_domain`` into source and target.

    Parameters
    ----------
    X : np.ndarray or list
        Every series, source and target.
    y : array-like
        Labels; those of target series must be masked (-1, ``"-1"``, ``None`` or NaN).
    sample_domain : array-like of int
        Positive for source series, negative for target series (0 is not allowed).

    Returns
    -------
    X_source, y_source, X_target

    Examples
    --------
    >>> import numpy as np
    >>> from aeon_kd.classification import split_domains
    >>> X = np.zeros((4, 1, 5))
    >>> Xs, ys, Xt = split_domains(X, [0, 1, -1, -1], [1, 1, -2, -2])
    >>> Xs.shape, ys.tolist(), Xt.shape
    ((2, 1, 5), [0, 1], (2, 1, 5))
    """
    domain = np.asarray(sample_domain)
    n_cases = len(X)
    if domain.ndim != 1 or len(domain) != n_cases:
        raise ValueError(
            f"sample_domain has shape {domain.shape} but X has {n_cases} series: give one "
            "domain per series (positive: source, negative: target)."
        )
    if not np.issubdtype(domain.dtype, np.integer) or np.any(domain == 0):
        raise ValueError(
            "sample_domain must hold non-zero integers (positive: labelled source series, "
            f"negative: unlabelled target series), got values {np.unique(domain)[:5]}."
        )
    y = np.asarray(y, dtype=object if not isinstance(y, np.ndarray) else None)
    if len(y) != n_cases:
        raise ValueError(f"y has {len(y)} labels but X has {n_cases} series.")
    source, target = domain > 0, domain < 0
    if not source.any():
        raise ValueError("sample_domain marks no source series (positive values); fit needs "
                         "labelled source series.")
    unmasked = [
        label.item() if isinstance(label, np.generic) else label
        for label in y[target]
        if not _is_masked(label)
    ]
    if unmasked:
        raise ValueError(
            f"{len(unmasked)} target series (negative sample_domain) carry labels, e.g. "
            f"{unmasked[:3]}: target labels must be masked as -1 (or None / NaN), as in "
            "skada. Unsupervised domain adaptation never reads target labels; mask them, "
            "or mark those series as source if they are meant to be labelled."
        )
    y_source = y[source]
    if y_source.dtype == object:
        y_source = np.array(list(y_source))
    if isinstance(X, np.ndarray):
        return X[source], y_source, X[target] if target.any() else None
    X = list(X)
    pick = np.flatnonzero
    return [X[i] for i in pick(source)], y_source, [X[i] for i in pick(target)] or None


def _check_collection(X, name):
    """Input that aeon or torch would reject obscurely, rejected with the fix."""
    if isinstance(X, list):
        if not X or any(np.shape(x)[-1:] == (0,) for x in X):
            raise ValueError(
                f"{name} is an empty list or holds a series with no time points: give at "
                "least one series with at least one time point."
            )
        if len({np.shape(x)[-1:] for x in X}) > 1:
            raise ValueError(
                f"{name} holds unequal-length series, which DistilledClassifier cannot take: "
                "resize them first, e.g. aeon's Resizer(resized_length=...) from "
                "aeon.transformations.collection.unequal_length, or pad them with Padder."
            )
        if all(isinstance(x, np.ndarray) and np.issubdtype(x.dtype, np.number) for x in X):
            _check_finite(np.concatenate([x.ravel() for x in X]), name)
    elif isinstance(X, np.ndarray) and np.issubdtype(X.dtype, np.number):
        if X.ndim >= 2 and (X.shape[0] == 0 or X.shape[-1] == 0):
            raise ValueError(
                f"{name} has shape {X.shape}: give at least one series with at least one "
                "time point."
            )
        _check_finite(X, name)


def _label_kind(label):
    if isinstance(label, (bool, np.bool_)):
        return "bool"
    if isinstance(label, str):
        return "str"
    if isinstance(label, numbers.Number):
        return "number"
    return type(label).__name__


def _check_labels(y):
    """Missing or mixed-type labels named; an object array of one kind made typed."""
    values = y.to_numpy() if isinstance(y, pd.Series) else y
    if not isinstance(values, np.ndarray) or values.ndim != 1:
        return y  # aeon names the accepted types and shapes
    if values.dtype.kind == "f" and np.isnan(values).any():
        missing = int(np.isnan(values).sum())
    elif values.dtype == object:
        missing = sum(
            v is None or (isinstance(v, (float, np.floating)) and np.isnan(v)) for v in values
        )
    else:
        return y
    if missing:
        raise ValueError(
            f"y holds {missing} missing labels (None or NaN): every series needs a label. "
            "Drop the unlabelled series, or pass unlabelled target-domain series to fit as "
            "X_target=."
        )
    kinds = {}
    for label in values:
        kinds.setdefault(_label_kind(label), label)
    if len(kinds) > 1:
        raise TypeError(
            f"y mixes label types ({', '.join(sorted(kinds))}), e.g. "
            f"{list(kinds.values())}: labels must all be strings or all numbers. Convert "
            "them to one type first, e.g. y.astype(str)."
        )
    if kinds.keys() in ({"bool"}, {"number"}):
        return np.array(values.tolist())  # aeon rejects object arrays of numbers
    return y


def _check_finite(X, name):
    check_finite(
        X, name,
        impute="Impute them first (e.g. aeon's SimpleImputer) or drop those series.",
        rescale=f"Rescale {name}, in fit and predict alike, e.g. z-normalise each series "
        "with aeon's Normalizer from aeon.transformations.collection.",
    )  # fmt: skip


def _fidelity(student_proba, teacher_logits):
    """Top-1 agreement and mean KL(teacher ‖ student) in nats."""
    student_p = np.clip(student_proba, 1e-12, None)
    t = np.asarray(teacher_logits, dtype=np.float64)
    teacher_p = np.exp(t - t.max(axis=1, keepdims=True))
    teacher_p /= teacher_p.sum(axis=1, keepdims=True)
    agreement = float(np.mean(student_p.argmax(1) == teacher_p.argmax(1)))
    kl = np.sum(teacher_p * (np.log(np.clip(teacher_p, 1e-12, None)) - np.log(student_p)), 1)
    return agreement, float(np.mean(kl))


def _training_rows(X_student, X_teacher, y_index, train_index, valid_index, teacher_outputs,
                   transfer):  # fmt: skip
    """Training series followed by the transfer set, with their teacher outputs.

    Transfer rows are unlabelled: their ``y`` is the teacher's top class (for methods
    that need a class, e.g. DKD's target logit) and ``labelled`` is False, so the task
    loss ignores them.
    """
    if transfer is None:
        return TrainingRows(X=X_student, y=y_index, train_index=np.asarray(train_index),
                            valid_index=valid_index, teacher_X=X_teacher,
                            teacher_outputs=teacher_outputs)  # fmt: skip
    n = len(X_student)
    bank = transfer["X_student"]
    outputs = transfer["outputs"]
    pseudo = np.asarray(outputs["logits"]).argmax(axis=1).astype(np.int64)
    return TrainingRows(
        X=np.concatenate([X_student, bank]),
        y=np.concatenate([y_index, pseudo]),
        train_index=np.concatenate([train_index, n + np.arange(len(bank))]),
        valid_index=valid_index,
        teacher_X=np.concatenate([X_teacher, transfer["X_teacher"]]),
        teacher_outputs={k: np.concatenate([v, outputs[k]]) for k, v in
                         teacher_outputs.items()},  # fmt: skip
        labelled=np.concatenate([np.ones(n, dtype=bool), np.zeros(len(bank), dtype=bool)]),
    )
