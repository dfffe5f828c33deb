"""Teacher adapters: what the user passed, as something that states what it can give.

Each adapter gives its signals in batches.

* :class:`TorchTeacher` wraps a torch ``nn.Module`` (or a fitted skorch net):
  white-box, it gives logits and, through the signal protocol of
  :mod:`aeon_kd.students`, per-step hidden states and pooled features.
* :class:`EstimatorTeacher` wraps a fitted aeon or scikit-learn classifier:
  black-box, it gives logits only (log-probabilities, or decision scores where the
  probabilities are one-hot and the estimator offers them), aligned to the student's
  ``classes_`` by label.

:func:`resolve_teacher` decides which adapter applies, fits an unfitted classifier
(out-of-fold soft labels for the training series) and trains the default teacher when
the user gave none.
"""

from __future__ import annotations

import warnings

import numpy as np
import torch
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import StratifiedKFold
from sklearn.utils.validation import check_is_fitted
from torch import nn

from aeon_kd._warnings import dependency_warnings_silenced
from aeon_kd.students._signals import available_signals, eval_mode, signals_of
from aeon_kd.teachers._default import (
    ConvTeacher,
    DomainAdversarialTeacher,
    RecurrentTeacher,
)

__all__ = [
    "Teacher",
    "TorchTeacher",
    "EstimatorTeacher",
    "resolve_teacher",
    "OneHotTeacherWarning",
]

#: rows handed to a teacher per call when outputs are computed
TEACHER_BATCH_SIZE = 1024
#: floor for probabilities before the log, so log(0) never enters a loss
_PROBA_FLOOR = 1e-7


def _teacher_name(estimator):
    return type(_unwrap(estimator)).__name__


def _check_teacher_values(values, who, signal):
    """Refuse NaN or infinite teacher outputs when they are computed, naming the teacher.

    Left in, they surfaced later as the student's distillation loss diverging, with
    advice about the student's learning rate.
    """
    finite = torch.isfinite(values) if isinstance(values, torch.Tensor) else np.isfinite(values)
    if bool(finite.all()):
        return
    n_bad = int((~finite).sum())
    raise ValueError(
        f"The teacher {who} returned {n_bad} NaN or infinite value(s) in its {signal} "
        "(a teacher must give finite outputs for every series): check it on a few of "
        "the series passed to fit (for a network: its weights and its input scale), "
        "or pass another teacher."
    )


def _fitted_shape(estimator):
    """``(channels, timepoints)`` an aeon estimator was fitted on, when it says."""
    meta = getattr(_unwrap(estimator), "metadata_", None)
    if isinstance(meta, dict) and {"n_channels", "n_timepoints"} <= set(meta):
        return int(meta["n_channels"]), int(meta["n_timepoints"])
    return None


def _teacher_failed(who, shape, err, fitted_on=None):
    """A teacher that cannot take the series: say so in the library's words."""
    if isinstance(err.args[0] if err.args else None, str) and len(err.args) > 1:
        err = "".join(str(a) for a in err.args)  # aeon words some errors as tuples
    err = str(err).rstrip(". ")
    expected = (
        f" It was fitted on series of {fitted_on[0]} channel(s) x {fitted_on[1]} "
        "timepoints." if fitted_on else ""
    )
    return ValueError(
        f"The teacher {who} failed on series of shape {tuple(shape)} (cases, channels, "
        f"timepoints): {err}.{expected} A teacher must take the series passed to fit: "
        "the same number of channels, and the same length unless it accepts any (give "
        "resample_length= to resize the series for both)."
    )


class OneHotTeacherWarning(UserWarning):
    """A teacher's training-set probabilities are one-hot: no dark knowledge.

    Raised by :class:`EstimatorTeacher` when a fitted classifier without
    ``decision_function`` is certain of every training series (a tree that fits
    its training set perfectly, for instance): its soft labels equal the hard
    labels. Pass such a classifier unfitted, so that out-of-fold probabilities are
    used, or silence the warning with :func:`warnings.filterwarnings`.

    Examples
    --------
    >>> import warnings
    >>> import numpy as np
    >>> from sklearn.tree import DecisionTreeClassifier
    >>> from aeon_kd.teachers import EstimatorTeacher, OneHotTeacherWarning
    >>> X = np.random.default_rng(0).normal(size=(6, 1, 4))
    >>> y = np.array([0, 1, 0, 1, 0, 1])
    >>> tree = DecisionTreeClassifier(random_state=0).fit(X.reshape(6, -1), y)
    >>> with warnings.catch_warnings(record=True) as caught:
    ...     warnings.simplefilter("always")
    ...     _ = EstimatorTeacher(tree, target_classes=[0, 1]).outputs(X, {"logits"})
    >>> [w.category is OneHotTeacherWarning for w in caught]
    [True]
    """


