"""Small helpers shared by the feature-based methods."""

from __future__ import annotations

import torch
import torch.nn.functional as F

__all__ = ["match_time", "seeded_generator", "zero_like_loss"]


def match_time(sequence, length):
    """Linearly interpolate a ``(batch, time, width)`` sequence to ``length`` steps.

    End points are kept (``align_corners=True``, as aeon's and the papers' resampling
    does). Sequences already of that length are returned unchanged.
    """
    if sequence.shape[1] == length:
        return sequence
    if sequence.shape[1] == 1:
        return sequence.expand(-1, length, -1)
    resized = F.interpolate(
        sequence.transpose(1, 2), size=length, mode="linear", align_corners=True
    )
    return resized.transpose(1, 2)


def seeded_generator(context):
    """Return a CPU ``torch.Generator`` seeded from the fit's ``context.rng``."""
    seed = int(context.rng.integers(0, 2**62))
    return torch.Generator().manual_seed(seed)


def zero_like_loss(tensor):
    """Return a zero scalar that keeps ``tensor`` in the graph (no gradient contribution)."""
    return tensor.sum() * 0.0
