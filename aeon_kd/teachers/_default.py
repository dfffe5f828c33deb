"""Teachers the library builds when the user gives none.

* Logit methods get aeon's ``QUANTClassifier`` (fast, soft probabilities).
* Methods that need hidden states or features get a :class:`RecurrentTeacher`: the
  3-layer x 100-unit LSTM teacher of the MemKD and TSD papers, trained by the library
  with the same skorch trainer as the students.
* Cross-domain methods (UNI-KD) get a 64/128/128 CNN trained with DANN on the labelled
  source and unlabelled target series (:func:`fit_domain_adversarial_teacher`).

The recurrent teacher's settings come from the module-level dict
:data:`RECURRENT_TEACHER_PARAMS`; tests and quick experiments may shrink it, e.g.
``RECURRENT_TEACHER_PARAMS.update(hidden_size=8, num_layers=1, max_epochs=2)``
(``pytest``'s ``monkeypatch.setitem`` restores it afterwards).
"""

from __future__ import annotations

import numpy as np
import torch
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.model_selection import train_test_split
from sklearn.utils import check_random_state
from sklearn.utils.validation import check_is_fitted

from aeon_kd._seeding import seeded_torch
from aeon_kd._teacher_names import CLASSIFICATION_TEACHERS, FORECASTING_TEACHERS

__all__ = [
    "ConvTeacher",
    "DOMAIN_TEACHER_PARAMS",
    "DomainAdversarialTeacher",
    "RECURRENT_TEACHER_PARAMS",
    "RecurrentTeacher",
    "default_teacher",
    "fit_domain_adversarial_teacher",
]

#: settings of the recurrent teacher built for ``teacher=None`` (the papers' 3 x 100 LSTM,
#: trained with the library's recipe: see RecurrentTeacher)
RECURRENT_TEACHER_PARAMS = {
    "hidden_size": 100,
    "num_layers": 3,
    "cell": "lstm",
    "max_epochs": "auto",
    "batch_size": 32,
    "lr": 1e-3,
}


class _NetworkTeacher(ClassifierMixin, BaseEstimator):
    """What the torch networks aeon-kd trains as teachers share: predictions."""

    def predict_proba(self, X):
        """Class probabilities, columns in the order of ``classes_``."""
        from aeon_kd._core import batched_outputs

        check_is_fitted(self, "module_")
        return batched_outputs(self.module_, _as_3d(X), lambda z: torch.softmax(z, dim=1))

    def predict(self, X):
        """Predicted labels."""
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]