class Teacher:
    """What every adapter offers.

    Attributes
    ----------
    signals : frozenset of str
        Signals the teacher can give (``"logits"``, ``"hidden"``, ``"features"``).
    kind : str
        ``"white-box"`` or ``"black-box"``, for messages and reports.
    white_box : bool
        Whether the teacher is a torch network the trainer can run inside the epoch loop
        (methods that need gradients or fresh outputs through it); read this, not
        ``kind``.
    estimator : object
        The fitted teacher as the user knows it (module, net or classifier).
    fitted_here : bool
        The teacher was fitted inside ``fit``, on the student's (resampled) input.

    See Also
    --------
    TorchTeacher : A torch network as teacher (white-box).
    EstimatorTeacher : A fitted classifier as teacher (black-box).
    resolve_teacher : Pick the adapter for what the user passed.

    Examples
    --------
    An adapter that gives uniform logits (it knows nothing) for two classes:

    >>> import numpy as np
    >>> from aeon_kd.teachers import Teacher
    >>> class Uniform(Teacher):
    ...     signals = frozenset({"logits"})
    ...     def outputs(self, X, signals):
    ...         return {"logits": np.zeros((len(X), 2), dtype=np.float32)}
    >>> teacher = Uniform()
    >>> teacher.kind, teacher.white_box, sorted(teacher.signals)
    ('black-box', False, ['logits'])
    >>> teacher.outputs(np.zeros((5, 1, 8)), {"logits"})["logits"].shape
    (5, 2)
    """

    signals = frozenset()
    kind = "black-box"
    estimator = None
    module = None
    #: the teacher was fitted inside ``fit`` on the student's (resampled) input
    fitted_here = False

    @property
    def white_box(self):
        return self.kind == "white-box"

    def outputs(self, X, signals):
        """Compute ``signals`` for every row of ``X`` in batches.

        Parameters
        ----------
        X : np.ndarray of shape (n_cases, n_channels, n_timepoints)
            Series as the teacher sees them.
        signals : set of str
            Names among :attr:`signals`.

        Returns
        -------
        dict of str to np.ndarray
            One float32 array per signal, first axis aligned with ``X``.
        """
        raise NotImplementedError

    def outputs_on_new(self, X, signals):
        """Like :meth:`outputs`, for series the teacher has not been asked about yet.

        The transfer set's series: a black-box teacher fitted inside ``fit`` returns
        its out-of-fold logits from :meth:`outputs`; here it is called on ``X``.
        """
        return self.outputs(X, signals)

    def logits(self, X):
        """The teacher's logits for new series ``X`` (e.g. TSD's perturbed ones)."""
        return self.outputs_on_new(X, frozenset({"logits"}))["logits"]


def _label_list(labels):
    return [x.item() if isinstance(x, np.generic) else x for x in np.asarray(labels)]


def class_order(teacher_classes, classes, who):
    """Column indices that put a teacher's outputs in the order of ``classes``.

    Raises a ValueError naming the missing and extra labels when the sets differ.
    """
    teacher_labels, labels = _label_list(teacher_classes), _label_list(classes)
    missing = [c for c in labels if c not in teacher_labels]
    extra = [c for c in teacher_labels if c not in labels]
    if missing or extra:
        hint = ""
        if {str(c) for c in teacher_labels} == {str(c) for c in labels}:
            hint = (
                " The labels match as text but not as values: the teacher was fitted on "
                f"{type(teacher_labels[0]).__name__} labels, y has "
                f"{type(labels[0]).__name__} labels; convert one of them."
            )
        raise ValueError(
            f"The classes of {who} differ from those of y. Missing from the teacher: "
            f"{missing}; extra in the teacher: {extra}. Fit the teacher on the same label "
            f"set as y.{hint}"
        )
    return np.array([teacher_labels.index(c) for c in labels])


