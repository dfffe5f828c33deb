"""Compact student networks for time-series classification.

Every built-in network takes input of shape ``(batch, n_channels, n_timepoints)``
(aeon's layout) and returns logits from ``forward``. It also follows the *signal
protocol* that white-box distillation methods rely on: ``forward_signals(x)``
returns a dict with

``"logits"``   ``(batch, n_outputs)``
``"hidden"``   ``(batch, n_timepoints, width)`` per-step states of the last layer
``"features"`` ``(batch, width)`` the pooled representation fed to the head

so a method can read hidden states without hooks or edits to the network.
"""

from __future__ import annotations

import torch.nn.functional as F
from torch import nn

from aeon_kd.students._signals import signals_of  # noqa: F401  (re-exported)

__all__ = ["RecurrentStudent", "FCNStudent", "AdaTimeCNN"]


class _BatchNorm1d(nn.BatchNorm1d):
    """``nn.BatchNorm1d`` that also trains on a batch with one value per channel.

    torch refuses to normalise such a batch (a length-1 series, or a map pooled down to
    one step, in a last mini-batch of one series); it is normalised with the running
    statistics instead, as in evaluation, which it leaves unchanged.
    """

    def forward(self, x):
        if self.training and x.numel() == x.shape[1]:
            return F.batch_norm(
                x, self.running_mean, self.running_var, self.weight, self.bias, False, 0.0,
                self.eps,
            )
        return super().forward(x)


