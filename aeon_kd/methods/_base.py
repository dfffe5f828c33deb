"""The method contract, composition of methods and the method registry.

A *method* owns the loss math of one distillation idea. It says which signals it
needs from the teacher (``teacher_signals``) and from the student
(``student_signals``), may precompute per-sample arrays once before training
(:meth:`Method.prepare`), may own trainable auxiliary modules (projectors,
discriminators) that train with the student and are dropped afterwards, and turns
one batch into named loss terms (:meth:`Method.loss_terms`). The training loop adds
the task loss (cross-entropy or MSE, weighted by ``task_weight``) and logs every
term per epoch.

Methods are scikit-learn estimators as far as parameters go (``get_params`` /
``set_params``), so ``GridSearchCV(param_grid={"method__temperature": [2, 4]})``
works on a distilled estimator, and they add up: ``TSD() + HintonKD()``.
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field

import numpy as np
import torch
from sklearn.base import BaseEstimator, clone

__all__ = [
    "Method",
    "MethodSum",
    "FitContext",
    "DistillationBatch",
    "TrainingProgress",
    "list_methods",
    "register_method",
    "resolve_method",
]


@dataclass
class FitContext:
    """What a method may look at before training starts.

    Attributes
    ----------
    X : np.ndarray
        Student input for every series given to ``fit`` (train and validation),
        ``(n_cases, n_channels, n_timepoints)``, float32.
    y : np.ndarray
        Targets: class indices for classification.
    train_index : np.ndarray
        Rows of ``X`` in the training split (the rest is the validation split).
        Methods that borrow from other series (donors) must stay inside it.
    n_outputs : int
        Number of classes (classification) or forecast values.
    teacher : object or None
        The teacher adapter (see :mod:`aeon_kd.teachers`).
    teacher_outputs : dict
        Cached teacher signals for every row of ``X``.
    rng : np.random.Generator
        Seeded generator for anything drawn up front.
    teacher_X : np.ndarray or None
        Every series as the teacher sees them (the rows of ``X``): the original series
        when the student's input is resampled and the teacher was not fitted inside
        ``fit``, else ``X`` itself. Methods that query a teacher on new series built
        from ``X`` check that the two agree.
    student : torch.nn.Module or None
        The freshly built student, set before :meth:`Method.auxiliary_modules` is
        called (e.g. to read its hidden width for a projector); None in ``prepare``.
    X_target : np.ndarray or None
        Unlabelled target-domain series as the student sees them, for methods with
        ``uses_target_data``.
    teacher_outputs_target : dict
        The teacher's cached signals on ``X_target``.

    Examples
    --------
    The trainer builds the context; a method reads it in :meth:`Method.prepare`:

    >>> import numpy as np
    >>> from aeon_kd.methods import FitContext
    >>> X = np.zeros((6, 1, 12), dtype=np.float32)
    >>> context = FitContext(
    ...     X=X, y=np.array([0, 1, 0, 1, 0, 1]), train_index=np.arange(4), n_outputs=2
    ... )
    >>> context.X.shape, context.n_outputs, context.teacher_outputs
    ((6, 1, 12), 2, {})
    """

    X: np.ndarray
    y: np.ndarray
    train_index: np.ndarray
    n_outputs: int
    teacher: object = None
    teacher_outputs: dict = field(default_factory=dict)
    rng: np.random.Generator = field(default_factory=np.random.default_rng)
    teacher_X: np.ndarray = None
    student: object = None
    #: unlabelled target-domain series as the student sees them (methods with
    #: ``uses_target_data``), and the teacher's cached signals on them
    X_target: np.ndarray = None
    teacher_outputs_target: dict = field(default_factory=dict)


@dataclass
class TrainingProgress:
    """Where training stands, for methods whose weights follow a schedule.

    Attributes
    ----------
    epoch : int
        Current epoch, counted from 1.
    max_epochs : int
        Epochs the run may last (early stopping can end it sooner).
    step : int
        Training batch within the epoch, counted from 0.
    steps_per_epoch : int
        Training batches per epoch.

    Examples
    --------
    >>> from aeon_kd.methods import TrainingProgress
    >>> progress = TrainingProgress(epoch=2, max_epochs=4, step=1, steps_per_epoch=2)
    >>> progress.fraction  # 3 of 8 steps done
    0.375
    """

    epoch: int = 1
    max_epochs: int = 1
    step: int = 0
    steps_per_epoch: int = 1

    @property
    def fraction(self):
        """Share of all training steps done before this one, in [0, 1)."""
        done = (self.epoch - 1) * self.steps_per_epoch + self.step
        return done / max(1, self.max_epochs * self.steps_per_epoch)


@dataclass
class DistillationBatch:
    """One mini-batch as a method sees it.

    Attributes
    ----------
    student : dict of str to Tensor
        Student signals on the batch (always ``"logits"``; ``"hidden"`` and
        ``"features"`` when the method asked for them).
    teacher : dict of str to Tensor
        Cached teacher signals of the same rows.
    y : Tensor
        Targets of the batch.
    extras : dict of str to Tensor
        Other cached per-row arrays: ``"index"`` (row in ``FitContext.X``) and
        whatever the method's :meth:`Method.prepare` returned.
    modules : torch.nn.ModuleDict
        The method's auxiliary modules.
    student_module : torch.nn.Module
        The student, for methods that must run it on new inputs.
    training : bool
        True during training steps, False on the validation split.
    task : str
        ``"classification"`` or ``"forecasting"``.
    online_teacher : aeon_kd.teachers.TorchTeacher or None
        The white-box teacher's adapter, for methods that query it on new inputs
        during training: ``online_teacher.forward(x, signals)`` runs it without
        gradients in eval mode, outputs aligned to the student's classes. None for
        black-box teachers, which are never called inside the epoch loop.
    inputs : Tensor or None
        The student's input of the batch, ``(batch, n_channels, n_timepoints)``, for
        methods that build new inputs from it (perturbations).
    target : dict or None
        For methods with ``uses_target_data``, during training only: an unlabelled
        target-domain batch of the same size, drawn by the trainer, with
        ``"inputs"`` (the series), ``"student"`` (the student's signals on them, with
        gradients) and ``"teacher"`` (the teacher's cached signals on them).
    progress : TrainingProgress or None
        Epoch and step, for schedules; None outside training.

    Examples
    --------
    The trainer builds one batch per step; a method turns it into loss terms:

    >>> import torch
    >>> from aeon_kd.methods import DistillationBatch, HintonKD
    >>> logits = torch.tensor([[2.0, 0.0], [0.0, 1.0]])
    >>> batch = DistillationBatch(
    ...     student={"logits": logits},
    ...     teacher={"logits": logits.clone()},
    ...     y=torch.tensor([0, 1]),
    ...     extras={"index": torch.tensor([0, 1])},
    ...     modules=torch.nn.ModuleDict(),
    ...     student_module=torch.nn.Identity(),
    ... )
    >>> terms = HintonKD().loss_terms(batch)
    >>> sorted(terms), float(terms["kd"])  # the student already matches the teacher
    (['kd'], 0.0)
    """

    student: dict
    teacher: dict
    y: torch.Tensor
    extras: dict
    modules: torch.nn.ModuleDict
    student_module: torch.nn.Module
    training: bool = True
    task: str = "classification"
    online_teacher: object = None
    inputs: torch.Tensor = None
    target: dict = None
    progress: TrainingProgress = None


def _is_number(value, rule):
    return (
        isinstance(value, numbers.Real) and not isinstance(value, bool)
        and math.isfinite(value) and rule(value)
    )  # fmt: skip


class Method(BaseEstimator):
    """Base class of distillation methods.

    Subclasses set the class attributes ``name``, ``teacher_signals``,
    ``student_signals``, ``tasks`` and ``reference``, take their hyper-parameters
    (including ``task_weight``) as keyword arguments of ``__init__`` stored
    unchanged (the scikit-learn rule), and implement :meth:`loss_terms`.

    Parameters
    ----------
    task_weight : float, default=1.0
        Weight of the task loss (cross-entropy or MSE); every subclass takes it.

    See Also
    --------
    register_method : Add a subclass to the registry, so it is usable by name.
    aeon_kd.testing.check_method : Test a new method against the contract.

    Examples
    --------
    A method that pulls the student's logits towards the teacher's by mean squared
    error:

    >>> import torch
    >>> from aeon_kd.methods import DistillationBatch, Method
    >>> class LogitMSE(Method):
    ...     name = "logit_mse"
    ...     teacher_signals = frozenset({"logits"})
    ...     def __init__(self, weight=1.0, task_weight=1.0):
    ...         self.weight = weight
    ...         self.task_weight = task_weight
    ...     def loss_terms(self, batch):
    ...         gap = batch.student["logits"] - batch.teacher["logits"]
    ...         return {"logit_mse": self.weight * gap.pow(2).mean()}
    >>> method = LogitMSE(weight=0.5)
    >>> method.get_params()
    {'task_weight': 1.0, 'weight': 0.5}
    >>> batch = DistillationBatch(
    ...     student={"logits": torch.ones(2, 3)}, teacher={"logits": torch.zeros(2, 3)},
    ...     y=torch.tensor([0, 1]), extras={}, modules=torch.nn.ModuleDict(),
    ...     student_module=torch.nn.Identity(),
    ... )
    >>> method.loss_terms(batch)
    {'logit_mse': tensor(0.5000)}
    >>> method.term_names()
    ('logit_mse',)
    """

    #: registry name and name of the loss term the method logs
    name = "method"
    #: signals the teacher must provide, e.g. ``{"logits"}`` or ``{"hidden"}``
    teacher_signals = frozenset()
    #: signals used when the teacher can give them (e.g. TimeDistill's features, which a
    #: black-box teacher lacks); cached beside the required ones
    optional_teacher_signals = frozenset()
    #: signals the student must provide on each batch
    student_signals = frozenset({"logits"})
    #: tasks the method applies to: "classification", "forecasting"
    tasks = frozenset({"classification"})
    #: the paper to cite
    reference = ""
    #: the method learns from unlabelled target-domain series (``X_target`` or
    #: ``sample_domain`` in ``fit``) and cannot train without them
    uses_target_data = False
    #: the student built when the estimator's ``student`` is None
    default_student = "lite"
    #: loss term -> the parameter that weighs it. A method that declares its weights
    #: returns unweighted terms from :meth:`raw_terms` and the weights are applied in
    #: one place (:func:`weighted_terms`); terms without an entry count once
    term_weights = {}

    def term_names(self):
        """Names of the loss terms :meth:`loss_terms` returns (logged in ``history_``)."""
        return (self.name,)

    def teaches_labelled_series(self, has_transfer_set):
        """Whether the loss reads the teacher's outputs on the labelled training series.

        A classifier fitted inside ``fit`` gets out-of-fold probabilities on the training
        series (five more fits) only when this is True; when it is False it is fitted
        once, on every training series, and teaches on the transfer set. The base says
        True: a method that reads those outputs only on transfer-set rows overrides it.

        Parameters
        ----------
        has_transfer_set : bool
            Whether the fit has a transfer set (``transfer_size`` or ``X_unlabelled``).

        Examples
        --------
        >>> from aeon_kd.methods import DKD, HintonKD
        >>> DKD().teaches_labelled_series(has_transfer_set=True)
        True
        >>> HintonKD().teaches_labelled_series(True), HintonKD().teaches_labelled_series(False)
        (False, True)
        """
        return True

    def validate(self):
        """Check the hyper-parameters; the estimators call it before any teacher work.

        The base checks what most methods share: a ``temperature`` must be > 0 and
        every parameter named ``weight``, ``*_weight``, ``alpha``, ``beta`` or ``gamma``
        a finite number >= 0. Subclasses with more rules extend it.

        Raises
        ------
        ValueError
            Naming the parameter, its value and the method.

        Examples
        --------
        >>> from aeon_kd.methods import HintonKD
        >>> HintonKD(temperature=0).validate()
        Traceback (most recent call last):
        ...
        ValueError: HintonKD: temperature must be > 0, got 0.
        """
        for name, value in self.get_params(deep=False).items():
            is_weight = name in ("weight", "alpha", "beta", "gamma") or name.endswith("_weight")
            if name == "temperature" and not _is_number(value, lambda v: v > 0):
                raise ValueError(f"{type(self).__name__}: temperature must be > 0, got {value!r}.")
            if is_weight and not _is_number(value, lambda v: v >= 0):
                raise ValueError(
                    f"{type(self).__name__}: {name} must be a finite number >= 0, got {value!r}."
                )

    def prepare(self, context):
        """Precompute per-row arrays once, before training.

        Parameters
        ----------
        context : FitContext

        Returns
        -------
        dict of str to np.ndarray
            Arrays whose first axis matches ``context.X``; they travel with the batch
            in ``DistillationBatch.extras``.
        """
        return {}

    def auxiliary_modules(self, context):
        """Trainable helper modules (projectors, discriminators) for this fit.

        Parameters
        ----------
        context : FitContext

        Returns
        -------
        dict of str to torch.nn.Module
        """
        return {}

    def raw_terms(self, batch):
        """Unweighted loss terms for one batch (methods that declare term_weights).

        Parameters
        ----------
        batch : DistillationBatch

        Returns
        -------
        dict of str to Tensor
            Scalar tensors keyed by :meth:`term_names`.
        """
        raise NotImplementedError(
            f"{type(self).__name__} implements neither loss_terms nor raw_terms."
        )

    def weights(self):
        """``{term: weight}`` of the terms :attr:`term_weights` names, read now."""
        return {term: getattr(self, param) for term, param in self.term_weights.items()}

    def loss_terms(self, batch):
        """Weighted loss terms for one batch.

        Methods either implement this (and weigh their own terms) or implement
        :meth:`raw_terms` and declare :attr:`term_weights`, so the weights are applied
        by :func:`weighted_terms`.

        Parameters
        ----------
        batch : DistillationBatch

        Returns
        -------
        dict of str to Tensor
            Scalar tensors keyed by :meth:`term_names`; the training loss is the task
            loss times ``task_weight`` plus their sum (:func:`total_loss`).
        """
        return weighted_terms(self, batch)

    def loss_formula(self):
        """The training loss this method trains with, as text.

        Examples
        --------
        >>> from aeon_kd.methods import HintonKD, TSD
        >>> HintonKD(weight=0.5).loss_formula()
        '1.0·task + 0.5·kd'
        >>> (TSD() + HintonKD()).loss_formula()
        '1.0·task + 1.0·tsd + 1.0·kd'
        """
        weights = self.weights()
        parts = [f"{task_weight_of(self)}·task"]
        parts += [f"{weights[t]}·{t}" if t in weights else t for t in self.term_names()]
        return " + ".join(parts)

    def training_state(self):
        """What a resumed fit needs of the method (random streams drawn during training).

        Saved in every checkpoint and given back to :meth:`load_training_state` on
        resume, after :meth:`prepare`. The default covers a torch generator kept as
        ``self._generator`` (MemKD's spans, TSD's windows).
        """
        generator = getattr(self, "_generator", None)
        return {} if generator is None else {"generator": generator.get_state()}

    def load_training_state(self, state):
        """Restore what :meth:`training_state` saved."""
        if "generator" in state:
            self._generator.set_state(state["generator"])

    def __add__(self, other):
        return MethodSum.of(self, other)

    def __radd__(self, other):
        if other == 0:  # lets sum([m1, m2]) work
            return self
        return MethodSum.of(other, self)


def weighted_terms(method, batch):
    """The method's loss terms of one batch with their weights applied.

    The one place where declared weights (:attr:`Method.term_weights`) meet the
    terms; a method that implements :meth:`Method.loss_terms` itself weighs its own.
    """
    if type(method).raw_terms is Method.raw_terms:  # weighs its own terms
        return dict(method.loss_terms(batch))
    weights = method.weights()
    return {term: weights[term] * value if term in weights else value
            for term, value in method.raw_terms(batch).items()}  # fmt: skip


def task_weight_of(method):
    """The weight of the task loss a method trains with."""
    return method.task_weight_value() if isinstance(method, MethodSum) else (
        getattr(method, "task_weight", 1.0))  # fmt: skip


def total_loss(method, task_loss, terms):
    """``task_weight · task + Σ terms``: the training loss of one batch."""
    loss = task_weight_of(method) * task_loss
    for value in terms.values():
        loss = loss + value
    return loss


class MethodSum(Method):
    """Several methods trained together: the task loss plus every member's terms.

    Usually built with ``+``: ``TSD(weight=1.0) + HintonKD(temperature=4)``. Members
    are named by their registry name (``"tsd"``, ``"kd"``), so their parameters are
    reachable as ``method__kd__temperature`` in a grid search. The task loss counts
    once, with the sum's ``task_weight``; left None, the members' own, which must then
    agree.

    Parameters
    ----------
    methods : list of (str, Method)
        Named members.
    task_weight : float or None, default=None
        Weight of the task loss; None: the members' common ``task_weight``.

    Examples
    --------
    >>> from aeon_kd.methods import HintonKD, NoKD
    >>> both = HintonKD(temperature=2.0) + NoKD()
    >>> both.get_params()["kd__temperature"]
    2.0
    """

    name = "sum"

    def __init__(self, methods, task_weight=None):
        self.methods = methods
        self.task_weight = task_weight

    def task_weight_value(self):
        """The sum's ``task_weight``, or the members' common one."""
        if self.task_weight is not None:
            return self.task_weight
        given = {name: getattr(m, "task_weight", 1.0) for name, m in self.methods}
        if len(set(given.values())) > 1:
            listed = ", ".join(f"{name}={value}" for name, value in given.items())
            raise ValueError(
                f"The members of this MethodSum have different task_weight values "
                f"({listed}); the task loss counts once, so set "
                "MethodSum(task_weight=...) (method__task_weight=... in an estimator)."
            )
        return next(iter(given.values()))

    @classmethod
    def of(cls, *parts):
        """Flatten ``parts`` (methods, sums or registry names) into one sum."""
        members = []
        for part in parts:
            part = resolve_method(part)
            if isinstance(part, MethodSum):
                members.extend(part.methods)
            else:
                members.append((part.name, part))
        names = [n for n, _ in members]
        for i, (n, m) in enumerate(members):
            if names.count(n) > 1:  # the same method twice: number its copies
                members[i] = (f"{n}{names[: i + 1].count(n)}", m)
        return cls(members)

    # get_params/set_params expose members as "<name>__<param>", like sklearn Pipeline
    def get_params(self, deep=True):
        params = {"methods": self.methods, "task_weight": self.task_weight}
        if deep:
            for name, member in self.methods:
                params[name] = member
                for key, value in member.get_params(deep=True).items():
                    params[f"{name}__{key}"] = value
        return params

    def set_params(self, **params):
        own = {k: params.pop(k) for k in ("methods", "task_weight") if k in params}
        for key, value in own.items():
            setattr(self, key, value)
        members = dict(self.methods)
        for key, value in params.items():
            name, _, sub = key.partition("__")
            if name not in members:
                raise ValueError(
                    f"Invalid parameter {key!r} for MethodSum; members are {list(members)}."
                )
            if sub:
                members[name].set_params(**{sub: value})
            else:
                self.methods = [(n, value if n == name else m) for n, m in self.methods]
        return self

    def __sklearn_clone__(self):
        return MethodSum([(n, clone(m)) for n, m in self.methods], self.task_weight)

    @property
    def teacher_signals(self):
        return frozenset().union(*(m.teacher_signals for _, m in self.methods))

    @property
    def optional_teacher_signals(self):
        return frozenset().union(
            *(getattr(m, "optional_teacher_signals", frozenset()) for _, m in self.methods)
        )

    @property
    def student_signals(self):
        return frozenset().union(*(m.student_signals for _, m in self.methods))

    @property
    def uses_target_data(self):
        return any(m.uses_target_data for _, m in self.methods)

    def teaches_labelled_series(self, has_transfer_set):
        return any(m.teaches_labelled_series(has_transfer_set) for _, m in self.methods)

    @property
    def default_student(self):
        return self.methods[0][1].default_student

    @property
    def tasks(self):
        return frozenset.intersection(*(frozenset(m.tasks) for _, m in self.methods))

    def term_names(self):
        return tuple(f"{n}_{t}" if t != n else n for n, m in self.methods for t in m.term_names())

    def validate(self):
        """Check the sum's own weight and every member's parameters."""
        if self.task_weight is not None:
            super().validate()
        for _, member in self.methods:
            member.validate()
        self.task_weight_value()  # the members agree, or the sum says which weight

    def weights(self):
        return {
            f"{n}_{t}" if t != n else n: w
            for n, m in self.methods
            for t, w in m.weights().items()
        }

    def training_state(self):
        return {name: member.training_state() for name, member in self.methods}

    def load_training_state(self, state):
        for name, member in self.methods:
            member.load_training_state(state.get(name, {}))

    def prepare(self, context):
        extras = {}
        for name, member in self.methods:
            extras.update({f"{name}:{k}": v for k, v in member.prepare(context).items()})
        return extras

    def auxiliary_modules(self, context):
        return {
            f"{name}__{key}": module
            for name, member in self.methods
            for key, module in member.auxiliary_modules(context).items()
        }

    def loss_terms(self, batch):
        terms = {}
        for name, member in self.methods:
            prefix = f"{name}:"
            member_batch = DistillationBatch(
                student=batch.student,
                teacher=batch.teacher,
                y=batch.y,
                extras={
                    **{k: v for k, v in batch.extras.items() if ":" not in k},
                    **{k[len(prefix):]: v for k, v in batch.extras.items() if k.startswith(prefix)},
                },
                modules=torch.nn.ModuleDict(
                    {
                        k[len(name) + 2:]: v
                        for k, v in batch.modules.items()
                        if k.startswith(f"{name}__")
                    }
                ),
                student_module=batch.student_module,
                training=batch.training,
                task=batch.task,
                online_teacher=batch.online_teacher,
                inputs=batch.inputs,
                target=batch.target,
                progress=batch.progress,
            )
            for term, value in weighted_terms(member, member_batch).items():
                terms[f"{name}_{term}" if term != name else name] = value
        return terms


_METHODS: dict = {}


def register_method(cls):
    """Add a :class:`Method` subclass to the registry under ``cls.name``.

    Usable as a class decorator; see :func:`aeon_kd.testing.check_method` to test a
    new method before registering it.

    Examples
    --------
    >>> from aeon_kd.methods import Method, register_method
    >>> @register_method
    ... class Silent(Method):
    ...     name = "silent_example"
    ...     def __init__(self, task_weight=1.0):
    ...         self.task_weight = task_weight
    ...     def loss_terms(self, batch):
    ...         return {"silent_example": batch.student["logits"].sum() * 0}
    >>> from aeon_kd import list_methods
    >>> "silent_example" in list_methods()
    True
    """
    if not (isinstance(cls, type) and issubclass(cls, Method)):
        raise TypeError(f"register_method takes a Method subclass, got {cls!r}.")
    _METHODS[cls.name] = cls
    return cls


def list_methods():
    """Registered methods with what each needs from a teacher.

    Returns
    -------
    dict
        ``{name: {"needs": sorted teacher signals, "tasks": sorted tasks,
        "reference": paper, "target_data": whether it needs unlabelled
        target-domain series}}``, sorted by name.

    Examples
    --------
    >>> from aeon_kd import list_methods
    >>> list_methods()["kd"]["needs"]
    ['logits']
    """
    return {
        name: {
            "needs": sorted(_METHODS[name].teacher_signals),
            "tasks": sorted(_METHODS[name].tasks),
            "reference": _METHODS[name].reference,
            "target_data": _METHODS[name].uses_target_data,
        }
        for name in sorted(_METHODS)
    }


def resolve_method(method, task=None):
    """Turn a registry name, a method, or a list of those into a fresh method object.

    Parameters
    ----------
    method : str, Method or list of str or Method
        A registry name (see :func:`list_methods`), a method (cloned, so the
        original is never changed by fitting) or a non-empty list of them (summed
        into a :class:`MethodSum`).
    task : {"classification", "forecasting"}, optional
        Refuse a method that is not for this task, naming the registered ones that are.

    Returns
    -------
    Method
        A new, unfitted method object.

    Raises
    ------
    ValueError
        If a name is not in the registry, or the method is not for ``task``.
    TypeError
        If ``method`` is none of the accepted kinds.

    Examples
    --------
    >>> from aeon_kd.methods import HintonKD, resolve_method
    >>> resolve_method("kd")
    HintonKD()
    >>> original = HintonKD(temperature=2.0)
    >>> copy = resolve_method(original)
    >>> copy is original, copy.temperature
    (False, 2.0)
    >>> resolve_method(["kd", "tsd"]).term_names()
    ('kd', 'tsd')
    >>> resolve_method("memkd", task="forecasting")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    ValueError: Method 'memkd' is for ['classification'], not forecasting. Forecasting...
    """
    resolved = _resolve(method)
    if task is not None and task not in resolved.tasks:
        fitting = sorted(name for name, cls in _METHODS.items() if task in cls.tasks)
        raise ValueError(
            f"Method {resolved.name!r} is for {sorted(resolved.tasks)}, not {task}. "
            f"{task.capitalize()} methods: {fitting}."
        )
    return resolved


def _resolve(method):
    if isinstance(method, str):
        if method not in _METHODS:
            raise ValueError(
                f"Unknown method {method!r}. Valid names: {sorted(_METHODS)}; a Method "
                "object or a list of them works too."
            )
        return _METHODS[method]()
    if isinstance(method, Method):
        return clone(method)
    if isinstance(method, (list, tuple)) and method:
        return MethodSum.of(*method)
    raise TypeError(
        "method must be a registry name, a Method object or a non-empty list of them, "
        f"got {method!r}."
    )
