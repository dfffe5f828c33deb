"""Teacher networks for long-term forecasting: PatchTST- and ModernTCN-style models.

Both follow the forecasting signal protocol of :mod:`aeon_kd.students._forecasting`:
input ``(batch, n_channels, window)``, ``forward`` returns the forecast ``(batch,
n_channels, horizon)`` and ``forward_signals`` returns ``{"logits": forecast,
"features": (batch, n_channels, d)}`` with the backbone output flattened per channel,
the teacher representation TimeDistill distils for these two architectures.

Both are channel-independent: every channel is an independent sample of the backbone
(the channel axis is folded into the batch), so no weight is tied to a channel and a
network built for ``n_channels`` differs from one for another count only in the input
check. These are plain torch modules; the library trains them.
"""

from __future__ import annotations

import torch
from torch import nn

from aeon_kd.students._forecasting import _check_dropout, _check_input, _check_int, _InstanceNorm

__all__ = ["ModernTCNNetwork", "PatchTSTNetwork"]


def _pad_end(x, steps):
    # replicate the last value, as PatchTST and ModernTCN pad before patching
    if steps == 0:
        return x
    return torch.cat([x, x[..., -1:].expand(*x.shape[:-1], steps)], dim=-1)


class PatchTSTNetwork(nn.Module):
    """PatchTST-style channel-independent Transformer forecaster.

    Each channel's lookback is normalised (mean/std, no affine), padded at the end
    with ``stride`` copies of its last value, cut into overlapping patches, embedded
    linearly with a learned positional embedding, encoded by a Transformer encoder and
    mapped to the horizon by a linear "flatten head"; the forecast is de-normalised.

    The encoder uses pre-norm layers (``norm_first=True``) plus a final LayerNorm:
    pre-norm Transformers train stably without a learning-rate warm-up, which the
    library's generic trainer does not provide. (PatchTST itself uses post-norm with
    batch norm; the choice barely matters at this depth.)

    Parameters
    ----------
    n_channels : int
        Number of channels (variables) of the series.
    horizon : int
        Number of future steps to forecast.
    window : int
        Length of the lookback window; at least ``patch_length``.
    patch_length : int, default=16
        Length of each patch.
    stride : int, default=8
        Step between patch starts; there are ``(window - patch_length) // stride + 2``
        patches.
    d_model : int, default=64
        Width of the patch tokens; divisible by ``n_heads``.
    n_heads : int, default=4
        Attention heads per layer.
    n_layers : int, default=3
        Encoder layers.
    d_ff : int, default=128
        Hidden width of each layer's feed-forward block.
    dropout : float, default=0.1
        Dropout in the embedding, the encoder and before the head.

    Examples
    --------
    >>> import torch
    >>> from aeon_kd.teachers._forecasting_networks import PatchTSTNetwork
    >>> net = PatchTSTNetwork(n_channels=2, horizon=24, window=96, d_model=16, n_layers=1)
    >>> net.n_patches
    12
    >>> out = net.forward_signals(torch.randn(4, 2, 96))
    >>> out["logits"].shape, out["features"].shape
    (torch.Size([4, 2, 24]), torch.Size([4, 2, 192]))
    """

    def __init__(
        self,
        n_channels,
        horizon,
        window,
        patch_length=16,
        stride=8,
        d_model=64,
        n_heads=4,
        n_layers=3,
        d_ff=128,
        dropout=0.1,
    ):
        super().__init__()
        self.n_channels = _check_int("n_channels", n_channels)
        self.horizon = _check_int("horizon", horizon)
        self.window = _check_int("window", window)
        self.patch_length = _check_int("patch_length", patch_length)
        self.stride = _check_int("stride", stride)
        d_model = _check_int("d_model", d_model)
        n_heads = _check_int("n_heads", n_heads)
        n_layers = _check_int("n_layers", n_layers)
        d_ff = _check_int("d_ff", d_ff)
        dropout = _check_dropout(dropout)
        if self.patch_length > self.window:
            raise ValueError(
                f"patch_length must be at most window={self.window}, got "
                f"patch_length={patch_length}; lower patch_length or give a longer window."
            )
        if d_model % n_heads:
            raise ValueError(
                f"d_model must be divisible by n_heads, got d_model={d_model} and "
                f"n_heads={n_heads}."
            )
        self.d_model = d_model
        self.n_patches = (self.window - self.patch_length) // self.stride + 2
        self.instance_norm = _InstanceNorm(self.n_channels, "revin", affine=False)
        self.embedding = nn.Linear(self.patch_length, d_model)
        # small uniform init of the learned positions, as in PatchTST
        self.position = nn.Parameter(torch.empty(self.n_patches, d_model).uniform_(-0.02, 0.02))
        self.embedding_dropout = nn.Dropout(dropout)
        layer = nn.TransformerEncoderLayer(
            d_model, n_heads, d_ff, dropout, activation="gelu", batch_first=True, norm_first=True
        )
        # nested tensors are never used with norm_first; say so to silence torch's warning
        self.encoder = nn.TransformerEncoder(
            layer, n_layers, norm=nn.LayerNorm(d_model), enable_nested_tensor=False
        )
        self.head_dropout = nn.Dropout(dropout)
        self.head = nn.Linear(d_model * self.n_patches, self.horizon)

    def forward_signals(self, x):
        """Return ``{"logits": forecast, "features": encoder output per channel}``.

        ``"logits"`` has shape (batch, n_channels, horizon), ``"features"`` (batch,
        n_channels, d_model * n_patches), flattened d_model-major as PatchTST's head
        reads it.
        """
        _check_input(x, self.n_channels, self.window, type(self).__name__)
        batch = x.shape[0]
        z, stats = self.instance_norm.normalize(x)
        patches = _pad_end(z, self.stride).unfold(-1, self.patch_length, self.stride)
        # fold channels into the batch: every channel goes through the same encoder
        tokens = self.embedding(patches.reshape(-1, self.n_patches, self.patch_length))
        encoded = self.encoder(self.embedding_dropout(tokens + self.position))
        features = encoded.transpose(1, 2).reshape(batch, self.n_channels, -1)
        forecast = self.head(self.head_dropout(features))
        return {"logits": self.instance_norm.denormalize(forecast, stats), "features": features}

    def forward(self, x):
        """Return the forecast of shape (batch, n_channels, horizon)."""
        return self.forward_signals(x)["logits"]