class TorchTeacher(Teacher):
    """A torch network as teacher (white-box).

    The network takes ``(batch, n_channels, n_timepoints)`` float32 input and returns
    logits ``(batch, n_classes)`` whose columns follow the sorted labels of ``y`` (or
    the order of ``classes`` when given, e.g. a skorch net's ``classes_``). Networks
    that implement ``forward_signals`` (all built-in ones do) also give per-step
    hidden states and pooled features; any other network gives them when wrapped in
    :class:`aeon_kd.students.SignalTap`, which reads named layers with forward hooks.

    The user's module is never changed: outputs are computed under ``no_grad`` in
    eval mode and the module's training flags are restored afterwards.

    Parameters
    ----------
    module : torch.nn.Module
        The trained teacher network; never changed.
    n_classes : int
        Number of classes of ``y``; the network's output width must equal it.
    classes : array-like, optional
        Labels of the network's output columns, when known.
    target_classes : array-like, optional
        The student's ``classes_``; outputs are reordered to match them.
    outputs_probabilities : bool, default=False
        The network ends in a softmax (skorch's default for ``NLLLoss``): its outputs are
        turned into log-probabilities.
    batch_size : int, default=256
        Rows per forward pass when outputs are cached.
    estimator : object, optional
        What to report as the teacher (e.g. the skorch net the module came from);
        defaults to ``module``.
    fitted_here : bool, default=False
        The teacher was fitted inside ``fit`` (on the student's input), so it is given
        the series as the student sees them.

    Examples
    --------
    >>> import numpy as np
    >>> import torch
    >>> from aeon_kd.teachers import TorchTeacher
    >>> _ = torch.manual_seed(0)
    >>> net = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(8, 3))
    >>> teacher = TorchTeacher(net, n_classes=3)
    >>> teacher.kind, sorted(teacher.signals)
    ('white-box', ['logits'])
    >>> X = np.zeros((4, 1, 8), dtype=np.float32)
    >>> teacher.outputs(X, {"logits"})["logits"].shape
    (4, 3)

    Columns are reordered when the network's labels differ from the student's:

    >>> teacher = TorchTeacher(net, 3, classes=["c", "a", "b"], target_classes=["a", "b", "c"])
    >>> teacher.order.tolist()
    [1, 2, 0]
    """

    kind = "white-box"

    def __init__(
        self,
        module,
        n_classes,
        classes=None,
        target_classes=None,
        outputs_probabilities=False,
        batch_size=256,
        estimator=None,
        fitted_here=False,
    ):
        self.module = module
        self.estimator = module if estimator is None else estimator
        self.fitted_here = fitted_here
        self.n_classes = n_classes
        self.outputs_probabilities = outputs_probabilities
        self.batch_size = batch_size
        self.order = None
        if classes is not None and target_classes is not None:
            self.order = class_order(classes, target_classes, "the torch teacher")
        self.signals = available_signals(module)

    @property
    def device(self):
        param = next(self.module.parameters(), None)
        return param.device if param is not None else torch.device("cpu")

    def _logits(self, raw):
        if self.outputs_probabilities:
            raw = torch.log(raw.clamp_min(_PROBA_FLOOR))
        if raw.ndim != 2 or raw.shape[1] != self.n_classes:
            raise ValueError(
                f"The torch teacher returned outputs of shape {tuple(raw.shape)}, but y has "
                f"{self.n_classes} classes: a teacher must map (batch, channels, timepoints) "
                f"to logits of shape (batch, {self.n_classes})."
            )
        return raw if self.order is None else raw[:, torch.as_tensor(self.order)]

    def forward(self, x, signals=frozenset({"logits"})):
        """Signals for one batch tensor, without gradients (used online by methods)."""
        with torch.no_grad(), eval_mode(self.module):
            x = x.to(self.device, dtype=torch.float32)
            try:
                if signals <= {"logits"}:
                    out = {"logits": self.module(x)}
                else:
                    out = signals_of(self.module, x, signals)
            except RuntimeError as err:  # e.g. "mat1 and mat2 shapes cannot be multiplied"
                raise _teacher_failed(_teacher_name(self.estimator), x.shape, err) from err
            out["logits"] = self._logits(out["logits"])
            for name in signals:
                _check_teacher_values(out[name], _teacher_name(self.estimator), name)
            return {k: out[k] for k in signals}

    def outputs(self, X, signals):
        from aeon_kd._memory import gather_in_batches

        def compute(start, stop):
            batch = torch.from_numpy(np.ascontiguousarray(X[start:stop]))
            out = self.forward(batch, frozenset(signals))
            return {name: value.float().cpu().numpy() for name, value in out.items()}

        return gather_in_batches(
            len(X), self.batch_size, compute,
            what=f"Caching the teacher's {', '.join(sorted(signals))} for every series",
            fix="Use fewer or shorter series (resample_length=...), a method that needs "
            "only logits, or a teacher with narrower hidden states",
        )  # fmt: skip


