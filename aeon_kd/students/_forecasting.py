"""MLP students for long-term forecasting (the TimeDistill student and a plain variant).

Every forecasting network takes input of shape ``(batch, n_channels, window)`` (aeon's
channel-first layout) and ``forward`` returns the forecast ``(batch, n_channels,
horizon)``. ``forward_signals(x)`` returns a dict with

``"logits"``   ``(batch, n_channels, horizon)`` the forecast (called logits for
               uniformity with classification)
``"features"`` ``(batch, n_channels, d)`` a per-channel representation

The networks are channel-independent: one set of weights is applied to every channel,
apart from the per-channel batch-norm and RevIN affine parameters.
"""

from __future__ import annotations

import numbers

import torch
import torch.nn.functional as F
from torch import nn

from aeon_kd.students._networks import _BatchNorm1d

__all__ = ["DMLPStudent", "MLPStudent", "HIDDEN_SIZES", "largest_hidden_size"]

#: hidden sizes :func:`largest_hidden_size` chooses from, largest first
HIDDEN_SIZES = (512, 384, 256, 192, 128, 96, 64, 48, 32, 24, 16, 12, 8)

_NORMALIZATIONS = ("mean", "revin", None)


def _check_int(name, value, minimum=1):
    # bool is an Integral too, but True as a window size is always a mistake
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}.")
    return int(value)


def _check_dropout(value):
    if not isinstance(value, numbers.Real) or not 0.0 <= value < 1.0:
        raise ValueError(f"dropout must be a float in [0, 1), got {value!r}.")
    return float(value)


def _check_input(x, n_channels, window, owner):
    if x.ndim != 3 or x.shape[1] != n_channels or x.shape[2] != window:
        raise ValueError(
            f"{owner} expects input of shape (batch, n_channels={n_channels}, "
            f"window={window}), got {tuple(x.shape)}."
        )


class _InstanceNorm(nn.Module):
    """Per-(sample, channel) normalisation over time and its inverse on the forecast.

    ``"mean"`` subtracts the lookback mean (the "non-stationary" normalisation of the
    TimeDistill scripts); ``"revin"`` also divides by the standard deviation, with an
    optional learnable per-channel affine map (RevIN); ``None`` does nothing.
    Statistics are returned rather than stored, so one module can serve concurrent
    calls and nothing stale survives between batches.
    """

    def __init__(self, n_channels, mode="mean", affine=True, eps=1e-5):
        super().__init__()
        if mode not in _NORMALIZATIONS:
            raise ValueError(f"normalization must be one of {list(_NORMALIZATIONS)}, got {mode!r}.")
        self.mode = mode
        self.eps = eps
        # the affine vectors only exist where they are used, so parameter counts are exact
        self.affine = mode == "revin" and affine
        if self.affine:
            self.weight = nn.Parameter(torch.ones(n_channels))
            self.bias = nn.Parameter(torch.zeros(n_channels))

    def normalize(self, x):
        """Return the normalised ``x`` (batch, channels, time) and its statistics."""
        if self.mode is None:
            return x, None
        # statistics are constants for the gradient, as in RevIN and the authors' code
        mean = x.mean(dim=2, keepdim=True).detach()
        x = x - mean
        if self.mode == "mean":
            return x, (mean, None)
        std = torch.sqrt(x.var(dim=2, keepdim=True, unbiased=False) + self.eps).detach()
        x = x / std
        if self.affine:
            x = x * self.weight[:, None] + self.bias[:, None]
        return x, (mean, std)

    def denormalize(self, y, stats):
        """Map a forecast ``y`` (batch, channels, horizon) back to the input's scale."""
        if stats is None:
            return y
        mean, std = stats
        if std is not None:
            if self.affine:
                # eps**2 keeps the division finite if a weight is driven to zero
                y = (y - self.bias[:, None]) / (self.weight[:, None] + self.eps**2)
            y = y * std
        return y + mean


