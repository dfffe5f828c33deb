"""A LITE-style student and the per-series normalisation that can sit in front of any student.

LITE (Ismail-Fawaz et al., 2024) keeps InceptionTime's accuracy at a few percent of its
size by three tricks: several kernel sizes side by side (multiplexing), fixed hand-made
filters that detect rises, falls and peaks, and depthwise-separable convolutions whose
dilation grows layer by layer, so the receptive field grows without parameters.
:class:`LITEStudent` is that design scaled to a few thousand parameters.

:class:`SeriesNormalized` z-normalises each series (per channel) inside the student's
graph, so ``predict``, TorchScript and ONNX apply exactly the same arithmetic.
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from aeon_kd.students._networks import _BatchNorm1d, _PooledConvNet, check_positive_ints
from aeon_kd.students._signals import available_signals, signals_of

__all__ = ["ChannelStandardized", "LITEStudent", "SeriesNormalized", "NORMALIZATIONS"]

#: names accepted by the estimators' ``normalize`` parameter
NORMALIZATIONS = ("series", "channel", None)
_EPS = 1e-5


def _zscore(x):
    mean = x.mean(dim=2, keepdim=True)
    std = (x - mean).pow(2).mean(dim=2, keepdim=True).sqrt()
    return (x - mean) / (std + _EPS)


class SeriesNormalized(nn.Module):
    """A student whose input series are z-normalised first, per series and channel.

    Each channel of each series is shifted to mean 0 and scaled to standard deviation 1
    (a constant channel becomes zeros). Being part of the module, the normalisation
    travels with the student into ``predict_proba``, TorchScript and ONNX files.

    Parameters
    ----------
    net : torch.nn.Module
        The student proper; its signals (``forward_signals`` or a
        :class:`~aeon_kd.students.SignalTap`) are passed through.

    Examples
    --------
    >>> import torch
    >>> from aeon_kd.students import FCNStudent, SeriesNormalized
    >>> net = SeriesNormalized(FCNStudent(1, 2)).eval()
    >>> x = torch.randn(3, 1, 40)
    >>> torch.allclose(net(x), net(100 * x + 7), atol=1e-4)  # gain and offset removed
    True
    """

    #: how the input is scaled, as reports name it
    scaling = "series-normalised"

    def __init__(self, net):
        super().__init__()
        self.net = net

    @property
    def provided_signals(self):
        """The wrapped network's signals."""
        return available_signals(self.net)

    def _scale(self, x):
        return _zscore(x)

    def forward_signals(self, x):
        """Signals of the wrapped network on the scaled series."""
        return signals_of(self.net, self._scale(x), None)

    def forward(self, x):
        """Logits of the wrapped network on the scaled series."""
        return self.net(self._scale(x))


class ChannelStandardized(SeriesNormalized):
    """A student whose input channels are standardised with the training set's statistics.

    Each channel is shifted by its mean and scaled by its standard deviation over every
    training series and time point (scikit-learn's ``StandardScaler``, per channel).
    Unlike :class:`SeriesNormalized`, the level and amplitude of a series relative to
    the others survive, which matters where they tell the classes apart (multichannel
    sensors, problems not z-normalised in the archive). The statistics are buffers of
    the module, so ``predict_proba``, TorchScript and ONNX apply them identically.

    Parameters
    ----------
    net : torch.nn.Module
        The student proper.
    mean, std : array-like of shape (n_channels,)
        Per-channel statistics of the training series; a std of 0 counts as 1.

    Examples
    --------
    >>> import numpy as np
    >>> import torch
    >>> from aeon_kd.students import ChannelStandardized, FCNStudent
    >>> X = np.random.default_rng(0).normal(5.0, 3.0, size=(10, 2, 30))
    >>> net = ChannelStandardized.fitted_on(FCNStudent(2, 2), X).eval()
    >>> [round(float(v), 1) for v in net.mean.flatten()]
    [5.1, 4.8]
    """

    scaling = "channel-standardised"

    def __init__(self, net, mean, std):
        super().__init__(net)
        mean = torch.as_tensor(np.asarray(mean, dtype=np.float32)).reshape(1, -1, 1)
        std = torch.as_tensor(np.asarray(std, dtype=np.float32)).reshape(1, -1, 1)
        self.register_buffer("mean", mean)
        self.register_buffer("std", torch.where(std > 0, std, torch.ones_like(std)))

    @classmethod
    def fitted_on(cls, net, X):
        """Wrap ``net`` with the per-channel statistics of ``X`` (n, channels, length)."""
        X = np.asarray(X, dtype=np.float64)
        return cls(net, X.mean(axis=(0, 2)), X.std(axis=(0, 2)))

    def _scale(self, x):
        return (x - self.mean) / self.std