def _unwrap(estimator):
    """The model inside FrozenEstimator and similar scikit-learn wrappers.

    Stops at aeon estimators: their own ``estimator`` parameter (e.g. QUANT's trees) is
    a part of them, not a wrapper around them.
    """
    from aeon.base import BaseAeonEstimator

    while (
        getattr(estimator, "estimator", None) is not None
        and not hasattr(estimator, "steps")
        and not isinstance(estimator, BaseAeonEstimator)
    ):
        estimator = estimator.estimator
    return estimator


def seeded_clone(estimator, seed):
    """``clone(estimator)`` with every unset ``random_state`` (nested ones too) set to ``seed``.

    A teacher fitted inside ``fit`` then follows the estimator's ``random_state``, so
    the same seed gives the same teacher in every process; seeds the user set are kept.
    """
    fitted = clone(estimator)
    unset = {
        name: seed
        for name, value in fitted.get_params(deep=True).items()
        if (name == "random_state" or name.endswith("__random_state")) and value is None
    }
    return fitted.set_params(**unset) if unset else fitted


def _takes_3d(estimator):
    """Aeon estimators (and pipelines starting with one) take 3D collections."""
    from aeon.base import BaseAeonEstimator

    estimator = _unwrap(estimator)
    if hasattr(estimator, "steps"):
        estimator = _unwrap(estimator.steps[0][1])
    return isinstance(estimator, BaseAeonEstimator)


def estimator_input(estimator, X):
    """``X`` as the estimator expects it: 3D for aeon, flattened 2D for scikit-learn."""
    return X if _takes_3d(estimator) else X.reshape(len(X), -1)


def is_fitted(estimator):
    """Whether an aeon or scikit-learn estimator is fitted."""
    inner = _unwrap(estimator)
    if hasattr(inner, "is_fitted") and hasattr(inner, "get_tag"):  # aeon
        return bool(inner.is_fitted)
    try:
        check_is_fitted(estimator)
    except NotFittedError:
        return False
    except TypeError:  # not an estimator at all
        return False
    return True


def _is_one_hot(proba):
    return bool(np.all(proba.max(axis=1) >= 1.0 - 1e-6))


def _scores_to_logits(scores):
    scores = np.asarray(scores, dtype=np.float64)
    if scores.ndim == 1:  # binary decision function: score of the positive class
        scores = np.stack([-scores / 2, scores / 2], axis=1)
    return scores


def _proba_to_logits(proba):
    return np.log(np.clip(np.asarray(proba, dtype=np.float64), _PROBA_FLOOR, None))