def moving_average(x, kernel_size):
    """Moving average over the last axis with replicate padding; length is kept.

    Parameters
    ----------
    x : Tensor of shape (..., n_timepoints)
    kernel_size : int
        Window of the average; stride 1. The series is padded with ``(kernel_size - 1)
        // 2`` copies of its first value and ``kernel_size // 2`` of its last, so odd
        kernels are centred and even ones still keep the length.

    Returns
    -------
    Tensor of the same shape as ``x``.

    Examples
    --------
    >>> import torch
    >>> from aeon_kd.students._forecasting import moving_average
    >>> moving_average(torch.tensor([[0.0, 3.0, 6.0, 9.0]]), 3)
    tensor([[1., 3., 6., 8.]])
    """
    if kernel_size == 1:
        return x
    shape = x.shape
    flat = x.reshape(-1, 1, shape[-1])
    left, right = (kernel_size - 1) // 2, kernel_size // 2
    flat = torch.cat(
        [flat[..., :1].expand(-1, -1, left), flat, flat[..., -1:].expand(-1, -1, right)], dim=-1
    )
    return F.avg_pool1d(flat, kernel_size, stride=1).reshape(shape)


class _MLPBranch(nn.Module):
    """Linear(window -> hidden) -> BatchNorm1d(C) -> ReLU -> Linear(hidden -> horizon)."""

    def __init__(self, n_channels, window, hidden_size, horizon):
        super().__init__()
        self.first = nn.Linear(window, hidden_size)
        # BatchNorm1d(C) on (B, C, hidden): statistics per channel over batch and units
        self.norm = _BatchNorm1d(n_channels)
        self.second = nn.Linear(hidden_size, horizon)

    def forward(self, x):
        """Return the first layer's output (pre-norm) and the branch forecast."""
        hidden = self.first(x)
        return hidden, self.second(F.relu(self.norm(hidden)))


class _ForecastingMLP(nn.Module):
    """Shared argument checks, normalisation and signal protocol of the MLP students."""

    def __init__(self, n_channels, horizon, window, hidden_size, normalization):
        super().__init__()
        self.n_channels = _check_int("n_channels", n_channels)
        self.horizon = _check_int("horizon", horizon)
        self.window = _check_int("window", window)
        self.hidden_size = _check_int("hidden_size", hidden_size)
        self.normalization = normalization
        self.instance_norm = _InstanceNorm(self.n_channels, normalization, affine=True)

    def _body(self, x):
        raise NotImplementedError

    def forward_signals(self, x):
        """Return ``{"logits": forecast, "features": first-layer output}``.

        ``"logits"`` has shape (batch, n_channels, horizon), ``"features"`` (batch,
        n_channels, hidden_size): the first linear layer's output before batch norm
        and ReLU, the representation TimeDistill distils.
        """
        _check_input(x, self.n_channels, self.window, type(self).__name__)
        z, stats = self.instance_norm.normalize(x)
        features, forecast = self._body(z)
        return {"logits": self.instance_norm.denormalize(forecast, stats), "features": features}

    def forward(self, x):
        """Return the forecast of shape (batch, n_channels, horizon)."""
        return self.forward_signals(x)["logits"]


class DMLPStudent(_ForecastingMLP):
    """Decomposition MLP: TimeDistill's student ("DMLP" in the authors' code).

    Per channel, with weights shared across channels: instance normalisation, a
    moving-average split into trend and seasonal parts, one two-layer MLP per part
    (Linear -> BatchNorm1d over channels -> ReLU -> Linear), the sum of both, and the
    inverse normalisation.

    Parameters
    ----------
    n_channels : int
        Number of channels (variables) of the series.
    horizon : int
        Number of future steps to forecast.
    window : int
        Length of the lookback window the network reads.
    hidden_size : int, default=512
        Width of each branch's hidden layer (TimeDistill uses 512; 1024 on Traffic).
    moving_avg : int, default=25
        Kernel of the moving average that gives the trend (stride 1, replicate
        padding); at most ``window``.
    normalization : {"mean", "revin", None}, default="mean"
        ``"mean"`` subtracts each (sample, channel) lookback mean and adds it back to
        the forecast (the authors' "non-stationary" default); ``"revin"`` also divides
        by the standard deviation (eps 1e-5) with a learnable per-channel affine map;
        None leaves the input as it is.

    Examples
    --------
    >>> import torch
    >>> from aeon_kd.students import DMLPStudent
    >>> net = DMLPStudent(n_channels=3, horizon=24, window=96, hidden_size=32)
    >>> net(torch.randn(8, 3, 96)).shape
    torch.Size([8, 3, 24])
    >>> net.forward_signals(torch.randn(8, 3, 96))["features"].shape
    torch.Size([8, 3, 32])
    """

    def __init__(
        self, n_channels, horizon, window, hidden_size=512, moving_avg=25, normalization="mean"
    ):
        super().__init__(n_channels, horizon, window, hidden_size, normalization)
        self.moving_avg = _check_int("moving_avg", moving_avg)
        if self.moving_avg > self.window:
            raise ValueError(
                f"moving_avg must be at most window={self.window} (the trend averages over "
                f"part of the lookback), got moving_avg={moving_avg}; lower moving_avg."
            )
        args = (self.n_channels, self.window, self.hidden_size, self.horizon)
        self.seasonal = _MLPBranch(*args)
        self.trend = _MLPBranch(*args)

    def _body(self, z):
        trend = moving_average(z, self.moving_avg)
        seasonal_hidden, seasonal_out = self.seasonal(z - trend)
        trend_hidden, trend_out = self.trend(trend)
        return seasonal_hidden + trend_hidden, seasonal_out + trend_out


