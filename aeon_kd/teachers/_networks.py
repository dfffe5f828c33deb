"""Convolutional white-box teachers in torch: a ResNet and an InceptionTime network.

aeon's deep classifiers are TensorFlow; these are written for aeon-kd in torch, with
``forward_signals`` (logits, per-step maps as hidden states, pooled features) so every
hidden-state method can learn from them. Architectures after the time-series
classification literature:

* :class:`ResNetNetwork` — Wang, Yan and Oates (2017): three residual blocks of
  convolutions with kernels 8, 5 and 3 (64, 128, 128 filters), batch norm, ReLU, a
  1x1 shortcut, global average pooling.
* :class:`InceptionNetwork` — one network of InceptionTime (Ismail Fawaz et al., 2020):
  six inception modules (a 1x1 bottleneck, then kernels 39, 19 and 9 and a max-pool
  branch, 32 filters each) with a residual connection every three modules.
"""

from __future__ import annotations

import torch
from torch import nn

from aeon_kd.students._networks import _BatchNorm1d, _PooledConvNet, _SameConv1d

__all__ = ["InceptionNetwork", "ResNetNetwork"]


class _ResidualBlock(nn.Module):
    def __init__(self, width_in, width_out, kernel_sizes=(8, 5, 3)):
        super().__init__()
        layers, width = [], width_in
        for i, k in enumerate(kernel_sizes):
            layers += [_SameConv1d(width, width_out, k), _BatchNorm1d(width_out)]
            if i < len(kernel_sizes) - 1:
                layers.append(nn.ReLU())
            width = width_out
        self.convs = nn.Sequential(*layers)
        self.shortcut = nn.Sequential(nn.Conv1d(width_in, width_out, 1), _BatchNorm1d(width_out))

    def forward(self, x):
        return torch.relu(self.convs(x) + self.shortcut(x))


class ResNetNetwork(_PooledConvNet):
    """ResNet for time-series classification (Wang et al., 2017), white-box.

    Parameters
    ----------
    n_channels : int
    n_outputs : int
        Number of classes.
    filters : tuple of int, default=(64, 128, 128)
        Width of each residual block.

    Examples
    --------
    >>> import torch
    >>> from aeon_kd.teachers._networks import ResNetNetwork
    >>> net = ResNetNetwork(n_channels=2, n_outputs=3, filters=(8, 16, 16))
    >>> signals = net.forward_signals(torch.zeros(4, 2, 30))
    >>> {k: tuple(v.shape) for k, v in signals.items()}
    {'logits': (4, 3), 'hidden': (4, 30, 16), 'features': (4, 16)}
    """

    def __init__(self, n_channels, n_outputs, filters=(64, 128, 128)):
        super().__init__()
        blocks, width = [], n_channels
        for out in filters:
            blocks.append(_ResidualBlock(width, out))
            width = out
        self.body = nn.Sequential(*blocks)
        self.head = nn.Linear(width, n_outputs)


class _InceptionModule(nn.Module):
    def __init__(self, width_in, filters=32, kernel_sizes=(39, 19, 9), bottleneck=32):
        super().__init__()
        self.bottleneck = (nn.Conv1d(width_in, bottleneck, 1, bias=False) if width_in > 1
                           else nn.Identity())  # fmt: skip
        width = bottleneck if width_in > 1 else width_in
        self.convs = nn.ModuleList(
            _SameConv1d(width, filters, k, bias=False) for k in kernel_sizes
        )
        self.pool = nn.Sequential(nn.MaxPool1d(3, stride=1, padding=1),
                                  nn.Conv1d(width_in, filters, 1, bias=False))  # fmt: skip
        self.norm = _BatchNorm1d(filters * (len(kernel_sizes) + 1))

    def forward(self, x):
        z = self.bottleneck(x)
        branches = [conv(z) for conv in self.convs] + [self.pool(x)]
        return torch.relu(self.norm(torch.cat(branches, dim=1)))


class _InceptionBody(nn.Module):
    def __init__(self, n_channels, depth, filters):
        super().__init__()
        width_out = 4 * filters
        self.modules_ = nn.ModuleList(
            _InceptionModule(n_channels if i == 0 else width_out, filters) for i in range(depth)
        )
        self.shortcuts = nn.ModuleList(
            nn.Sequential(nn.Conv1d(n_channels if i == 0 else width_out, width_out, 1,
                                    bias=False), _BatchNorm1d(width_out))
            for i in range(depth // 3)
        )  # fmt: skip

    def forward(self, x):
        residual = x
        for i, module in enumerate(self.modules_):
            x = module(x)
            if i % 3 == 2:  # a residual connection every three modules
                x = torch.relu(x + self.shortcuts[i // 3](residual))
                residual = x
        return x


class InceptionNetwork(_PooledConvNet):
    """One InceptionTime network (Ismail Fawaz et al., 2020), white-box.

    Parameters
    ----------
    n_channels : int
    n_outputs : int
        Number of classes.
    depth : int, default=6
        Inception modules; a residual connection joins every three.
    filters : int, default=32
        Filters per branch (the modules output ``4 * filters`` maps).

    Examples
    --------
    >>> import torch
    >>> from aeon_kd.teachers._networks import InceptionNetwork
    >>> net = InceptionNetwork(n_channels=1, n_outputs=2, depth=3, filters=4)
    >>> {k: tuple(v.shape) for k, v in net.forward_signals(torch.zeros(2, 1, 50)).items()}
    {'logits': (2, 2), 'hidden': (2, 50, 16), 'features': (2, 16)}
    """

    def __init__(self, n_channels, n_outputs, depth=6, filters=32):
        super().__init__()
        if depth < 1:
            raise ValueError(f"depth must be >= 1, got {depth!r}.")
        self.body = _InceptionBody(n_channels, depth, filters)
        self.head = nn.Linear(4 * filters, n_outputs)