class EstimatorTeacher(Teacher):
    """A fitted aeon or scikit-learn classifier as teacher (black-box).

    Its logits are log-probabilities; where its training-set probabilities are one-hot
    and it has ``decision_function``, the decision scores are used instead (ridge-based
    classifiers), and where it has neither a warning says it teaches nothing beyond the
    labels. Columns are aligned to the student's classes by label.

    Parameters
    ----------
    estimator : fitted classifier
        An aeon or scikit-learn classifier with ``predict_proba`` or
        ``decision_function``.
    target_classes : array-like
        The student's ``classes_``.
    training_logits : np.ndarray, optional
        Logits already known for the training series (out-of-fold predictions of a
        classifier fitted inside ``fit``), in the order of ``target_classes``.
    fitted_here : bool, default=False
        The teacher was fitted inside ``fit`` (on the student's input), so it is given
        the series as the student sees them.

    Examples
    --------
    >>> import numpy as np
    >>> from aeon_kd.teachers import EstimatorTeacher
    >>> from aeon_kd.testing import CentroidTeacher
    >>> X = np.array([[[0.0, 0.0]], [[0.1, 0.0]], [[1.0, 1.0]], [[0.9, 1.0]]])
    >>> classifier = CentroidTeacher(sharpness=5.0).fit(X, ["a", "a", "b", "b"])
    >>> teacher = EstimatorTeacher(classifier, target_classes=["b", "a"])
    >>> teacher.kind, sorted(teacher.signals)
    ('black-box', ['logits'])
    >>> logits = teacher.outputs(X, {"logits"})["logits"]
    >>> logits.shape, logits.argmax(axis=1).tolist()  # columns follow ["b", "a"]
    ((4, 2), [1, 1, 0, 0])
    """

    signals = frozenset({"logits"})

    def __init__(self, estimator, target_classes, training_logits=None, fitted_here=False):
        if not (hasattr(estimator, "predict_proba") or hasattr(estimator, "decision_function")):
            raise TypeError(
                f"The teacher {type(estimator).__name__} has neither predict_proba nor "
                "decision_function, so it cannot give logits. Use a probabilistic "
                "classifier, a torch network, or method='none'."
            )
        self.estimator = estimator
        self.fitted_here = fitted_here
        self.order = class_order(estimator.classes_, target_classes, "the teacher")
        if training_logits is not None:
            _check_teacher_values(
                training_logits, _teacher_name(estimator), "out-of-fold training logits"
            )
        self.training_logits = training_logits
        self.use_scores = not hasattr(estimator, "predict_proba")
        self.n_calls = 0

    def _raw(self, X):
        X = estimator_input(self.estimator, X)
        parts = []
        for start in range(0, len(X), TEACHER_BATCH_SIZE):
            chunk = X[start : start + TEACHER_BATCH_SIZE]
            self.n_calls += 1
            try:
                with dependency_warnings_silenced():
                    if self.use_scores:
                        raw = _scores_to_logits(self.estimator.decision_function(chunk))
                    else:
                        raw = _proba_to_logits(self.estimator.predict_proba(chunk))
            except (ValueError, TypeError, IndexError) as err:
                raise _teacher_failed(
                    _teacher_name(self.estimator), X.shape, err, _fitted_shape(self.estimator)
                ) from err
            parts.append(raw)
        logits = np.concatenate(parts)[:, self.order]
        what = "decision scores" if self.use_scores else "probabilities"
        _check_teacher_values(logits, _teacher_name(self.estimator), what)
        return logits

    def logits(self, X):
        """Logits for new series (batched calls to the estimator)."""
        return self._raw(X).astype(np.float32)

    def outputs_on_new(self, X, signals):
        """Logits of new series, one batched call per chunk (never the cached ones)."""
        return {"logits": self.logits(X)}

    def outputs(self, X, signals):
        if self.training_logits is not None:
            return {"logits": self.training_logits.astype(np.float32)}
        logits = self._raw(X)
        if _is_one_hot(np.exp(logits)):
            self._choose_scores_over_one_hot(X)
            if self.use_scores:
                logits = self._raw(X)
        return {"logits": logits.astype(np.float32)}

    def _choose_scores_over_one_hot(self, X):
        if hasattr(self.estimator, "decision_function"):
            self.use_scores = True
            return
        if self.fitted_here:  # it came unfitted, but out-of-fold labels were impossible
            advice = ("It was fitted inside fit, where out-of-fold probabilities need at "
                      "least two training series in some class; the student learns the "
                      "teacher's function on the transfer set (transfer_size, "
                      "X_unlabelled) instead.")  # fmt: skip
        else:
            advice = ("Pass the classifier unfitted so aeon-kd uses out-of-fold "
                      "probabilities, or wrap one fitted on other data in "
                      "FrozenEstimator.")  # fmt: skip
        warnings.warn(
            f"The teacher {type(_unwrap(self.estimator)).__name__} gives one-hot "
            "probabilities on the training series, which carry nothing beyond the labels "
            "(ridge-based classifiers such as the ROCKET family do this, and so do tree "
            "ensembles such as QUANT and any classifier that fits its training set "
            f"perfectly). {advice}",
            OneHotTeacherWarning,
            stacklevel=4,
        )


def _fit_with_oof_logits(estimator, X, y_labels, classes, seed):
    """Fit a clone of ``estimator`` on all rows and return out-of-fold logits.

    Soft labels come from out-of-fold predictions, since in-sample probabilities of a
    strong classifier are near one-hot.
    """
    with dependency_warnings_silenced():
        return _fit_and_predict_out_of_fold(estimator, X, y_labels, seed)