class MLPStudent(_ForecastingMLP):
    """Two-layer channel-independent MLP forecaster, no decomposition.

    Instance normalisation, Linear(window -> hidden) -> BatchNorm1d over channels ->
    ReLU -> Linear(hidden -> horizon), inverse normalisation; the single-branch
    variant ("MLP") of the TimeDistill code.

    Parameters
    ----------
    n_channels : int
        Number of channels (variables) of the series.
    horizon : int
        Number of future steps to forecast.
    window : int
        Length of the lookback window the network reads.
    hidden_size : int, default=512
        Width of the hidden layer.
    normalization : {"mean", "revin", None}, default="mean"
        As for :class:`DMLPStudent`.

    Examples
    --------
    >>> import torch
    >>> from aeon_kd.students import MLPStudent
    >>> net = MLPStudent(n_channels=1, horizon=12, window=48, hidden_size=16)
    >>> out = net.forward_signals(torch.randn(4, 1, 48))
    >>> out["logits"].shape, out["features"].shape
    (torch.Size([4, 1, 12]), torch.Size([4, 1, 16]))
    """

    def __init__(self, n_channels, horizon, window, hidden_size=512, normalization="mean"):
        super().__init__(n_channels, horizon, window, hidden_size, normalization)
        self.branch = _MLPBranch(self.n_channels, self.window, self.hidden_size, self.horizon)

    def _body(self, z):
        return self.branch(z)


def _dmlp(n_channels, n_outputs, window, hidden_size=512, moving_avg=25, normalization="mean"):
    """Registry builder: :class:`DMLPStudent` with ``n_outputs`` as the horizon."""
    return DMLPStudent(n_channels, n_outputs, window, hidden_size, moving_avg, normalization)


def _mlp(n_channels, n_outputs, window, hidden_size=512, normalization="mean"):
    """Registry builder: :class:`MLPStudent` with ``n_outputs`` as the horizon."""
    return MLPStudent(n_channels, n_outputs, window, hidden_size, normalization)


def largest_hidden_size(builder, budget, n_channels, horizon, window, **params):
    """The largest of :data:`HIDDEN_SIZES` whose student has at most ``budget`` parameters.

    Parameters
    ----------
    builder : callable
        A registry builder ``(n_channels, horizon, window, hidden_size=..., **params)``.
    budget : int
        Most parameters allowed.
    n_channels, horizon, window : int
    **params
        The builder's other settings (e.g. ``moving_avg``).

    Returns
    -------
    int
        The smallest of :data:`HIDDEN_SIZES` when none fits.

    Examples
    --------
    >>> from aeon_kd.students._forecasting import _dmlp, largest_hidden_size
    >>> largest_hidden_size(_dmlp, 10_000, 1, 96, 96)
    24
    """
    from aeon_kd.students._networks import count_parameters

    for size in HIDDEN_SIZES:
        student = builder(n_channels, horizon, window, hidden_size=size, **params)
        if count_parameters(student) <= budget:
            return size
    return HIDDEN_SIZES[-1]