class RecurrentTeacher(_NetworkTeacher):
    """LSTM (or GRU) teacher trained by aeon-kd: a white-box teacher for any method.

    A :class:`aeon_kd.students.RecurrentStudent` of ``num_layers`` x ``hidden_size``
    units trained on the labels alone with the library's skorch trainer. By default it
    trains with the students' recipe plus what recurrent networks need: every series
    z-normalised inside the network (so its hidden states, and what is distilled from
    them, see the same scale on every problem), a budget of optimisation steps
    (``max_epochs="auto"``) on every training series with a cosine schedule and the
    last weights, the gradient norm clipped to ``gradient_clip``, and a learning rate
    of 1e-3. The papers' protocol (3 layers x 100 units, lr 0.005, batch 32, up to 500
    epochs, early stopping with patience 50 on a 20 % validation split, raw series) is
    ``RecurrentTeacher.paper_protocol()``; on the tuning set it left the teacher at
    chance on GunPoint, Coffee and ArrowHead (``benchmarks/results/teacher_recipe.md``).

    Passed unfitted as ``teacher``, it is cloned and fitted inside ``fit`` on the
    student's (possibly resampled) input; fitted, its network is used as it is. Either
    way distillation reads its logits, per-step hidden states and features.

    Parameters
    ----------
    hidden_size : int, default=100
    num_layers : int, default=3
    cell : {"lstm", "gru"}, default="lstm"
    max_epochs : int or "auto", default="auto"
        ``"auto"``: about ``aeon_kd.training.AUTO_STEPS`` optimisation steps (many
        epochs on a small training set, few on a large one).
    batch_size : int, default=32
    lr : float, default=1e-3
        The papers' 0.005 kept a 3 x 100 LSTM at chance on GunPoint even with this
        recipe (training loss 0.69 -> 0.32 in 300 epochs against 0.69 -> 0.0 at 1e-3).
    patience : int or None, default=None
        Epochs without improvement before early stopping (best weights restored);
        None trains every epoch and keeps the last weights.
    validation_size : float, default=0.0
        Fraction held out (stratified) for early stopping; 0, or too few series per
        class, trains on everything and stops on the training loss.
    normalization : {"series", None}, default="series"
        ``"series"``: z-normalise each series and channel inside the network.
    gradient_clip : float or None, default=1.0
        Largest gradient norm per step (skorch's ``GradientNormClipping``).
    lr_schedule : {"cosine", None, ...}, default="cosine"
        As the estimators' ``lr_schedule``.
    random_state : int or None, default=None
    device : str, default="cpu"

    Attributes
    ----------
    module_ : torch.nn.Module
        The trained network, in eval mode (a :class:`~aeon_kd.students.SeriesNormalized`
        around the recurrent network with ``normalization="series"``).
    classes_ : np.ndarray
    history_ : skorch.History

    Examples
    --------
    >>> import numpy as np
    >>> from aeon_kd.teachers import RecurrentTeacher
    >>> X = np.random.default_rng(0).normal(size=(12, 1, 8))
    >>> y = np.array([0, 1] * 6)
    >>> t = RecurrentTeacher(hidden_size=4, num_layers=1, max_epochs=2, random_state=0)
    >>> t.fit(X, y).predict_proba(X).shape
    (12, 2)
    >>> RecurrentTeacher.paper_protocol().validation_size
    0.2
    """

    def __init__(
        self,
        hidden_size=100,
        num_layers=3,
        cell="lstm",
        max_epochs="auto",
        batch_size=32,
        lr=1e-3,
        patience=None,
        validation_size=0.0,
        normalization="series",
        gradient_clip=1.0,
        lr_schedule="cosine",
        random_state=None,
        device="cpu",
    ):
        self.hidden_size = hidden_size
        self.num_layers = num_layers
        self.cell = cell
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.patience = patience
        self.validation_size = validation_size
        self.normalization = normalization
        self.gradient_clip = gradient_clip
        self.lr_schedule = lr_schedule
        self.random_state = random_state
        self.device = device

    @classmethod
    def paper_protocol(cls, **params):
        """The MemKD and TSD papers' teacher recipe (raw series, early stopping).

        Parameters
        ----------
        **params
            Overrides, e.g. ``random_state``.
        """
        recipe = {"max_epochs": 500, "lr": 0.005, "patience": 50, "validation_size": 0.2,
                  "normalization": None, "gradient_clip": None, "lr_schedule": None}
        return cls(**{**recipe, **params})

    def fit(self, X, y):
        """Train the network on ``X`` ``(n_cases, n_channels, n_timepoints)`` and ``y``.

        Returns
        -------
        self : RecurrentTeacher
        """
        from aeon_kd.methods.none import NoKD
        from aeon_kd.students import RecurrentStudent, SeriesNormalized
        from aeon_kd.training import TrainingConfig, auto_epochs, train_student

        if self.normalization not in ("series", None):
            raise ValueError(
                f"normalization must be 'series' or None, got {self.normalization!r}."
            )
        X = _as_3d(X)
        y = np.asarray(y)
        self.classes_ = np.unique(y)
        y_index = np.searchsorted(self.classes_, y).astype(np.int64)
        seed = int(check_random_state(self.random_state).randint(0, 2**31 - 1))
        train_index, valid_index = _stratified_split(y_index, self.validation_size, seed)
        epochs = self.max_epochs
        if epochs == "auto":
            epochs = auto_epochs(len(train_index), self.batch_size)
        with seeded_torch(seed):
            module = RecurrentStudent(X.shape[1], len(self.classes_),
                                      hidden_size=self.hidden_size,
                                      num_layers=self.num_layers, cell=self.cell)  # fmt: skip
            if self.normalization == "series":
                module = SeriesNormalized(module)
            net = train_student(
                module, NoKD(), X=X, y=y_index, train_index=train_index,
                valid_index=valid_index, per_row={}, auxiliary={},
                config=TrainingConfig(
                    max_epochs=epochs, batch_size=self.batch_size, lr=self.lr,
                    patience=self.patience, lr_schedule=self.lr_schedule,
                    device=self.device, seed=seed,
                    callbacks=_clipping(self.gradient_clip),
                ),
            )  # fmt: skip
        self.module_ = net.module_
        self.history_ = net.history
        return self