def _fit_once(estimator, X, y_labels, classes, seed):
    """Fit a clone on every row, with in-sample logits cached for the training series.

    For methods that never teach from them: they are not checked for one-hot
    probabilities (an in-sample QUANT is one-hot, and the warning would be noise).
    """
    fitted = seeded_clone(estimator, seed)
    with dependency_warnings_silenced():
        fitted.fit(estimator_input(fitted, X), np.asarray(y_labels))
    adapter = EstimatorTeacher(fitted, classes, fitted_here=True)
    adapter.training_logits = adapter.logits(X)
    return adapter


def _fit_and_predict_out_of_fold(estimator, X, y_labels, seed):
    fitted = seeded_clone(estimator, seed)
    X_in = estimator_input(fitted, X)
    y_labels = np.asarray(y_labels)
    classes, y_index, counts = np.unique(y_labels, return_inverse=True, return_counts=True)
    fitted.fit(X_in, y_labels)
    # five folds whenever one class can fill them: a rare class no longer cuts every
    # fold's training part to half the data (min(5, smallest class) did)
    n_splits = int(min(5, counts.max()))
    if n_splits < 2:
        warnings.warn(
            "Every class has a single training series, so out-of-fold teacher "
            "probabilities cannot be computed; the teacher's in-sample probabilities are "
            "used instead.",
            stacklevel=8,  # the user's call to fit (see classification._USER_FRAME)
        )
        return fitted, None
    method = "predict_proba" if hasattr(fitted, "predict_proba") else "decision_function"
    logits, unseen = _out_of_fold(estimator, X_in, y_labels, y_index, classes, seed,
                                  n_splits, method)  # fmt: skip
    one_hot = (~unseen).any() and _is_one_hot(np.exp(logits[~unseen]))
    if method == "predict_proba" and one_hot and hasattr(fitted, "decision_function"):
        method = "decision_function"
        logits, unseen = _out_of_fold(estimator, X_in, y_labels, y_index, classes, seed,
                                      n_splits, method)  # fmt: skip
    if unseen.any():
        # a series whose class is missing from its fold's training part cannot get an
        # out-of-fold prediction that knows its class: it gets the in-sample one
        raw = getattr(fitted, method)(X_in[unseen])
        logits[unseen] = _to_logits(raw, method, np.arange(len(classes)), len(classes))
        warnings.warn(
            f"{int(unseen.sum())} training series belong to classes with a single series "
            "(or too few for 5 folds), so their teacher probabilities are in-sample ones; "
            "every other series gets out-of-fold probabilities.",
            stacklevel=8,
        )
    return fitted, logits


def _to_logits(raw, method, columns, n_classes):
    """Logits over all classes from a model that knew only the classes ``columns``."""
    part = _proba_to_logits(raw) if method == "predict_proba" else _scores_to_logits(raw)
    if len(columns) == n_classes:
        return part
    # classes the model never saw: no probability (log of the floor), or a score below
    # every other for that series
    missing = _proba_to_logits(np.zeros((len(part), 1)))[:, 0] if method == "predict_proba" \
        else part.min(axis=1) - 1.0
    full = np.repeat(missing[:, None], n_classes, axis=1)
    full[:, columns] = part
    return full


def _out_of_fold(estimator, X_in, y_labels, y_index, classes, seed, n_splits, method):
    """Out-of-fold logits (columns in ``classes`` order) and the rows that needed them."""
    cv = StratifiedKFold(n_splits=n_splits, shuffle=True, random_state=seed)
    logits = np.zeros((len(y_labels), len(classes)))
    unseen = np.zeros(len(y_labels), dtype=bool)
    with warnings.catch_warnings():  # "the least populated class has only 1 member"
        warnings.filterwarnings("ignore", message=".*least populated class", category=UserWarning)
        folds = list(cv.split(X_in, y_index))
    for train, test in folds:
        model = seeded_clone(estimator, seed).fit(X_in[train], y_labels[train])
        columns = np.searchsorted(classes, np.asarray(model.classes_))
        raw = getattr(model, method)(X_in[test])
        logits[test] = _to_logits(raw, method, columns, len(classes))
        unseen[test] = ~np.isin(y_index[test], columns)
    return logits, unseen