class _SameConv1d(nn.Conv1d):
    """``nn.Conv1d(..., padding="same")`` that pads even kernels itself.

    For an even kernel torch pads one step more on the right, but does it by copying the
    input inside every call and warning each process that it does; this pads the same
    steps explicitly (half of ``dilation * (k - 1)`` left, the rest right), giving
    identical outputs and parameter names without the warning. Odd kernels use torch's
    padding unchanged.
    """

    def __init__(self, in_channels, out_channels, kernel_size, **kwargs):
        total = kwargs.get("dilation", 1) * (int(kernel_size) - 1)
        self.asymmetric = total % 2 == 1  # torch would copy and warn
        super().__init__(in_channels, out_channels, kernel_size,
                         padding=0 if self.asymmetric else "same", **kwargs)  # fmt: skip
        self.same_padding = [total // 2, total - total // 2]

    def forward(self, x):
        if self.asymmetric:
            x = F.pad(x, self.same_padding)
        return super().forward(x)


class RecurrentStudent(nn.Module):
    """LSTM or GRU classifier whose last-step output feeds a linear head.

    Parameters
    ----------
    n_channels : int
        Number of input channels.
    n_outputs : int
        Number of logits (classes).
    hidden_size : int, default=16
        Width of each recurrent layer; 16 is the student of the MemKD and TSD papers.
    num_layers : int, default=1
        Number of stacked recurrent layers.
    cell : {"lstm", "gru"}, default="lstm"
        Recurrent cell type.
    dropout : float, default=0.0
        Dropout between stacked layers (ignored with one layer).
    bidirectional : bool, default=False
        Read the series in both directions.

    Examples
    --------
    >>> import torch
    >>> from aeon_kd.students import RecurrentStudent
    >>> net = RecurrentStudent(n_channels=2, n_outputs=3)
    >>> net(torch.zeros(4, 2, 50)).shape
    torch.Size([4, 3])
    >>> net.forward_signals(torch.zeros(4, 2, 50))["hidden"].shape
    torch.Size([4, 50, 16])
    """

    def __init__(
        self,
        n_channels,
        n_outputs,
        hidden_size=16,
        num_layers=1,
        cell="lstm",
        dropout=0.0,
        bidirectional=False,
    ):
        super().__init__()
        cells = {"lstm": nn.LSTM, "gru": nn.GRU}
        if cell not in cells:
            raise ValueError(f"cell must be one of {sorted(cells)}, got {cell!r}.")
        self.rnn = cells[cell](
            input_size=n_channels,
            hidden_size=hidden_size,
            num_layers=num_layers,
            batch_first=True,
            dropout=dropout if num_layers > 1 else 0.0,
            bidirectional=bidirectional,
        )
        width = hidden_size * (2 if bidirectional else 1)
        self.head = nn.Linear(width, n_outputs)

    def forward_signals(self, x):
        """Return logits, per-step hidden states and pooled features."""
        hidden, _ = self.rnn(x.transpose(1, 2))
        features = hidden[:, -1, :]
        return {"logits": self.head(features), "hidden": hidden, "features": features}

    def forward(self, x):
        """Return logits of shape ``(batch, n_outputs)``."""
        return self.forward_signals(x)["logits"]


def check_positive_ints(**values):
    """Raise a ValueError naming the first value that is not an integer >= 1."""
    for name, value in values.items():
        if not isinstance(value, int) or isinstance(value, bool) or value < 1:
            raise ValueError(f"{name} must be an integer >= 1, got {value!r}.")


class _PooledConvNet(nn.Module):
    """A convolutional ``body`` whose maps are averaged over time into a linear ``head``."""

    def forward_signals(self, x):
        """Return logits, the body's per-step maps and pooled features."""
        maps = self.body(x)
        features = maps.mean(dim=2)
        return {
            "logits": self.head(features),
            "hidden": maps.transpose(1, 2),
            "features": features,
        }

    def forward(self, x):
        """Return logits of shape ``(batch, n_outputs)``."""
        return self.head(self.body(x).mean(dim=2))


class FCNStudent(_PooledConvNet):
    """Small fully convolutional network (FCN-style) with global average pooling.

    Three convolution blocks (convolution, batch norm, ReLU) with "same" padding,
    so the per-step hidden map keeps the input length.

    Parameters
    ----------
    n_channels : int
        Number of input channels.
    n_outputs : int
        Number of logits (classes).
    filters : tuple of int, default=(16, 32, 16)
        Output channels of the three blocks.
    kernel_sizes : tuple of int, default=(7, 5, 3)
        Kernel size of each block.

    Examples
    --------
    >>> import torch
    >>> from aeon_kd.students import FCNStudent
    >>> net = FCNStudent(n_channels=1, n_outputs=2)
    >>> net(torch.zeros(3, 1, 40)).shape
    torch.Size([3, 2])
    """

    def __init__(self, n_channels, n_outputs, filters=(16, 32, 16), kernel_sizes=(7, 5, 3)):
        super().__init__()
        filters, kernel_sizes = tuple(filters), tuple(kernel_sizes)
        if len(filters) != len(kernel_sizes) or not filters:
            raise ValueError(
                "filters and kernel_sizes must be non-empty and of equal length, got "
                f"filters={filters} and kernel_sizes={kernel_sizes}."
            )
        blocks, width = [], n_channels
        for out, k in zip(filters, kernel_sizes, strict=True):
            blocks += [
                _SameConv1d(width, out, k),
                _BatchNorm1d(out),
                nn.ReLU(),
            ]
            width = out
        self.body = nn.Sequential(*blocks)
        self.head = nn.Linear(width, n_outputs)


class AdaTimeCNN(_PooledConvNet):
    """Three-block CNN of the AdaTime benchmark: UNI-KD's student and teacher.

    Blocks of convolution (no bias), batch norm, ReLU and max-pooling by 2, with
    ``width``, ``2 * width`` and ``2 * width`` channels (dropout after the first), then
    global average pooling and a linear head. ``width=16`` gives UNI-KD's 16/32/32
    student, ``width=64`` its 64/128/128 teacher.

    Parameters
    ----------
    n_channels : int
        Number of input channels.
    n_outputs : int
        Number of logits (classes).
    width : int, default=16
        Channels of the first block.
    kernel_size : int, default=5
        Kernel of the first block (AdaTime: 5 for activity data, 25-32 for
        long EEG or vibration series); the other two use 8.
    stride : int, default=1
        Stride of the first convolution (AdaTime: 6 for long series).
    dropout : float, default=0.5
        Dropout after the first block.

    Notes
    -----
    The per-step ``"hidden"`` map of ``forward_signals`` comes after three poolings, so
    it has about ``n_timepoints / 8`` steps.

    Examples
    --------
    >>> import torch
    >>> from aeon_kd.students import AdaTimeCNN
    >>> net = AdaTimeCNN(n_channels=3, n_outputs=6)
    >>> net(torch.zeros(4, 3, 128)).shape
    torch.Size([4, 6])
    >>> net.forward_signals(torch.zeros(4, 3, 128))["features"].shape
    torch.Size([4, 32])
    """

    def __init__(self, n_channels, n_outputs, width=16, kernel_size=5, stride=1, dropout=0.5):
        super().__init__()
        check_positive_ints(width=width, kernel_size=kernel_size, stride=stride)
        if not 0 <= dropout < 1:
            raise ValueError(f"dropout must be in [0, 1), got {dropout!r}.")

        def block(n_in, n_out, k, s=1):
            return [
                nn.Conv1d(n_in, n_out, k, stride=s, padding=k // 2, bias=False),
                _BatchNorm1d(n_out),
                nn.ReLU(),
                nn.MaxPool1d(kernel_size=2, stride=2, padding=1),
            ]

        self.body = nn.Sequential(
            *block(n_channels, width, kernel_size, stride),
            nn.Dropout(dropout),
            *block(width, 2 * width, 8),
            *block(2 * width, 2 * width, 8),
        )
        self.head = nn.Linear(2 * width, n_outputs)


def count_parameters(module: nn.Module) -> int:
    """Number of trainable parameters of a torch module.

    Parameters
    ----------
    module : torch.nn.Module
        Any network.

    Returns
    -------
    int
        Elements of the parameters with ``requires_grad`` (frozen ones are left out).

    Examples
    --------
    >>> import torch
    >>> from aeon_kd.students import count_parameters
    >>> layer = torch.nn.Linear(8, 2)  # 8 x 2 weights and 2 biases
    >>> count_parameters(layer)
    18
    >>> _ = layer.bias.requires_grad_(False)
    >>> count_parameters(layer)
    16
    """
    return sum(p.numel() for p in module.parameters() if p.requires_grad)