def _custom_filters(n_channels):
    """LITE's fixed filters: rises and falls at six scales, peaks at three."""
    filters = []
    for size in (2, 4, 8, 16, 32, 64):
        rise = torch.ones(size)
        rise[: size // 2] = -1.0
        filters += [rise, -rise]
    for size in (6, 12, 24):
        t = torch.linspace(-1.0, 1.0, size)
        peak = 1.0 - t**2
        filters.append(peak - peak.mean())
    width = max(len(f) for f in filters) + 1  # odd, so "same" padding is symmetric
    bank = torch.zeros(len(filters), 1, width)
    for row, values in enumerate(filters):
        start = (width - len(values)) // 2
        bank[row, 0, start : start + len(values)] = values
    return bank.repeat(n_channels, 1, 1)  # one set per input channel (grouped conv)


class _MultiplexedFirstLayer(nn.Module):
    """LITE's first layer: parallel kernels beside fixed filters, batch norm, ReLU."""

    def __init__(self, n_channels, filters, kernel_sizes, custom_filters):
        super().__init__()
        # explicit symmetric padding: ONNX runtimes refuse "same" with dilation
        self.branches = nn.ModuleList(
            nn.Conv1d(n_channels, filters, k, padding=k // 2, bias=False) for k in kernel_sizes
        )
        self.n_channels = n_channels
        self.n_maps = filters * len(kernel_sizes)
        if custom_filters:
            self.register_buffer("fixed", _custom_filters(n_channels))
            self.n_maps += self.fixed.shape[0]
        else:
            self.fixed = None
        self.norm = _BatchNorm1d(self.n_maps)

    def forward(self, x):
        """Maps ``(batch, n_maps, time)``."""
        maps = [branch(x) for branch in self.branches]
        if self.fixed is not None:
            maps.append(F.conv1d(x, self.fixed, padding=self.fixed.shape[2] // 2,
                                 groups=self.n_channels))  # fmt: skip
        return F.relu(self.norm(torch.cat(maps, dim=1)))


class LITEStudent(_PooledConvNet):
    """A small LITE-style convolutional network (Ismail-Fawaz et al., 2024).

    A first layer of ``len(kernel_sizes)`` parallel convolutions with ``filters``
    filters each, beside fixed rise/fall/peak detectors (``custom_filters``); then one
    depthwise-separable convolution per entry of ``dilations`` (depthwise kernel
    ``kernel_size`` at that dilation, pointwise to ``width`` channels, batch norm,
    ReLU); global average pooling and a linear head.

    Parameters
    ----------
    n_channels : int
        Number of input channels.
    n_outputs : int
        Number of logits (classes).
    filters : int, default=8
        Filters per kernel size of the first layer.
    kernel_sizes : tuple of int, default=(39, 19, 9)
        Kernel sizes of the first layer (multiplexing).
    width : int, default=24
        Channels of the depthwise-separable layers.
    kernel_size : int, default=9
        Depthwise kernel of those layers.
    dilations : tuple of int, default=(1, 2, 4)
        One depthwise-separable layer per value.
    custom_filters : bool, default=True
        Add LITE's fixed (untrained) filters to the first layer.

    References
    ----------
    .. [1] A. Ismail-Fawaz, M. Devanne, S. Berretti, J. Weber and G. Forestier. "Look
       Into the LITE in Deep Learning for Time Series Classification". arXiv:2409.02869.

    Examples
    --------
    >>> import torch
    >>> from aeon_kd.students import LITEStudent, count_parameters
    >>> net = LITEStudent(n_channels=1, n_outputs=2)
    >>> net(torch.zeros(4, 1, 60)).shape, count_parameters(net) <= 5000
    (torch.Size([4, 2]), True)
    >>> net.forward_signals(torch.zeros(4, 1, 60))["hidden"].shape
    torch.Size([4, 60, 24])
    """

    def __init__(
        self,
        n_channels,
        n_outputs,
        filters=8,
        kernel_sizes=(39, 19, 9),
        width=24,
        kernel_size=9,
        dilations=(1, 2, 4),
        custom_filters=True,
    ):
        super().__init__()
        check_positive_ints(filters=filters, width=width, kernel_size=kernel_size)
        kernel_sizes, dilations = tuple(kernel_sizes), tuple(dilations)
        if not kernel_sizes or not dilations:
            raise ValueError("kernel_sizes and dilations must each hold at least one value.")
        if any(k % 2 == 0 for k in (*kernel_sizes, kernel_size)):
            raise ValueError(
                f"kernel_sizes {kernel_sizes} and kernel_size {kernel_size} must be odd, so "
                "the maps keep the input length with symmetric padding."
            )
        first = _MultiplexedFirstLayer(n_channels, filters, kernel_sizes, custom_filters)
        layers, channels = [first], first.n_maps
        for dilation in dilations:  # depthwise-separable, dilation growing
            layers += [
                nn.Conv1d(channels, channels, kernel_size, padding=dilation * (kernel_size // 2),
                          dilation=dilation, groups=channels, bias=False),  # fmt: skip
                nn.Conv1d(channels, width, 1, bias=False),
                _BatchNorm1d(width),
                nn.ReLU(),
            ]
            channels = width
        self.body = nn.Sequential(*layers)
        self.head = nn.Linear(width, n_outputs)