class _ModernTCNBlock(nn.Module):
    """Large + small depthwise convolutions -> BatchNorm -> ConvFFN, with a residual.

    The two depthwise convolutions run in parallel and are summed, the training-time
    form of ModernTCN's structurally re-parameterised large kernel (they could be
    merged into one kernel for inference; that is not needed for correctness).
    """

    def __init__(self, d_model, large_kernel, small_kernel, ffn_ratio, dropout):
        super().__init__()
        self.large = nn.Conv1d(
            d_model, d_model, large_kernel, padding=large_kernel // 2, groups=d_model
        )
        self.small = nn.Conv1d(
            d_model, d_model, small_kernel, padding=small_kernel // 2, groups=d_model
        )
        self.norm = nn.BatchNorm1d(d_model)
        hidden = ffn_ratio * d_model
        self.ffn = nn.Sequential(
            nn.Conv1d(d_model, hidden, 1),
            nn.GELU(),
            nn.Dropout(dropout),
            nn.Conv1d(hidden, d_model, 1),
            nn.Dropout(dropout),
        )

    def forward(self, x):
        """Map (batch * channels, d_model, n_patches) to the same shape."""
        return x + self.ffn(self.norm(self.large(x) + self.small(x)))


class ModernTCNNetwork(nn.Module):
    """ModernTCN-style channel-independent convolutional forecaster.

    Each channel's lookback is normalised (mean/std, no affine), padded at the end by
    replicating its last value ``patch_length - stride`` times, embedded into
    ``d_model`` channels by a strided convolution (one token per patch), passed through
    ``n_blocks`` residual blocks (large- plus small-kernel depthwise convolution,
    batch norm, pointwise ConvFFN) and mapped to the horizon by a linear flatten head;
    the forecast is de-normalised. ModernTCN's cross-variable ConvFFN is left out, so
    the network stays channel-independent.

    Parameters
    ----------
    n_channels : int
        Number of channels (variables) of the series.
    horizon : int
        Number of future steps to forecast.
    window : int
        Length of the lookback window; at least ``patch_length``.
    patch_length : int, default=8
        Kernel of the patch-embedding convolution.
    stride : int, default=4
        Its stride; ``window // stride`` patches when ``stride`` divides ``window``
        and ``stride <= patch_length``.
    d_model : int, default=32
        Channels of the embedded sequence.
    n_blocks : int, default=2
        Number of residual blocks.
    large_kernel : int, default=51
        Odd kernel of the large depthwise convolution; zero "same" padding keeps the
        number of patches, also when the kernel is longer than the sequence.
    small_kernel : int, default=5
        Odd kernel of the parallel small depthwise convolution.
    ffn_ratio : int, default=2
        Hidden width of the ConvFFN as a multiple of ``d_model``.
    dropout : float, default=0.1
        Dropout in the ConvFFN and before the head.

    Examples
    --------
    >>> import torch
    >>> from aeon_kd.teachers._forecasting_networks import ModernTCNNetwork
    >>> net = ModernTCNNetwork(n_channels=3, horizon=24, window=96, d_model=8)
    >>> net.n_patches
    24
    >>> out = net.forward_signals(torch.randn(4, 3, 96))
    >>> out["logits"].shape, out["features"].shape
    (torch.Size([4, 3, 24]), torch.Size([4, 3, 192]))
    """

    def __init__(
        self,
        n_channels,
        horizon,
        window,
        patch_length=8,
        stride=4,
        d_model=32,
        n_blocks=2,
        large_kernel=51,
        small_kernel=5,
        ffn_ratio=2,
        dropout=0.1,
    ):
        super().__init__()
        self.n_channels = _check_int("n_channels", n_channels)
        self.horizon = _check_int("horizon", horizon)
        self.window = _check_int("window", window)
        self.patch_length = _check_int("patch_length", patch_length)
        self.stride = _check_int("stride", stride)
        d_model = _check_int("d_model", d_model)
        n_blocks = _check_int("n_blocks", n_blocks)
        ffn_ratio = _check_int("ffn_ratio", ffn_ratio)
        dropout = _check_dropout(dropout)
        for name, kernel in (("large_kernel", large_kernel), ("small_kernel", small_kernel)):
            _check_int(name, kernel)
            # an even kernel with symmetric padding would change the sequence length
            if kernel % 2 == 0:
                raise ValueError(f"{name} must be odd, got {kernel}.")
        if self.patch_length > self.window:
            raise ValueError(
                f"patch_length must be at most window={self.window}, got "
                f"patch_length={patch_length}; lower patch_length or give a longer window."
            )
        self.d_model = d_model
        self.padding = max(self.patch_length - self.stride, 0)
        self.n_patches = (self.window + self.padding - self.patch_length) // self.stride + 1
        self.instance_norm = _InstanceNorm(self.n_channels, "revin", affine=False)
        self.embedding = nn.Conv1d(1, d_model, self.patch_length, stride=self.stride)
        self.blocks = nn.Sequential(
            *(
                _ModernTCNBlock(d_model, int(large_kernel), int(small_kernel), ffn_ratio, dropout)
                for _ in range(n_blocks)
            )
        )
        self.head_dropout = nn.Dropout(dropout)
        self.head = nn.Linear(d_model * self.n_patches, self.horizon)

    def forward_signals(self, x):
        """Return ``{"logits": forecast, "features": backbone output per channel}``.

        ``"logits"`` has shape (batch, n_channels, horizon), ``"features"`` (batch,
        n_channels, d_model * n_patches), flattened d_model-major.
        """
        _check_input(x, self.n_channels, self.window, type(self).__name__)
        batch = x.shape[0]
        z, stats = self.instance_norm.normalize(x)
        # fold channels into the batch: one univariate sequence per (sample, channel)
        z = _pad_end(z, self.padding).reshape(-1, 1, self.window + self.padding)
        hidden = self.blocks(self.embedding(z))
        features = hidden.reshape(batch, self.n_channels, -1)
        forecast = self.head(self.head_dropout(features))
        return {"logits": self.instance_norm.denormalize(forecast, stats), "features": features}

    def forward(self, x):
        """Return the forecast of shape (batch, n_channels, horizon)."""
        return self.forward_signals(x)["logits"]