def _clipping(gradient_clip):
    if gradient_clip is None:
        return None
    from skorch.callbacks import GradientNormClipping

    return [("gradient_clip", GradientNormClipping(gradient_clip_value=gradient_clip))]


class ConvTeacher(_NetworkTeacher):
    """A convolutional teacher trained by aeon-kd: ResNet or InceptionTime, white-box.

    :class:`~aeon_kd.teachers._networks.ResNetNetwork` (Wang et al., 2017) or one
    :class:`~aeon_kd.teachers._networks.InceptionNetwork` (Ismail Fawaz et al., 2020),
    trained on the labels with the library's recipe: AdamW (weight decay 0.01), a
    cosine schedule, every training series (no validation split), the last weights.
    Hidden-state methods (``memkd``, ``fitnet``, ``attention``, ``rkd``) read its
    per-step maps and pooled features; logit methods its logits. Passed unfitted as
    ``teacher`` (or by name: ``teacher="resnet"``, ``"inception"``), it is fitted
    inside ``fit`` on the student's input.

    Parameters
    ----------
    architecture : {"resnet", "inception"}, default="resnet"
    max_epochs : int, default=100
        The published networks train 1,500 epochs on a GPU; 100 keeps a UCR-sized
        problem within minutes on a CPU.
    batch_size : int, default=32
    lr : float, default=1e-3
    network_params : dict or None, default=None
        Keyword arguments of the network (``filters``, ``depth``).
    random_state : int or None, default=None
    device : str, default="cpu"

    Attributes
    ----------
    module_ : torch.nn.Module
        The trained network, in eval mode.
    classes_ : np.ndarray
    history_ : skorch.History

    Examples
    --------
    >>> import numpy as np
    >>> from aeon_kd.teachers import ConvTeacher
    >>> X = np.random.default_rng(0).normal(size=(12, 1, 16))
    >>> y = np.array([0, 1] * 6)
    >>> t = ConvTeacher("inception", max_epochs=2, random_state=0,
    ...                 network_params={"depth": 3, "filters": 4})
    >>> t.fit(X, y).predict_proba(X).shape
    (12, 2)
    """

    def __init__(self, architecture="resnet", max_epochs=100, batch_size=32, lr=1e-3,
                 network_params=None, random_state=None, device="cpu"):  # fmt: skip
        self.architecture = architecture
        self.max_epochs = max_epochs
        self.batch_size = batch_size
        self.lr = lr
        self.network_params = network_params
        self.random_state = random_state
        self.device = device

    def fit(self, X, y):
        """Train the network on ``X`` ``(n_cases, n_channels, n_timepoints)`` and ``y``."""
        from aeon_kd.methods.none import NoKD
        from aeon_kd.teachers._networks import InceptionNetwork, ResNetNetwork
        from aeon_kd.training import TrainingConfig, train_student

        networks = {"resnet": ResNetNetwork, "inception": InceptionNetwork}
        if self.architecture not in networks:
            raise ValueError(
                f"architecture must be one of {sorted(networks)}, got {self.architecture!r}."
            )
        X = _as_3d(X)
        self.classes_, y_index = np.unique(np.asarray(y), return_inverse=True)
        seed = int(check_random_state(self.random_state).randint(0, 2**31 - 1))
        rows = np.arange(len(X))
        with seeded_torch(seed):
            module = networks[self.architecture](X.shape[1], len(self.classes_),
                                                 **(self.network_params or {}))  # fmt: skip
            net = train_student(
                module, NoKD(), X=X, y=y_index.astype(np.int64), train_index=rows,
                valid_index=rows[:0], per_row={}, auxiliary={},
                config=TrainingConfig(
                    max_epochs=self.max_epochs, batch_size=self.batch_size, lr=self.lr,
                    patience=None, lr_schedule="cosine", optimizer=torch.optim.AdamW,
                    optimizer_params={"weight_decay": 0.01}, device=self.device, seed=seed,
                ),
            )  # fmt: skip
        self.module_ = net.module_
        self.history_ = net.history
        return self