def _is_estimator(obj):
    return hasattr(obj, "fit") and (
        hasattr(obj, "predict_proba") or hasattr(obj, "decision_function")
    )


_WHITE_BOX_ADVICE = (
    "Signals such as hidden states and features come from white-box teachers: a torch "
    "network following the forward_signals protocol (the built-in networks do), any "
    "torch network wrapped in aeon_kd.students.SignalTap (names its hidden and head "
    "layers), a skorch net wrapping one, an aeon_kd.teachers.RecurrentTeacher, or "
    "teacher=None (a 3 x 100 LSTM teacher is trained first). Black-box classifiers give "
    "logits only: use them with a logit method such as 'kd', 'dkd' or 'tsd'."
)


def require_signals(adapter, needs, method_name, advice=""):
    """The one check of a method's needs against what a teacher gives.

    Raises
    ------
    ValueError
        Naming the method, the missing signals, the teacher and ``advice``.

    Examples
    --------
    >>> from aeon_kd.teachers import Teacher
    >>> from aeon_kd.teachers._adapters import require_signals
    >>> class LogitsOnly(Teacher):
    ...     signals = frozenset({"logits"})
    >>> require_signals(LogitsOnly(), {"logits"}, "kd")
    >>> require_signals(LogitsOnly(), {"hidden"}, "memkd")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: Method 'memkd' needs ['hidden'] from the teacher, but a black-box ...
    """
    missing = set(needs) - set(adapter.signals)
    if missing:
        name = type(_unwrap(adapter.estimator)).__name__
        raise ValueError(
            f"Method {method_name!r} needs {sorted(missing)} from the teacher, but a "
            f"{adapter.kind} {name} teacher gives only {sorted(adapter.signals)}."
            + (f" {advice}" if advice else "")
        )


def resolve_teacher(teacher, *, X, X_fit, y_labels, classes, needs, method_name, seed, default,
                    fitted_on_student_input=False, out_of_fold=True):  # fmt: skip
    """Turn the user's ``teacher`` into an adapter.

    Parameters
    ----------
    teacher : None, str, torch module, skorch net, classifier or FrozenEstimator
        A string names a teacher of :func:`aeon_kd.teachers.list_teachers`, built
        unfitted and fitted here.
    X : np.ndarray
        Every series given to ``fit``, as a fitted teacher sees them.
    X_fit : np.ndarray
        The same series as the student sees them (resampled); teachers fitted here
        (unfitted or default ones) learn on these.
    y_labels : np.ndarray
        Their labels.
    classes : np.ndarray
        The student's ``classes_``.
    needs : frozenset of str
        Signals the method needs.
    method_name : str
        For error messages.
    seed : int
        Seeds the default teacher and the out-of-fold splits.
    default : callable
        ``default(needs, seed)`` builds the teacher used when ``teacher`` is None.
    fitted_on_student_input : bool, default=False
        The caller fitted ``teacher`` on the student's input (``X_fit``) itself, so the
        adapter is marked ``fitted_here`` like the teachers fitted here.
    out_of_fold : bool, default=True
        An unfitted classifier's outputs on the training series are predicted out of
        fold (five more fits). False, for methods that do not read them
        (:meth:`~aeon_kd.methods.Method.teaches_labelled_series`), fits it once and
        keeps its in-sample outputs there, which nothing should teach from.

    Returns
    -------
    adapter : Teacher or None
        None when the method needs nothing from a teacher.

    Raises
    ------
    TypeError
        If ``teacher`` is none of the accepted kinds.
    ValueError
        If the teacher cannot give the signals the method needs.

    Examples
    --------
    An unfitted classifier is fitted here, its soft labels for the training series
    predicted out of fold:

    >>> import numpy as np
    >>> from aeon_kd.teachers import default_teacher, resolve_teacher
    >>> from aeon_kd.testing import CentroidTeacher
    >>> X = np.random.default_rng(0).normal(size=(8, 1, 6)).astype("float32")
    >>> y = np.array([0, 1] * 4)
    >>> adapter = resolve_teacher(
    ...     CentroidTeacher(), X=X, X_fit=X, y_labels=y, classes=np.array([0, 1]),
    ...     needs=frozenset({"logits"}), method_name="kd", seed=0, default=default_teacher,
    ... )
    >>> type(adapter).__name__, adapter.kind, adapter.fitted_here
    ('EstimatorTeacher', 'black-box', True)
    >>> adapter.outputs(X, {"logits"})["logits"].shape
    (8, 2)

    A method that needs nothing from a teacher gets none:

    >>> resolve_teacher(
    ...     None, X=X, X_fit=X, y_labels=y, classes=np.array([0, 1]), needs=frozenset(),
    ...     method_name="none", seed=0, default=default_teacher,
    ... ) is None
    True
    """
    if not needs:
        return None
    if teacher is None:
        teacher = default(needs, seed)
    elif isinstance(teacher, str):  # a name of the teacher table, built unfitted
        from aeon_kd.teachers._default import build_teacher

        teacher = build_teacher(teacher, seed)
    n_classes = len(classes)
    if isinstance(teacher, nn.Module):
        adapter = TorchTeacher(teacher, n_classes, fitted_here=fitted_on_student_input)
    elif _is_skorch_net(teacher):
        adapter = _skorch_teacher(teacher, n_classes, classes)
    elif isinstance(_unwrap(teacher), (RecurrentTeacher, ConvTeacher, DomainAdversarialTeacher)):
        adapter = _network_teacher(teacher, X_fit, y_labels, n_classes, classes, seed)
    elif _is_estimator(teacher):
        if is_fitted(teacher):
            adapter = EstimatorTeacher(teacher, classes)
        elif type(teacher).__name__ == "FrozenEstimator":
            raise NotFittedError(
                "The teacher is a FrozenEstimator around an unfitted classifier. Fit the "
                "classifier before freezing it, or pass it unfitted without FrozenEstimator "
                "so it is fitted inside fit."
            )
        elif out_of_fold:
            fitted, logits = _fit_with_oof_logits(teacher, X_fit, y_labels, classes, seed)
            adapter = EstimatorTeacher(fitted, classes, training_logits=logits, fitted_here=True)
        else:
            adapter = _fit_once(teacher, X_fit, y_labels, classes, seed)
    else:
        raise TypeError(
            f"Cannot use a {type(teacher).__name__} as teacher. Pass a torch nn.Module, a "
            "fitted skorch net, an aeon or scikit-learn classifier with predict_proba "
            "(fitted, unfitted or in a FrozenEstimator), or None."
        )
    require_signals(adapter, needs, method_name, advice=_WHITE_BOX_ADVICE)
    return adapter


