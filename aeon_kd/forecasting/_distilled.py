"""DistilledForecaster: a compact torch forecaster distilled from any teacher.

``fit(y)`` cuts the series into (window -> horizon) training windows with a validation
tail, asks the teacher for its forecasts (and, white-box, its features) on every window
once, and trains the student through the library's skorch trainer under a distillation
method. The student emits the whole horizon in one forward pass.
"""

from __future__ import annotations

import dataclasses
import inspect
import warnings

import numpy as np
from aeon.forecasting.base import (
    BaseForecaster,
    DirectForecastingMixin,
    IterativeForecastingMixin,
    SeriesToSeriesForecastingMixin,
)
from aeon.utils.decorators.method_timer import method_timer
from sklearn.utils import check_random_state
from torch import nn

from aeon_kd._checks import FLOAT32_MAX, check_finite
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
from aeon_kd._seeding import seeded_torch
from aeon_kd.methods import NoKD, resolve_method
from aeon_kd.students import build_student, count_parameters
from aeon_kd.students._registry import check_student
from aeon_kd.teachers._forecasting import (
    TeacherNotBetterWarning,
    linear_baseline_mse,
    resolve_forecast_teacher,
)
from aeon_kd.training import check_training_params

__all__ = ["DistilledForecaster"]

#: the default MLP students are at least this many times smaller than the smaller
#: built-in teacher at the estimator's window and horizon (issue 20)
COMPRESSION = 10
#: registry students whose ``hidden_size`` is sized that way unless it is given
_COMPACT_STUDENTS = ("dmlp", "mlp")
#: epochs of the no-KD student the teacher is compared with before distilling: enough
#: to beat a teacher that does not earn its place (on the committed real series the
#: trained student's validation MSE was already below such teachers'), few enough to
#: cost a fraction of the fit
QUICK_STUDENT_EPOCHS = 3

#: largest |y| fit takes: squared errors of the student's float32 training stay finite
_MAX_FIT_MAGNITUDE = 1e18