def _as_3d(X):
    X = np.asarray(X, dtype=np.float32)
    if X.ndim == 2:
        X = X[:, None, :]
    return np.ascontiguousarray(X)


def _stratified_split(y_index, validation_size, seed):
    rows = np.arange(len(y_index))
    n_classes = int(y_index.max()) + 1
    n_valid = int(np.ceil(validation_size * len(rows)))
    counts = np.bincount(y_index, minlength=n_classes)
    if (
        validation_size == 0
        or n_valid < n_classes
        or len(rows) - n_valid < n_classes
        or counts.min() < 2
    ):
        return rows, rows[:0]
    train, valid = train_test_split(rows, test_size=n_valid, stratify=y_index, random_state=seed)
    return np.sort(train), np.sort(valid)


def _quant(random_state, **params):
    from aeon.classification.interval_based import QUANTClassifier

    return QUANTClassifier(random_state=random_state, **params)


def _minirocket(random_state, **params):
    from aeon.classification.convolution_based import MiniRocketClassifier

    return MiniRocketClassifier(random_state=random_state, **params)


def _lstm(random_state, **params):
    return RecurrentTeacher(**{**RECURRENT_TEACHER_PARAMS, "random_state": random_state,
                               **params})  # fmt: skip


def _resnet(random_state, **params):
    return ConvTeacher("resnet", random_state=random_state, **params)


def _inception(random_state, **params):
    return ConvTeacher("inception", random_state=random_state, **params)


#: classification teachers by name, ``name -> (builder, description)``: what the
#: estimators (teacher="quant"), the command line and the benchmark runner build; the
#: words come from the one table of names, aeon_kd/_teacher_names.py
NAMED_TEACHERS = {
    name: (builder, CLASSIFICATION_TEACHERS[name])
    for name, builder in (("quant", _quant), ("lstm", _lstm), ("minirocket", _minirocket),
                          ("resnet", _resnet), ("inception", _inception))
}


def list_teachers(task=None):
    """The teachers known by name, with one-line descriptions.

    Classification teachers are built unfitted by :func:`build_teacher` (and fitted
    inside ``fit``: ``DistilledClassifier(teacher="quant")``); forecasting teachers are
    trained inside ``fit`` on the series' windows (``DistilledForecaster(teacher=
    "patchtst")``).

    Parameters
    ----------
    task : {"classification", "forecasting"} or None, default=None
        Only this task's teachers; None: all of them.

    Returns
    -------
    dict
        ``{name: description}``.

    Examples
    --------
    >>> from aeon_kd.teachers import list_teachers
    >>> sorted(list_teachers("classification"))
    ['inception', 'lstm', 'minirocket', 'quant', 'resnet']
    >>> sorted(list_teachers("forecasting"))
    ['moderntcn', 'patchtst']
    """
    tables = {"classification": CLASSIFICATION_TEACHERS, "forecasting": FORECASTING_TEACHERS}
    if task is not None and task not in tables:
        raise ValueError(f"task must be None or one of {sorted(tables)}, got {task!r}.")
    chosen = tables.values() if task is None else [tables[task]]
    return dict(sorted(item for table in chosen for item in table.items()))


def build_teacher(name, random_state=None, **params):
    """A fresh, unfitted teacher by name (see :func:`list_teachers`).

    Parameters
    ----------
    name : str
    random_state : int or None, default=None
    **params
        The teacher's own parameters (e.g. ``max_epochs`` of ``"lstm"``).

    Examples
    --------
    >>> from aeon_kd.teachers import build_teacher
    >>> type(build_teacher("quant", 0)).__name__
    'QUANTClassifier'
    >>> build_teacher("lstm", 0, max_epochs=5).max_epochs
    5
    """
    if name not in NAMED_TEACHERS:
        raise ValueError(
            f"Unknown teacher {name!r}; classification teachers by name: "
            f"{sorted(NAMED_TEACHERS)} (aeon_kd.teachers.list_teachers())."
        )
    return NAMED_TEACHERS[name][0](random_state, **params)


