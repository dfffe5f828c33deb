"""Forecasting teachers: torch networks (white-box), aeon forecasters (black-box), built-ins.

A forecasting teacher maps a window ``(batch, n_channels, window)`` to a forecast
``(batch, n_channels, horizon)``; the library calls the forecast the ``"logits"``
signal so that methods read it the same way in both tasks. White-box teachers may also
give ``"features"``, a per-channel representation ``(batch, n_channels, d)``.

* :class:`ForecastTorchTeacher` wraps a trained torch module (or a fitted skorch net).
* :class:`ForecasterTeacher` wraps an aeon forecaster: black-box, its forecasts for every
  training window are computed once, before training, with a progress bar.
* ``teacher="patchtst"`` / ``teacher="moderntcn"`` build a PatchTST-style Transformer or
  a ModernTCN-style convolutional network and train it on the same windows with the
  library's skorch trainer (:func:`fit_builtin_forecast_teacher`); its settings live in
  :data:`FORECAST_TEACHER_PARAMS`.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import torch
from torch import nn

from aeon_kd._seeding import seeded_torch
from aeon_kd._teacher_names import FORECASTING_TEACHERS
from aeon_kd.students._signals import available_signals, eval_mode, signals_of
from aeon_kd.teachers._adapters import Teacher, require_signals, seeded_clone

__all__ = [
    "TeacherNotBetterWarning",
    "linear_baseline_mse",
    "BUILTIN_FORECAST_TEACHERS",
    "FORECAST_TEACHER_PARAMS",
    "ForecastTorchTeacher",
    "ForecasterTeacher",
    "builtin_teacher_sizes",
    "fit_builtin_forecast_teacher",
    "resolve_forecast_teacher",
]

#: names accepted as ``teacher=`` by :class:`aeon_kd.DistilledForecaster`
BUILTIN_FORECAST_TEACHERS = tuple(FORECASTING_TEACHERS)

#: training settings and network sizes of the built-in forecasting teachers. Tests and
#: quick experiments may shrink them (``monkeypatch.setitem`` restores them afterwards).
FORECAST_TEACHER_PARAMS = {
    "training": {"max_epochs": 30, "batch_size": 32, "lr": 1e-3, "patience": 5},
    "patchtst": {},
    "moderntcn": {},
}

_BATCH = 512


class TeacherNotBetterWarning(UserWarning):
    """A forecasting teacher no better than a quick baseline on the validation windows.

    The baselines are a ridge map from window to horizon and the student trained
    without KD for a few epochs (``DistilledForecaster.quick_student_valid_mse_``);
    distilling a teacher that does not beat both is unlikely to help the student.
    Filter it with ``warnings.simplefilter("ignore", TeacherNotBetterWarning)``.

    Examples
    --------
    >>> from aeon_kd.teachers import TeacherNotBetterWarning
    >>> issubclass(TeacherNotBetterWarning, UserWarning)
    True
    """


def linear_baseline_mse(X, Y, train_index, valid_index, alpha=1e-3):
    """Validation MSE of a ridge map from window to horizon, shared by the channels.

    One of the two baselines a teacher is compared with before distilling (the other
    is the student trained briefly without KD): closed form, one least-squares solve
    (seconds even for tens of thousands of windows).

    Parameters
    ----------
    X, Y : np.ndarray of shape (n_windows, n_channels, window | horizon)
    train_index, valid_index : np.ndarray
    alpha : float, default=1e-3
        Ridge penalty (relative to the mean diagonal of the normal matrix).

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np
    >>> from aeon_kd.teachers import linear_baseline_mse
    >>> t = np.arange(300.0)
    >>> X = np.stack([np.sin(t[i:i + 20] / 3) for i in range(260)])[:, None]
    >>> Y = np.stack([np.sin(t[i + 20:i + 24] / 3) for i in range(260)])[:, None]
    >>> bool(linear_baseline_mse(X, Y, np.arange(200), np.arange(200, 260)) < 1e-4)
    True
    """
    def rows(A, index):
        A = np.asarray(A, dtype=np.float64)[index]
        return A.reshape(-1, A.shape[2])

    Xt, Yt = rows(X, train_index), rows(Y, train_index)
    Xt = np.hstack([Xt, np.ones((len(Xt), 1))])
    gram = Xt.T @ Xt
    gram += alpha * np.trace(gram) / len(gram) * np.eye(len(gram))
    weights = np.linalg.solve(gram, Xt.T @ Yt)
    Xv = rows(X, valid_index)
    forecast = np.hstack([Xv, np.ones((len(Xv), 1))]) @ weights
    return float(np.mean((forecast - rows(Y, valid_index)) ** 2))


class ForecastTorchTeacher(Teacher):
    """A trained torch forecasting network as teacher (white-box).

    Parameters
    ----------
    module : torch.nn.Module
        Maps ``(batch, n_channels, window)`` to ``(batch, n_channels, horizon)``. A
        ``forward_signals(x)`` method returning ``{"logits", "features"}`` (every
        built-in network has one) makes feature-level distillation possible.
    n_channels, horizon : int
        What the forecast must look like.
    estimator : object, optional
        What to report as the teacher (e.g. the skorch net the module came from).
    fitted_here : bool, default=False
        The teacher was fitted inside ``fit`` (on the student's input), so it is given
        the series as the student sees them.

    Examples
    --------
    A linear map from the last 6 values of each channel to the next 2:

    >>> import numpy as np
    >>> import torch
    >>> from aeon_kd.teachers import ForecastTorchTeacher
    >>> _ = torch.manual_seed(0)
    >>> teacher = ForecastTorchTeacher(torch.nn.Linear(6, 2), n_channels=3, horizon=2)
    >>> teacher.kind, sorted(teacher.signals)
    ('white-box', ['logits'])
    >>> windows = np.zeros((5, 3, 6), dtype=np.float32)
    >>> teacher.outputs(windows, {"logits"})["logits"].shape
    (5, 3, 2)
    """

    kind = "white-box"

    def __init__(self, module, n_channels, horizon, estimator=None, fitted_here=False):
        self.module = module
        self.estimator = module if estimator is None else estimator
        self.n_channels = n_channels
        self.horizon = horizon
        self.signals = available_signals(module)
        self.fitted_here = fitted_here

    @property
    def device(self):
        param = next(self.module.parameters(), None)
        return param.device if param is not None else torch.device("cpu")

    def forward(self, x, signals=frozenset({"logits"})):
        """Signals for one batch, without gradients, the module in eval mode."""
        with torch.no_grad(), eval_mode(self.module):
            x = x.to(self.device, dtype=torch.float32)
            if set(signals) <= {"logits"}:
                out = {"logits": self.module(x)}
            else:
                out = signals_of(self.module, x, signals)
        forecast = out["logits"]
        expected = (x.shape[0], self.n_channels, self.horizon)
        if tuple(forecast.shape) != expected:
            raise ValueError(
                f"The torch teacher returned a forecast of shape {tuple(forecast.shape)} for "
                f"input {tuple(x.shape)}; it must be (batch, n_channels, horizon) = "
                f"{expected}. Train the teacher with the same horizon and channels as y."
            )
        features = out.get("features")
        if features is not None and (features.ndim != 3 or features.shape[1] != self.n_channels):
            raise ValueError(
                f"The torch teacher's features have shape {tuple(features.shape)}; a "
                "forecasting teacher gives per-channel features (batch, n_channels, width)."
            )
        return {k: out[k] for k in signals}

    def outputs(self, X, signals):
        """Signals for every window of ``X``, computed in batches."""
        from aeon_kd._memory import gather_in_batches

        def compute(start, stop):
            batch = torch.from_numpy(np.ascontiguousarray(X[start:stop]))
            out = self.forward(batch, frozenset(signals))
            return {name: value.float().cpu().numpy() for name, value in out.items()}

        return gather_in_batches(
            len(X), _BATCH, compute,
            what=f"Caching the teacher's {', '.join(sorted(signals))} for every window",
            fix="Use a larger stride=, a shorter series, or a method that needs only the "
            "teacher's forecasts",
        )  # fmt: skip


class ForecasterTeacher(Teacher):
    """An aeon forecaster as teacher (black-box): forecasts only.

    Each channel of each window is forecast separately (aeon forecasters are mostly
    univariate). A forecaster with ``series_to_series_forecast`` gives the horizon in one
    call; any other fitted forecaster with ``horizon=1`` is rolled forward one step at a
    time on its own predictions (without refitting: the fitted state is the teacher).
    Forecasts are computed once, before training.

    Parameters
    ----------
    estimator : aeon.forecasting.base.BaseForecaster
        Fitted.
    horizon : int
        Values forecast per channel and window.
    verbose : bool, default=False
        Show a progress bar over the windows.
    per_channel : list of BaseForecaster, optional
        One fitted clone per channel (an unfitted teacher fitted here on each channel);
        by default ``estimator`` forecasts every channel.
    fitted_here : bool, default=False
        The teacher was fitted inside ``fit`` (on the student's input), so it is given
        the series as the student sees them.

    Examples
    --------
    A naive forecaster repeats the last value of each window, rolled two steps on:

    >>> import numpy as np
    >>> from aeon.forecasting import NaiveForecaster
    >>> from aeon_kd.teachers import ForecasterTeacher
    >>> forecaster = NaiveForecaster().fit(np.arange(10.0))
    >>> teacher = ForecasterTeacher(forecaster, horizon=2)
    >>> windows = np.arange(12, dtype=np.float32).reshape(2, 2, 3)
    >>> forecasts = teacher.outputs(windows, {"logits"})["logits"]
    >>> forecasts.shape, forecasts[0].tolist()
    ((2, 2, 2), [[2.0, 2.0], [5.0, 5.0]])
    """

    kind = "black-box"
    signals = frozenset({"logits"})
    fitted_here = False

    def __init__(self, estimator, horizon, verbose=False, per_channel=None, fitted_here=False):
        self.estimator = estimator
        self.fitted_here = fitted_here
        self.horizon = horizon
        self.verbose = verbose
        self.per_channel = per_channel
        self.series_to_series = hasattr(estimator, "series_to_series_forecast")
        if not self.series_to_series and getattr(estimator, "horizon", 1) != 1:
            raise ValueError(
                f"The teacher {type(estimator).__name__} has horizon="
                f"{estimator.horizon} and no series_to_series_forecast: a black-box "
                "forecasting teacher must forecast a whole horizon, or one step ahead "
                "(horizon=1) so that it can be rolled forward. Set its horizon to 1."
            )

    def _one(self, series, channel):
        estimator = self.estimator if self.per_channel is None else self.per_channel[channel]
        if self.series_to_series:
            out = np.asarray(estimator.series_to_series_forecast(series, self.horizon))
            return out.reshape(-1)
        values = list(series)
        for _ in range(self.horizon):
            values.append(float(estimator.predict(np.asarray(values))))
        return np.asarray(values[len(series):])

    def outputs(self, X, signals):
        """Forecasts ``(n_windows, n_channels, horizon)`` for every window of ``X``."""
        n, c, _ = X.shape
        out = np.empty((n, c, self.horizon), dtype=np.float32)
        rows = range(n)
        if self.verbose:
            from tqdm.auto import tqdm

            rows = tqdm(  # disable=None: no bar when stderr is a file or a pipe
                rows, desc=f"teacher forecasts ({type(self.estimator).__name__})", disable=None
            )
        for i in rows:
            for ch in range(c):
                forecast = self._one(X[i, ch].astype(np.float64), ch)
                if forecast.shape != (self.horizon,):
                    raise ValueError(
                        f"The teacher {type(self.estimator).__name__} returned a forecast "
                        f"of shape {forecast.shape}; expected ({self.horizon},) per channel."
                    )
                out[i, ch] = forecast
        if not np.all(np.isfinite(out)):
            raise ValueError(
                f"The teacher {type(self.estimator).__name__} produced non-finite forecasts."
            )
        return {"logits": out}


_TRAINING_KEYS = ("max_epochs", "batch_size", "lr", "patience")


def _builtin_network(name, n_channels, window, horizon, params=None):
    from aeon_kd.teachers._forecasting_networks import ModernTCNNetwork, PatchTSTNetwork

    cls = {"patchtst": PatchTSTNetwork, "moderntcn": ModernTCNNetwork}[name]
    sizes = {**FORECAST_TEACHER_PARAMS.get(name, {}),
             **{k: v for k, v in (params or {}).items() if k not in _TRAINING_KEYS}}  # fmt: skip
    try:
        return cls(n_channels, horizon, window, **sizes)
    except TypeError as err:  # an unknown size parameter
        raise ValueError(f"teacher_params for {name!r}: {err}") from err


def builtin_teacher_sizes(n_channels, window, horizon):
    """Parameters of each built-in forecasting teacher at its default network sizes.

    What :class:`aeon_kd.DistilledForecaster` sizes its default student against (at
    least 10x smaller than the smaller of them), so every method, ``"none"`` included,
    trains the same student for a given window and horizon.

    Parameters
    ----------
    n_channels, window, horizon : int

    Returns
    -------
    dict
        ``{name: n_parameters}``, without the teachers that cannot be built at this
        window (e.g. a window shorter than PatchTST's patches).

    Examples
    --------
    >>> from aeon_kd.teachers import builtin_teacher_sizes
    >>> builtin_teacher_sizes(1, 96, 96)
    {'moderntcn': 86336, 'patchtst': 176224}
    >>> builtin_teacher_sizes(1, 12, 4)
    {'moderntcn': 12900}
    """
    from aeon_kd.students import count_parameters
    from aeon_kd.teachers._forecasting_networks import ModernTCNNetwork, PatchTSTNetwork

    sizes = {}
    for name, cls in {"moderntcn": ModernTCNNetwork, "patchtst": PatchTSTNetwork}.items():
        try:
            sizes[name] = count_parameters(cls(n_channels, horizon, window))
        except ValueError:  # the window is too short for this teacher's defaults
            continue
    return sizes


def fit_builtin_forecast_teacher(
    name, X, Y, train_index, valid_index, seed, device="cpu", verbose=False, params=None
):
    """Train a built-in forecasting teacher on windows ``X`` -> ``Y``.

    The network (:class:`PatchTSTNetwork` or :class:`ModernTCNNetwork` with the sizes in
    ``FORECAST_TEACHER_PARAMS[name]``) is trained on the ground truth alone (method
    ``"none"``, MSE, Adam) with early stopping on the validation windows, best weights
    restored, settings from ``FORECAST_TEACHER_PARAMS["training"]``.

    Parameters
    ----------
    name : {"patchtst", "moderntcn"}
    X : np.ndarray of shape (n_windows, n_channels, window)
    Y : np.ndarray of shape (n_windows, n_channels, horizon)
    train_index, valid_index : np.ndarray
    seed : int
    device : str, default="cpu"
    verbose : bool, default=False
    params : dict or None, default=None
        Overrides of the training settings (``max_epochs``, ``batch_size``, ``lr``,
        ``patience``) and of the network's sizes (e.g. ``d_model``), over
        ``FORECAST_TEACHER_PARAMS``.

    Returns
    -------
    net : DistillationNet
        The fitted skorch net; ``net.module_`` is the network, in eval mode.
    """
    from aeon_kd.methods.none import NoKD
    from aeon_kd.training import TrainingConfig, train_student

    settings = {**FORECAST_TEACHER_PARAMS["training"],
                **{k: v for k, v in (params or {}).items() if k in _TRAINING_KEYS}}  # fmt: skip
    with seeded_torch(seed):
        module = _builtin_network(name, X.shape[1], X.shape[2], Y.shape[2], params)
        return train_student(
            module,
            NoKD(),
            X=X,
            y=Y,
            train_index=train_index,
            valid_index=valid_index,
            per_row={},
            auxiliary={},
            config=TrainingConfig(
                max_epochs=settings["max_epochs"],
                batch_size=settings["batch_size"],
                lr=settings["lr"],
                patience=settings["patience"],
                device=device,
                verbose=verbose,
                seed=seed,
                monitor="valid_task",
            ),
            task="forecasting",
        )


def _is_skorch_net(obj):
    try:
        from skorch import NeuralNet
    except ImportError:  # pragma: no cover - skorch is a dependency
        return False
    return isinstance(obj, NeuralNet)


def _is_aeon_forecaster(obj):
    from aeon.forecasting.base import BaseForecaster

    return isinstance(obj, BaseForecaster)


def resolve_forecast_teacher(
    teacher,
    *,
    y_train,
    X,
    Y,
    train_index,
    valid_index,
    needs,
    method_name,
    seed,
    default="moderntcn",
    device="cpu",
    verbose=False,
    teacher_params=None,
):
    """Turn the ``teacher`` argument of a forecaster into an adapter (or None).

    Parameters
    ----------
    teacher : None, str, torch.nn.Module, skorch net or aeon forecaster
    y_train : np.ndarray of shape (n_channels, n_timepoints)
        The training part of the series (an unfitted aeon forecaster is fitted on it).
    X, Y : np.ndarray
        Every window and its target, ``(n_windows, n_channels, window|horizon)``.
    train_index, valid_index : np.ndarray
        Training and validation windows.
    needs : set of str
        Signals the method requires.
    method_name : str
    seed : int
    default : str, default="moderntcn"
        Built-in teacher trained when ``teacher`` is None and the method needs one.
    device : str, default="cpu"
    verbose : bool, default=False
    teacher_params : dict or None, default=None
        Settings of a built-in teacher (see :func:`fit_builtin_forecast_teacher`).

    Returns
    -------
    ForecastTorchTeacher, ForecasterTeacher or None
    """
    if teacher is None:
        if not needs:
            return None
        teacher = default
    check = partial(require_signals, needs=needs, method_name=method_name, advice=(
        "Features come from torch teachers with forward_signals (teacher='patchtst' or "
        "'moderntcn' trains one); an aeon forecaster is a black box that gives forecasts "
        "only."))  # fmt: skip
    if teacher_params and not isinstance(teacher, str):
        raise ValueError(
            "teacher_params configures a built-in teacher (teacher='patchtst' or "
            f"'moderntcn', or None); this teacher is a {type(teacher).__name__}: set its "
            "own parameters instead."
        )
    adapter = _forecast_adapter(
        teacher, y_train, X, Y, train_index, valid_index, method_name, seed, device, verbose,
        check, teacher_params,
    )  # fmt: skip
    check(adapter)
    return adapter


def _forecast_adapter(teacher, y_train, X, Y, train_index, valid_index, method_name, seed,
                      device, verbose, check, teacher_params):  # fmt: skip
    n_channels, horizon = X.shape[1], Y.shape[2]
    if isinstance(teacher, str):
        if teacher not in BUILTIN_FORECAST_TEACHERS:
            raise ValueError(
                f"Unknown teacher {teacher!r}. Built-in forecasting teachers: "
                f"{list(BUILTIN_FORECAST_TEACHERS)}; a trained torch module, a skorch net "
                "or an aeon forecaster works too."
            )
        net = fit_builtin_forecast_teacher(
            teacher, X, Y, train_index, valid_index, seed, device=device, verbose=verbose,
            params=teacher_params,
        )
        return ForecastTorchTeacher(net.module_, n_channels, horizon, estimator=net,
                                    fitted_here=True)  # fmt: skip
    if _is_skorch_net(teacher):
        if not getattr(teacher, "initialized_", False):
            raise ValueError(
                "The skorch teacher is not initialized/fitted; fit it first, or pass "
                f"teacher='patchtst' / 'moderntcn' to train one here (method {method_name!r})."
            )
        return ForecastTorchTeacher(teacher.module_, n_channels, horizon, estimator=teacher)
    if isinstance(teacher, nn.Module):
        return ForecastTorchTeacher(teacher, n_channels, horizon)
    if _is_aeon_forecaster(teacher):
        check(ForecasterTeacher(teacher, horizon))  # before any clone is fitted
        if not getattr(teacher, "is_fitted", False):
            # one clone per channel, fitted on the training part only: the students are
            # channel-independent and most aeon forecasters are univariate
            clones = [seeded_clone(teacher, seed).fit(y_train[ch]) for ch in range(n_channels)]
            return ForecasterTeacher(teacher, horizon, verbose=verbose, per_channel=clones,
                                     fitted_here=True)  # fmt: skip
        return ForecasterTeacher(teacher, horizon, verbose=verbose)
    raise TypeError(
        "A forecasting teacher must be None, 'patchtst', 'moderntcn', a trained torch "
        f"nn.Module, a fitted skorch net or an aeon forecaster; got {type(teacher).__name__}."
    )