class DistilledForecaster(
    TunableMethodMixin,
    SeriesToSeriesForecastingMixin,
    DirectForecastingMixin,
    IterativeForecastingMixin,
    BaseForecaster,
):
    """Forecaster whose compact torch student is distilled from a teacher.

    The student maps the last ``window`` steps of every channel to the next ``horizon``
    steps in one forward pass (channel-independent networks: the default ``"dmlp"`` is
    TimeDistill's decomposition MLP). The teacher is given to :meth:`fit`
    (``fit(y, teacher=t)``) or to the constructor; it may be

    * ``"patchtst"`` or ``"moderntcn"``: a PatchTST-style Transformer or a ModernTCN-style
      convolutional network, trained here first on the same windows (white-box);
    * a trained torch module mapping ``(batch, n_channels, window)`` to
      ``(batch, n_channels, horizon)`` (white-box; a ``forward_signals`` method returning
      ``{"logits": forecast, "features": (batch, n_channels, d)}`` adds feature-level
      distillation), or a fitted skorch net;
    * an aeon forecaster (black-box, forecasts only): an unfitted one is cloned and fitted
      per channel on the training part of ``y``; its forecasts for every training window
      are computed once, before training;
    * ``None``: no teacher for ``method="none"``, else the ``"moderntcn"`` teacher.

    Parameters
    ----------
    teacher : see above, default=None
    method : str, Method or list, default="timedistill"
        ``"none"`` (MSE to the truth), ``"kd"`` (plus MSE to the teacher's forecast),
        ``"timedistill"`` (multi-scale and multi-period terms at prediction and, for
        white-box teachers, feature level), or method objects (see
        :func:`aeon_kd.list_methods`).
    student : str, torch.nn.Module or callable, default="dmlp"
        ``"dmlp"``, ``"mlp"`` (see :func:`aeon_kd.list_students`), a module
        ``(batch, n_channels, window) -> (batch, n_channels, horizon)``, or a callable
        ``(n_channels, horizon, **student_params)``; ``window`` is passed to registry
        students and to callables that take it.
    student_params : dict, default=None
        e.g. ``{"hidden_size": 64}``. Without ``hidden_size``, ``"dmlp"`` and ``"mlp"``
        take the largest width of ``aeon_kd.students.HIDDEN_SIZES`` (512 down to 8)
        that keeps them at least ``COMPRESSION`` (10) times smaller than the smaller
        built-in teacher at this ``window`` and ``horizon``
        (:func:`aeon_kd.teachers.builtin_teacher_sizes`): 16 at window 96 and
        horizon 96 (6,372 parameters against ModernTCN's 86,336). The width
        depends on the data's shape only, so ``"none"``, ``"kd"`` and
        ``"timedistill"`` train the same student; TimeDistill's own MLP is
        ``{"hidden_size": 512}``.
    window : int, default=96
        Lookback: the number of past steps the student sees.
    horizon : int, default=24
        Steps forecast in one pass; :meth:`predict` returns the last of them (aeon's
        single-value contract).
    stride : int, default=1
        Step between consecutive training windows (a larger stride trains on fewer,
        less redundant windows of a long series).
    max_epochs : int, default=100
    batch_size : int, default=32
    lr : float, default=1e-3
        Adam learning rate (the TimeDistill authors use 0.01 with ``lr_schedule="halving"``).
    validation_size : float, default=0.2
        Fraction of the series, at its end, whose windows are held out for early
        stopping on the validation MSE to the truth; 0 stops on the training loss.
        Windows straddling the border are dropped, so nothing of the validation tail
        is trained on.
    patience : int, default=20
    lr_schedule : {None, "cosine", "plateau", "halving"}, default=None
    optimizer : str or torch.optim.Optimizer subclass, default="adam"
        ``"adam"``, ``"adamw"``, ``"sgd"``, ``"rmsprop"`` or an optimizer class, as
        skorch takes it (the TimeDistill authors train with Adam).
    optimizer_params : dict or None, default=None
        Its keyword arguments besides ``lr`` (checked against the optimizer before any
        work); None: AdamW gets weight decay 0.01, the others their defaults.
    callbacks : list or None, default=None
        Extra skorch callbacks run while the student trains (callback objects or
        ``(name, callback)`` pairs), after the library's own (scoring, schedule, early
        stopping, progress). Copies are used, so the given objects are not changed.
    teacher_params : dict or None, default=None
        Settings of a built-in teacher (``teacher="patchtst"``, ``"moderntcn"`` or
        None): its training (``max_epochs``, ``batch_size``, ``lr``, ``patience``) and
        network sizes (e.g. ``d_model``; PatchTST: ``n_layers``, ModernTCN: ``n_blocks``), over
        ``aeon_kd.teachers.FORECAST_TEACHER_PARAMS``.
    random_state : int, RandomState or None, default=None
        Seeds initialisation, shuffling and a built-in teacher; the same value gives
        identical CPU forecasts.
    device : str, default="cpu"
        Torch device of the student (and of a built-in teacher).
    verbose : bool, default=False
        The per-epoch table, plus progress bars for training and for a black-box
        teacher's forecasts on a terminal or in a notebook (plain lines in a log).
    checkpoint_dir : str, os.PathLike or None, default=None
        Folder (created if missing) where the training state is saved after every
        epoch: student, optimizer, history, early-stopping state and random streams.
        A later ``fit`` with the same folder, data, teacher outputs and settings resumes
        after the last completed epoch and gives the same student as an uninterrupted
        fit; raising ``max_epochs`` continues a finished fit. A folder holding another
        fit's state is refused, never overwritten. The teacher is still resolved (and,
        if given unfitted, fitted) on each call: pass a fitted teacher to skip that.

    Attributes
    ----------
    student_ : torch.nn.Module
        The trained student, in eval mode.
    teacher_ : object or None
        The teacher used (a built-in teacher's fitted skorch net).
    history_ : skorch.History
        Per-epoch losses, one column per term (``train_task``, ``valid_task``, ...).
    n_student_params_ : int
    n_teacher_params_ : int or None
        Trainable parameters of a torch teacher.
    teacher_mse_ : float or None
        Mean squared difference between the student's and the teacher's forecasts on
        the validation windows.
    valid_mse_ : float or None
        The student's MSE to the truth on the validation windows.
    teacher_valid_mse_, linear_valid_mse_, quick_student_valid_mse_ : float or None
        The teacher's MSE to the truth on the validation windows, and that of two
        baselines fitted on the training windows: a ridge map from window to horizon
        (:func:`aeon_kd.teachers.linear_baseline_mse`) and the student trained without
        KD for three epochs (same recipe and seed). They are compared before
        distilling: a :class:`~aeon_kd.teachers.TeacherNotBetterWarning` says when the
        teacher is not better than the better baseline. None without a teacher or a
        validation split.

    See Also
    --------
    aeon_kd.DistilledClassifier : the classification counterpart.

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
    .. [1] J. Ni, Z. Liu, S. Wang, M. Jin and W. Jin. "TimeDistill: Efficient Long-Term
       Time Series Forecasting with MLP via Cross-Architecture Distillation". KDD 2026,
       arXiv:2502.15016.

    Examples
    --------
    >>> import numpy as np
    >>> from aeon_kd import DistilledForecaster
    >>> t = np.arange(300)
    >>> y = np.sin(2 * np.pi * t / 24) + 0.01 * t
    >>> fc = DistilledForecaster(method="none", window=48, horizon=12, max_epochs=3,
    ...                          student_params={"hidden_size": 16}, random_state=0)
    >>> fc = fc.fit(y)
    >>> fc.series_to_series_forecast(y, 12).shape
    (12,)
    >>> isinstance(fc.predict(y), float)
    True
    """

    _tags = {
        "capability:univariate": True,
        "capability:multivariate": True,
        "capability:horizon": True,
        "capability:missing_values": False,
        "fit_is_empty": False,
        "y_inner_type": "np.ndarray",
        "algorithm_type": "deeplearning",
        "python_dependencies": ["torch", "skorch"],
    }

    def __init__(
        self,
        teacher=None,
        method="timedistill",
        student="dmlp",
        student_params=None,
        window=96,
        horizon=24,
        stride=1,
        max_epochs=100,
        batch_size=32,
        lr=1e-3,
        validation_size=0.2,
        patience=20,
        lr_schedule=None,
        optimizer="adam",
        optimizer_params=None,
        callbacks=None,
        teacher_params=None,
        random_state=None,
        device="cpu",
        verbose=False,
        checkpoint_dir=None,
    ):
        super().__init__(horizon=horizon, axis=1)
        store_parameters(self, locals())

    @method_timer("fit_time_millis_", overwrite=False, remove_on_start=True)
    def fit(self, y, exog=None, axis=1, teacher=UNSET):
        """Fit the student on ``y``, distilling ``teacher`` (or the constructor's).

        Parameters
        ----------
        y : np.ndarray or pd.Series/DataFrame
            Series of shape ``(n_timepoints,)`` or ``(n_channels, n_timepoints)``.
        exog : None
            Exogenous variables are not supported.
        axis : int, default=1
            Time axis of ``y`` (aeon's convention).
        teacher : optional
            Overrides the constructor's ``teacher`` for this fit.

        Returns
        -------
        self : DistilledForecaster
        """
        # aeon's fit, with the fit-time teacher passed on explicitly
        y, exog = self._preprocess_forecasting_input(y, exog, axis, True)
        self._distil(y, FitInputs(teacher))
        self.is_fitted = True
        return self

    # -- aeon hooks -----------------------------------------------------------------

    def _fit(self, y, exog=None):
        # aeon's forecast() and the forecasting mixins: the constructor's teacher
        return self._distil(y, FitInputs())

    def _distil(self, y, inputs):
        self._check_params()
        y = np.asarray(y, dtype=np.float64)
        _check_finite(y, "y")
        _check_fit_scale(y)
        seed = int(check_random_state(self.random_state).randint(0, 2**31 - 1))
        method = resolve_method(self.method, task="forecasting")
        X, Y, train_index, valid_index, border = self._windows(y)
        n_channels = X.shape[1]
        # sized and built once, before any teacher is trained
        student_params = self._check_student_builds(n_channels, seed)
        adapter = resolve_forecast_teacher(
            inputs.teacher_of(self), y_train=y[:, :border], X=X, Y=Y,
            train_index=train_index, valid_index=valid_index, needs=method.teacher_signals,
            method_name=method.name, seed=seed, device=self.device, verbose=self.verbose,
            teacher_params=self.teacher_params,
        )  # fmt: skip
        teacher_outputs = {}
        self.teacher_valid_mse_ = self.linear_valid_mse_ = None
        self.quick_student_valid_mse_ = None
        if adapter is not None:
            signals = set(method.teacher_signals) | (
                set(method.optional_teacher_signals) & set(adapter.signals)
            )
            # every window at once, before training: a black-box teacher is never
            # called inside the epoch loop
            teacher_outputs = adapter.outputs(X, frozenset(signals | {"logits"}))
            self._compare_teacher(teacher_outputs["logits"], X, Y, train_index, valid_index,
                                  seed, student_params)  # fmt: skip
        rows = TrainingRows(X=X, y=Y, train_index=train_index, valid_index=valid_index,
                            teacher_X=X, teacher_outputs=teacher_outputs)  # fmt: skip
        net = self._train_student(method, adapter, rows, training_config(self, seed), seed,
                                  student_params)  # fmt: skip
        self.student_ = net.module_
        self.history_ = net.history
        self.n_student_params_ = count_parameters(self.student_)
        self.teacher_ = None if adapter is None else adapter.estimator
        # black-box forecasters may be per-channel clones fitted here: report() times them
        self._teacher_forecasts = None if adapter is None else adapter.outputs
        module = getattr(adapter, "module", None)
        self.n_teacher_params_ = None if module is None else count_parameters(module)
        self.n_channels_ = X.shape[1]
        self.valid_mse_, self.teacher_mse_ = None, None
        if len(valid_index):
            forecast = self.forecast_windows(X[valid_index])
            self.valid_mse_ = float(np.mean((forecast - Y[valid_index]) ** 2))
            if "logits" in teacher_outputs:
                self.teacher_mse_ = float(
                    np.mean((forecast - teacher_outputs["logits"][valid_index]) ** 2)
                )
        return self

    def _check_student_builds(self, n_channels, seed):
        """Size the student and build it once, before any teacher is trained.

        A conflict such as ``moving_avg`` > ``window`` is reported then. Sizing builds
        candidate students and the built-in teachers; it runs here, in a generator
        forked under the fit's seed, so it draws neither from the caller's generator
        nor from the one that initialises the trained student (a default width then
        gives the same student as that width passed in ``student_params``).

        Returns
        -------
        dict
            The student's settings for this fit (``window``, a compact ``hidden_size``).
        """
        with seeded_torch(seed):
            try:
                params = self._student_params(n_channels)
                build_student(self.student, params, n_channels, self.horizon, "forecasting")
            except (TypeError, ValueError) as err:
                raise ValueError(
                    f"The student {self.student!r} cannot be built with student_params="
                    f"{self.student_params!r}, window={self.window}, horizon={self.horizon}: "
                    f"{err}"
                ) from err
        return params

    def _compare_teacher(self, teacher_forecasts, X, Y, train_index, valid_index, seed,
                         student_params):
        """Warn, before distilling, when the teacher is no better than a quick student.

        The baselines are a ridge map from window to horizon and the student itself
        trained without KD for :data:`QUICK_STUDENT_EPOCHS` epochs (same recipe and
        seed, last weights), both fitted on the training windows and scored on the
        validation windows; the teacher should beat the better of the two.
        """
        if not len(valid_index):
            return  # the three MSEs stay None, as _distil set them
        self.teacher_valid_mse_ = float(
            np.mean((teacher_forecasts[valid_index] - Y[valid_index]) ** 2)
        )
        self.linear_valid_mse_ = linear_baseline_mse(X, Y, train_index, valid_index)
        self.quick_student_valid_mse_ = self._quick_student_mse(
            X, Y, train_index, valid_index, seed, student_params
        )
        baselines = {
            "a linear map from window to horizon": self.linear_valid_mse_,
            f"the student trained without KD for {QUICK_STUDENT_EPOCHS} epochs":
                self.quick_student_valid_mse_,
        }  # fmt: skip
        name, best = min(baselines.items(), key=lambda item: item[1])
        if self.teacher_valid_mse_ >= best:
            warnings.warn(
                f"The teacher forecasts the validation windows no better than {name} "
                f"(MSE {self.teacher_valid_mse_:.4g} vs {best:.4g}), so distilling it is "
                "unlikely to help the student: train the teacher longer or pick another "
                "(teacher=...), or use method='none'.",
                TeacherNotBetterWarning,
                stacklevel=5,  # _compare_teacher, _distil, fit, its timer, the caller
            )

    def _quick_student_mse(self, X, Y, train_index, valid_index, seed, student_params):
        """Validation MSE of the student trained briefly without a teacher."""
        config = training_config(self, seed)
        config = dataclasses.replace(
            config, max_epochs=min(QUICK_STUDENT_EPOCHS, config.max_epochs), patience=None,
            checkpoint_dir=None, verbose=False, callbacks=None,
        )  # fmt: skip
        rows = TrainingRows(X=X, y=Y, train_index=train_index, valid_index=valid_index,
                            teacher_X=X, teacher_outputs={})  # fmt: skip
        net = self._train_student(NoKD(), None, rows, config, seed, student_params)
        forecast = batched_outputs(net.module_, X[valid_index])
        return float(np.mean((forecast - Y[valid_index]) ** 2))

    def _train_student(self, method, adapter, rows, config, seed, student_params):
        """Build this fit's student and train it under ``method`` (the shared trainer)."""
        n_channels = rows.X.shape[1]
        return distil(
            "forecasting", method, adapter, rows,
            build_student=lambda: build_student(
                self.student, student_params, n_channels, self.horizon, "forecasting"
            ),
            n_outputs=self.horizon, config=config, seed=seed,
        )  # fmt: skip

    def _predict(self, y, exog=None):
        forecast = self._forecast_from(np.asarray(y, dtype=np.float64), "y")
        return float(forecast[0, -1])

    def _series_to_series_forecast(self, y, prediction_horizon, exog=None):
        series = _as_channels_first(y)
        if not getattr(self, "is_fitted", False):
            self.fit(series)
        steps = int(prediction_horizon)
        history = series
        parts = []
        while sum(p.shape[1] for p in parts) < steps:
            # longer horizons roll the student forward on its own forecasts
            forecast = self._forecast_from(history, "y")
            parts.append(forecast)
            history = np.concatenate([history, forecast], axis=1)
        out = np.concatenate(parts, axis=1)[:, :steps]
        return out[0] if out.shape[0] == 1 else out

    # -- public helpers -------------------------------------------------------------

    def forecast_windows(self, X):
        """Forecast the next ``horizon`` steps after each window of ``X``.

        Parameters
        ----------
        X : np.ndarray of shape (n_windows, n_channels, window)

        Returns
        -------
        np.ndarray of shape (n_windows, n_channels, horizon)
        """
        if not hasattr(self, "student_"):
            self._check_is_fitted()  # aeon's NotFittedError
        X = np.asarray(X)
        if X.dtype != np.float32:
            X = X.astype(np.float64)  # checked against float32's range before the cast
        if X.ndim == 2:
            X = X[:, None, :]
        if X.ndim != 3 or X.shape[1:] != (self.n_channels_, self.window):
            raise ValueError(
                f"forecast_windows takes (n_windows, n_channels, window) = (n, "
                f"{self.n_channels_}, {self.window}); got {X.shape}."
            )
        _check_finite(X, "X")
        forecast = batched_outputs(self.student_, X)
        if not np.all(np.isfinite(forecast)):
            raise ValueError(
                "The student's forecasts are not finite for these windows (values up to "
                f"{float(np.max(np.abs(X))):.3g} in magnitude): either the values overflow "
                "its float32 arithmetic, so rescale the series in fit and predict alike "
                "(e.g. divide by its standard deviation) and scale the forecasts back, or "
                "its weights are not finite and it must be refitted."
            )
        return forecast

    # -- deployment -----------------------------------------------------------------

    def export(self, path, format="onnx", quantize=False):
        """Write the fitted student to a file that runs without Python or aeon-kd.

        The file maps float32 windows ``(batch, n_channels, window)`` to forecasts
        ``(batch, n_channels, horizon)`` (what :meth:`forecast_windows` returns), with a
        free batch size; ``window``, ``horizon`` and the channels are in its metadata. It
        is checked against the student before it is kept; a failed export leaves
        nothing on disk.

        Parameters
        ----------
        path : str or os.PathLike
            File to write, in an existing folder.
        format : {"onnx", "torchscript"}, default="onnx"
            ONNX (opset 17; needs ``aeon-kd[onnx]``) or TorchScript.
        quantize : bool, default=False
            Dynamic int8 quantisation of the weights (onnxruntime's for ONNX, torch's
            for TorchScript).

        Returns
        -------
        pathlib.Path
            The written file; :func:`aeon_kd.deploy.load_student` loads it.

        Examples
        --------
        >>> import os, tempfile
        >>> import numpy as np
        >>> from aeon_kd import DistilledForecaster
        >>> from aeon_kd.deploy import load_student
        >>> y = np.sin(np.arange(300) / 5.0)
        >>> fc = DistilledForecaster(method="none", window=48, horizon=6, max_epochs=2,
        ...                          random_state=0).fit(y)
        >>> path = fc.export(os.path.join(tempfile.mkdtemp(), "student.onnx"))
        >>> load_student(path).predict(y[None, None, -48:]).shape
        (1, 1, 6)
        """
        from aeon_kd.deploy._export import _check_format, deployment_facts, export_student

        _check_format(format)
        self._check_is_fitted()
        example = np.random.default_rng(0).standard_normal((4, self.n_channels_, self.window))
        metadata = {
            "task": "forecasting",
            "output_name": "forecast",
            "window": int(self.window),
            "horizon": int(self.horizon),
            **deployment_facts(self),
        }
        return export_student(
            self.student_, path, format=format, example=example, metadata=metadata,
            dynamic_length=False, quantize=quantize,
        )

    def report(self, budget_s=0.5):
        """Size and speed of the teacher and the student, and how much was compressed.

        Parameters, bytes on disk, multiply-accumulates per window and milliseconds per
        window at batch 1 and 256 on this machine; see
        :meth:`aeon_kd.DistilledClassifier.report`.

        Parameters
        ----------
        budget_s : float, default=0.5
            Seconds spent timing each model at each batch size (at least 3 calls).

        Returns
        -------
        aeon_kd.deploy.DistillationReport

        Examples
        --------
        >>> import numpy as np
        >>> from aeon_kd import DistilledForecaster
        >>> y = np.sin(np.arange(300) / 5.0)
        >>> fc = DistilledForecaster(method="none", window=48, horizon=6, max_epochs=2,
        ...                          random_state=0).fit(y)
        >>> fc.report(budget_s=0.05).student["parameters"] > 0
        True
        """
        from aeon_kd.deploy._report import build_report

        self._check_is_fitted()
        shape = (self.n_channels_, int(self.window))
        forecasts = self._teacher_forecasts
        windows = f"{self.n_channels_} channel(s), window {self.window} -> horizon {self.horizon}"
        return build_report(
            self.student_, shape, self.teacher_, shape,
            teacher_predict=None if forecasts is None else (lambda X: forecasts(X, {"logits"})),
            extra={"method": resolve_method(self.method).name, "windows": windows},
            budget_s=budget_s,
        )  # fmt: skip

    # -- helpers --------------------------------------------------------------------

    def _forecast_from(self, series, name):
        if series.ndim == 1:
            series = series[None, :]
        if series.shape[1] < self.window:
            raise ValueError(
                f"{name} has {series.shape[1]} time points, fewer than window={self.window}: "
                "the student needs the last `window` steps."
            )
        if series.shape[0] != self.n_channels_:
            raise ValueError(
                f"{name} has {series.shape[0]} channel(s) but the forecaster was fitted on "
                f"{self.n_channels_}: give every channel seen in fit, as (n_channels, "
                "n_timepoints) (or (n_timepoints, n_channels) with axis=0)."
            )
        return self.forecast_windows(series[None, :, -self.window :])[0]

    def _preprocess_series(self, X, axis, store_metadata):
        # before aeon's checks, which fail inside numpy on an empty series and word NaN
        # and infinite values without naming the fix
        values = X.to_numpy() if hasattr(X, "to_numpy") else X
        if isinstance(values, np.ndarray) and np.issubdtype(values.dtype, np.number):
            if values.size == 0:
                raise ValueError(
                    f"y has shape {values.shape}: give a series with at least one time point."
                )
            _check_finite(values, "y")
        return super()._preprocess_series(X, axis, store_metadata)

    def _student_params(self, n_channels):
        params = dict(self.student_params or {})
        if isinstance(self.student, nn.Module) or "window" in params:
            return params
        from aeon_kd.students._registry import _STUDENTS

        if isinstance(self.student, str) and self.student not in _STUDENTS:
            return params  # build_student names the valid students
        builder = _STUDENTS[self.student][0] if isinstance(self.student, str) else self.student
        try:
            takes_window = "window" in inspect.signature(builder).parameters
        except (TypeError, ValueError):
            takes_window = False
        if takes_window:
            params["window"] = int(self.window)
        if self.student in _COMPACT_STUDENTS and "hidden_size" not in params:
            params["hidden_size"] = self._compact_hidden_size(builder, n_channels, params)
        return params

    def _compact_hidden_size(self, builder, n_channels, params):
        """The MLP's width that keeps it >= 10x smaller than the built-in teachers."""
        from aeon_kd.students._forecasting import largest_hidden_size
        from aeon_kd.teachers import builtin_teacher_sizes

        window, horizon = int(self.window), int(self.horizon)
        teachers = builtin_teacher_sizes(n_channels, window, horizon)
        if not teachers:  # no built-in teacher fits this window: the student's own default
            return inspect.signature(builder).parameters["hidden_size"].default
        smallest = min(teachers.values())
        others = {k: v for k, v in params.items() if k != "window"}
        return largest_hidden_size(builder, smallest // COMPRESSION, n_channels, horizon,
                                   window, **others)  # fmt: skip

    def _check_params(self):
        check_training_params(self, integers=("window", "horizon", "stride"))
        if self.teacher_params is not None and not isinstance(self.teacher_params, dict):
            raise ValueError(
                "teacher_params must be None or a dict of a built-in teacher's settings, "
                f"e.g. {{'max_epochs': 50}}; got {self.teacher_params!r}."
            )
        check_student(self.student, "forecasting")
        resolve_method(self.method).validate()

    def _windows(self, y):
        """Training and validation windows, split at a border with no overlap."""
        n_timepoints = y.shape[1]
        w, h = int(self.window), int(self.horizon)
        n_valid_points = int(np.ceil(self.validation_size * n_timepoints))
        need_train = w + h
        if n_valid_points and (
            n_timepoints - n_valid_points < need_train or n_valid_points < h
        ):
            # as the classifier does with a split it cannot make: say so, train on all
            warnings.warn(
                f"validation_size={self.validation_size!r} holds out {n_valid_points} of "
                f"{n_timepoints} time points, but a validation tail needs at least "
                f"horizon={h} points and must leave window + horizon = {need_train} for "
                "training: training on the whole series without one (early stopping "
                "watches the training loss). Lower validation_size, or set it to 0 to "
                "silence this.",
                UserWarning,
                stacklevel=4,
            )
            n_valid_points = 0
        border = n_timepoints - n_valid_points
        if border < need_train:
            raise ValueError(
                f"y has {n_timepoints} time points, too few for window={w} and horizon={h}: "
                f"one training window needs window + horizon = {need_train} points. Use a "
                "longer series or a smaller window/horizon."
                + (
                    f" (y was read as {y.shape[0]} channels of {n_timepoints} time points: "
                    "for (n_timepoints, n_channels) data pass axis=0.)"
                    if y.shape[0] > n_timepoints
                    else ""
                )
            )
        view = np.lib.stride_tricks.sliding_window_view(y, w + h, axis=1)  # (C, n, w+h)
        starts = np.arange(view.shape[1])
        train_starts = starts[starts + w + h <= border][:: int(self.stride)]
        valid_starts = starts[starts + w >= border] if n_valid_points else starts[:0]
        chosen = np.concatenate([train_starts, valid_starts])
        check_allocation(
            len(chosen) * y.shape[0] * (w + h) * 4,
            f"Cutting {len(chosen)} windows of {y.shape[0]} channel(s) x (window {w} + "
            f"horizon {h}) float32 from y",
            "Use a larger stride= (every stride-th training window), a shorter series or "
            "a smaller window",
        )
        windows = np.ascontiguousarray(view[:, chosen].transpose(1, 0, 2), dtype=np.float32)
        X, Y = windows[:, :, :w], windows[:, :, w:]
        train_index = np.arange(len(train_starts))
        valid_index = np.arange(len(train_starts), len(chosen))
        return np.ascontiguousarray(X), np.ascontiguousarray(Y), train_index, valid_index, border

    @classmethod
    def _get_test_params(cls, parameter_set="default"):
        from aeon.forecasting import NaiveForecaster

        small = {
            "window": 4,
            "horizon": 2,
            "max_epochs": 2,
            "batch_size": 4,
            "student_params": {"hidden_size": 4, "moving_avg": 3},
            "random_state": 0,
        }
        return [
            {"method": "none", **small},
            {"method": "kd", "teacher": NaiveForecaster(), **small},
        ]


def _as_channels_first(y):
    if hasattr(y, "to_numpy"):
        y = y.to_numpy()
    y = np.asarray(y, dtype=np.float64)
    if y.ndim == 1:
        y = y[None, :]
    if y.ndim != 2:
        raise ValueError(f"y must be 1-D or (n_channels, n_timepoints), got shape {y.shape}.")
    _check_finite(y, "y")
    return y


def _check_finite(values, name):
    check_finite(
        values, name,
        impute="Impute them first (e.g. interpolate) or cut them out.",
        rescale="Rescale it, in fit and predict alike (e.g. divide by its standard "
        "deviation), and scale the forecasts back.",
    )  # fmt: skip


def _check_fit_scale(y):
    peak = float(np.max(np.abs(y), initial=0.0))
    if peak > _MAX_FIT_MAGNITUDE:
        raise ValueError(
            f"y holds values up to {peak:.3g} in magnitude: the student trains on squared "
            f"errors in float32, which overflow (beyond {FLOAT32_MAX:.3g}) for values "
            f"above about {_MAX_FIT_MAGNITUDE:.0e}. Rescale y, in fit and predict alike "
            "(e.g. divide by its standard deviation), and scale the forecasts back."
        )