def default_teacher(needs, seed, device="cpu"):
    """Build the teacher trained inside ``fit`` when ``teacher=None``.

    Logit methods get aeon's ``QUANTClassifier``: fast (well under a second on UCR-sized
    data), accurate, and its probabilities are soft, so it has dark knowledge to pass on.
    It is returned unfitted, so its soft labels for the training series are out-of-fold.

    Methods that need hidden states or features get an unfitted
    :class:`RecurrentTeacher` built from :data:`RECURRENT_TEACHER_PARAMS` (3 x 100
    LSTM); it is trained inside ``fit`` on the student's input.

    Parameters
    ----------
    needs : set of str
        Signals the method needs.
    seed : int
        Seeds the teacher.
    device : str, default="cpu"
        Torch device of a recurrent teacher.

    Returns
    -------
    object
        An unfitted classifier.

    Raises
    ------
    ValueError
        If no built-in teacher gives ``needs``.

    Examples
    --------
    >>> from aeon_kd.teachers import default_teacher
    >>> type(default_teacher({"logits"}, seed=0)).__name__
    'QUANTClassifier'
    >>> teacher = default_teacher({"logits", "hidden"}, seed=0)
    >>> type(teacher).__name__, teacher.num_layers, teacher.hidden_size
    ('RecurrentTeacher', 3, 100)
    """
    if set(needs) <= {"logits"}:
        return build_teacher("quant", seed)
    if set(needs) <= {"logits", "hidden", "features"}:
        return build_teacher("lstm", seed, device=device)
    raise ValueError(
        f"No built-in teacher gives {sorted(needs)}; pass a teacher that does."
    )


#: settings of the DANN teacher built for UNI-KD when ``teacher=None``: the spec's
#: 64/128/128 AdaTime CNN; epochs and learning rate suit our early-stopping trainer
#: (the authors train 10 epochs at lr 1e-2 with no validation split)
DOMAIN_TEACHER_PARAMS = {
    "width": 64,
    "kernel_size": 5,
    "stride": 1,
    "dropout": 0.5,
    "max_epochs": 40,
    "batch_size": 32,
    "lr": 0.005,
    "patience": 10,
    "validation_size": 0.2,
    "domain_weight": 1.0,
}