def _network_teacher(teacher, X_fit, y_labels, n_classes, classes, seed):
    """A network aeon-kd trains: white-box once fitted (here, on the student's input).

    A DomainAdversarialTeacher needs target series to fit, so it must come fitted.
    """
    inner = _unwrap(teacher)
    if not is_fitted(teacher):
        if isinstance(inner, DomainAdversarialTeacher):
            raise NotFittedError(
                "The DomainAdversarialTeacher is not fitted: fit(X, y, X_target=...) it "
                "first, or pass teacher=None to train one inside fit."
            )
        if type(teacher).__name__ == "FrozenEstimator":
            raise NotFittedError(
                f"The teacher is a FrozenEstimator around an unfitted {type(inner).__name__}. "
                "Fit it before freezing it, or pass it unfitted without FrozenEstimator."
            )
        teacher = seeded_clone(teacher, seed).fit(X_fit, y_labels)
        fitted_here, inner = True, teacher
    else:
        fitted_here = False
    return TorchTeacher(inner.module_, n_classes, classes=inner.classes_,
                        target_classes=classes, estimator=teacher,
                        fitted_here=fitted_here)  # fmt: skip


def _is_skorch_net(obj):
    try:
        from skorch import NeuralNet
    except ImportError:  # pragma: no cover - skorch is a dependency
        return False
    return isinstance(obj, NeuralNet)


def _skorch_teacher(net, n_classes, classes):
    if not getattr(net, "initialized_", False) or not hasattr(net, "module_"):
        raise NotFittedError(
            f"The skorch teacher {type(net).__name__} is not fitted. Call its fit (or "
            "initialize and load its weights) before passing it as teacher."
        )
    outputs_probabilities = isinstance(getattr(net, "criterion_", None), nn.NLLLoss)
    net_classes = getattr(net, "classes_", None)
    return TorchTeacher(
        net.module_,
        n_classes,
        classes=net_classes if net_classes is not None and len(net_classes) else None,
        target_classes=classes,
        outputs_probabilities=outputs_probabilities,
        estimator=net,
    )

