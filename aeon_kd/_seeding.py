"""Seeding torch for one fit, safely when fits run in parallel threads."""

from __future__ import annotations

import contextlib
import threading

import torch

__all__ = ["seeded_torch"]

# torch has one global random generator per process, used for weight initialisation and
# dropout masks; two fits seeding it from two threads would interleave their draws. Fits
# that seed it therefore run one at a time within a process (processes are unaffected).
# Re-entrant: a fit that trains its default teacher seeds again inside its own block.
_TORCH_RANDOM_LOCK = threading.RLock()


@contextlib.contextmanager
def seeded_torch(seed):
    """Hold the process-wide lock, fork torch's CPU generator and seed it.

    Everything that draws from torch's global generator for one fit (initialisation,
    training with dropout) belongs inside the block; the caller's generator state is
    restored afterwards.

    Parameters
    ----------
    seed : int

    Examples
    --------
    >>> import torch
    >>> from aeon_kd._seeding import seeded_torch
    >>> with seeded_torch(0):
    ...     a = torch.rand(2)
    >>> with seeded_torch(0):
    ...     b = torch.rand(2)
    >>> bool(torch.equal(a, b))
    True
    """
    with _TORCH_RANDOM_LOCK, torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        yield