def fit_domain_adversarial_teacher(X, y_index, X_target, seed, device="cpu"):
    """Train UNI-KD's default teacher: a 64/128/128 CNN with DANN on source and target.

    The network (:class:`aeon_kd.students.AdaTimeCNN` at ``width=64``) learns the
    labelled source series ``X`` and, through a domain discriminator behind gradient
    reversal, features that do not tell source from the unlabelled ``X_target``
    (:class:`aeon_kd.methods.DANN`). Early stopping watches the source validation split,
    so no target label is ever read. Settings come from :data:`DOMAIN_TEACHER_PARAMS`.

    Parameters
    ----------
    X : np.ndarray of shape (n_cases, n_channels, n_timepoints)
    y_index : np.ndarray of int
        Class indices of ``X``.
    X_target : np.ndarray of shape (n_target, n_channels, n_timepoints)
    seed : int
    device : str, default="cpu"

    Returns
    -------
    torch.nn.Module
        The trained network, in eval mode.

    Examples
    --------
    >>> import numpy as np
    >>> from aeon_kd.teachers import DOMAIN_TEACHER_PARAMS, fit_domain_adversarial_teacher
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(20, 1, 24)).astype("float32"), np.arange(20) % 2
    >>> params = dict(DOMAIN_TEACHER_PARAMS)
    >>> DOMAIN_TEACHER_PARAMS.update(width=4, max_epochs=1)
    >>> net = fit_domain_adversarial_teacher(X, y, X[:10] + 1, seed=0)
    >>> DOMAIN_TEACHER_PARAMS.update(params)
    >>> net(torch.from_numpy(X[:3])).shape
    torch.Size([3, 2])
    """
    from aeon_kd.methods import DANN, FitContext
    from aeon_kd.students import AdaTimeCNN
    from aeon_kd.training import TrainingConfig, train_student

    p = DOMAIN_TEACHER_PARAMS
    X, X_target = _as_3d(X), _as_3d(X_target)
    y_index = np.asarray(y_index, dtype=np.int64)
    n_classes = int(y_index.max()) + 1
    train_index, valid_index = _stratified_split(y_index, p["validation_size"], seed)
    method = DANN(weight=p["domain_weight"])
    with seeded_torch(seed):
        module = AdaTimeCNN(
            X.shape[1], n_classes, width=p["width"], kernel_size=p["kernel_size"],
            stride=p["stride"], dropout=p["dropout"],
        )
        context = FitContext(
            X=X, y=y_index, train_index=train_index, n_outputs=n_classes, student=module
        )
        net = train_student(
            module,
            method,
            X=X,
            y=y_index,
            train_index=train_index,
            valid_index=valid_index,
            per_row={},
            auxiliary=method.auxiliary_modules(context),
            config=TrainingConfig(
                max_epochs=p["max_epochs"],
                batch_size=p["batch_size"],
                lr=p["lr"],
                patience=p["patience"],
                device=device,
                seed=seed,
            ),
            target={"X": X_target},
        )
    return net.module_


class DomainAdversarialTeacher(_NetworkTeacher):
    """UNI-KD's default teacher as an estimator: train it once, distil from it often.

    ``teacher=None`` with ``method="unikd"`` trains this network inside every fit (most
    of a fit's time). Fitted once here (:func:`fit_domain_adversarial_teacher`: a
    64/128/128 CNN trained with DANN on labelled source and unlabelled target series),
    it can be scored on the target, and passed as ``teacher=`` to any number of fits,
    which use it as it is (white-box) and never retrain it.

    Parameters
    ----------
    random_state : int or None, default=None
        Seeds the network and its training.
    device : str, default="cpu"

    Attributes
    ----------
    module_ : torch.nn.Module
        The trained network (eval mode).
    classes_ : np.ndarray
        Labels, in the order of the network's outputs.
    fit_seconds_ : float
        What training it cost.
    n_params_ : int

    Examples
    --------
    >>> from aeon_kd.datasets import make_domain_shift
    >>> from aeon_kd.teachers import DOMAIN_TEACHER_PARAMS, DomainAdversarialTeacher
    >>> s = make_domain_shift(n_source=40, n_target=20, n_target_test=20, random_state=0)
    >>> saved = dict(DOMAIN_TEACHER_PARAMS)
    >>> DOMAIN_TEACHER_PARAMS.update(width=4, max_epochs=2)
    >>> teacher = DomainAdversarialTeacher(random_state=0).fit(
    ...     s.X_source, s.y_source, X_target=s.X_target)
    >>> DOMAIN_TEACHER_PARAMS.update(saved)
    >>> 0.0 <= teacher.score(s.X_target_test, s.y_target_test) <= 1.0
    True
    """

    def __init__(self, random_state=None, device="cpu"):
        self.random_state = random_state
        self.device = device

    def fit(self, X, y, X_target):
        """Train on labelled source series ``X, y`` and unlabelled ``X_target``."""
        import time

        from aeon_kd.students import count_parameters

        if X_target is None or len(X_target) == 0:
            raise ValueError(
                "DomainAdversarialTeacher.fit needs unlabelled target-domain series: "
                "fit(X, y, X_target=...)."
            )
        start = time.perf_counter()
        self.classes_, y_index = np.unique(np.asarray(y), return_inverse=True)
        seed = int(check_random_state(self.random_state).randint(0, 2**31 - 1))
        self.module_ = fit_domain_adversarial_teacher(
            X, y_index, X_target, seed, device=self.device
        )
        self.fit_seconds_ = time.perf_counter() - start
        self.n_params_ = count_parameters(self.module_)
        return self
