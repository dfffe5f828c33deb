"""MemKD: memory-discrepancy knowledge distillation (Udayangani et al., ICASSP 2025).

A recurrent network's hidden state ``h_t`` is its memory after step ``t``. How much a
stretch of input ``x[a+1..b]`` changes that memory, relative to what was there,

    r(a, b) = ‖h_b − h_a‖₂ / (‖h_a‖₂ + eps),

is one scalar per series and span, so teacher and student of different widths can
be compared without a projector. MemKD pulls the student's relative memory changes
towards the teacher's with a smooth-L1 loss over

* every one-step span ``(t, t+1)`` (the dense ``z = 1`` term), and
* ``n_pairs`` random spans ``(a, b)``, ``a < b``, drawn afresh for every mini-batch
  and shared by its series (the random-``z`` term).

The hidden states are the per-step outputs of the last layer (``"hidden"`` signal).
When the teacher saw series of another length than the student (``resample_length``
with a teacher not fitted inside ``fit``), the teacher's trajectory is linearly
interpolated to the student's length, end points kept, before the spans are read.
"""

from __future__ import annotations

import numbers

import torch
import torch.nn.functional as F

from aeon_kd.methods._base import Method, register_method
from aeon_kd.methods._utils import match_time, seeded_generator

__all__ = ["MemKD", "draw_pairs", "memkd_loss", "relative_memory_change"]

_Z_MODES = ("both", "dense", "random")
_PAIR_SAMPLING = ("distinct", "released")


def relative_memory_change(hidden, start, end, eps=1e-8):
    """Relative memory change ``‖h_end − h_start‖ / (‖h_start‖ + eps)``.

    Parameters
    ----------
    hidden : Tensor of shape (batch, time, width)
        Per-step hidden states.
    start, end : LongTensor of shape (n_spans,)
        Time indices of the spans.
    eps : float, default=1e-8
        Keeps the ratio finite where a hidden state is (near) zero.

    Returns
    -------
    Tensor of shape (batch, n_spans)
    """
    h_start, h_end = hidden[:, start, :], hidden[:, end, :]
    change = torch.linalg.vector_norm(h_end - h_start, dim=-1)
    return change / (torch.linalg.vector_norm(h_start, dim=-1) + eps)


def memkd_loss(student_hidden, teacher_hidden, start, end, eps=1e-8, beta=1.0):
    """Smooth-L1 between student and teacher relative memory changes on given spans.

    Parameters
    ----------
    student_hidden : Tensor of shape (batch, time, width_s)
    teacher_hidden : Tensor of shape (batch, time, width_t)
        Same number of steps as the student's (see :func:`match_time`); widths may
        differ.
    start, end : LongTensor of shape (n_spans,)
    eps : float, default=1e-8
    beta : float, default=1.0
        Smooth-L1 threshold.

    Returns
    -------
    Tensor
        Scalar, mean over series and spans; gradients reach the student only.
    """
    r_student = relative_memory_change(student_hidden, start, end, eps)
    with torch.no_grad():
        r_teacher = relative_memory_change(teacher_hidden.detach(), start, end, eps)
    return F.smooth_l1_loss(r_student, r_teacher, beta=beta)


def draw_pairs(length, n_pairs, generator=None, sampling="distinct"):
    """Random spans ``(a, b)`` of a sequence of ``length`` steps.

    ``"distinct"`` draws two different steps uniformly and orders them (``a < b``,
    any step may be chosen). ``"released"`` reproduces the authors' code: both ends
    from ``0 .. length-2`` (the last step never chosen) and ``a == b`` allowed, which
    contributes zero.

    Returns
    -------
    start, end : LongTensor of shape (n_pairs,)
    """
    if sampling == "released":
        u = torch.randint(0, max(length - 1, 1), (n_pairs,), generator=generator)
        v = torch.randint(0, max(length - 1, 1), (n_pairs,), generator=generator)
    else:
        u = torch.randint(0, length, (n_pairs,), generator=generator)
        v = (u + 1 + torch.randint(0, length - 1, (n_pairs,), generator=generator)) % length
    return torch.minimum(u, v), torch.maximum(u, v)


@register_method
class MemKD(Method):
    """Memory-discrepancy distillation (Udayangani, Nandakishor and Palaniswami, 2025).

    Loss: ``task_weight · CE + weight · (L_dense + L_random)``, where each term is the
    mean smooth-L1 between the student's and the teacher's relative memory changes
    ``r(a, b) = ‖h_b − h_a‖ / (‖h_a‖ + eps)`` over one-step spans (dense) and
    ``n_pairs`` random spans redrawn every mini-batch. Teacher and student widths may
    differ; nothing is projected. Teacher trajectories of another length are linearly
    interpolated to the student's.

    Parameters
    ----------
    weight : float, default=1.0
        ``λ_mem``. The paper's value is unknown; its code sweeps 0.01 to 100, so
        grid-search it (``method__weight``) on a validation split.
    n_pairs : int, default=100
        Random spans per mini-batch (``P``).
    z_mode : {"both", "dense", "random"}, default="both"
        Which terms to use: the dense one-step term, the random-span term, or both.
    pair_sampling : {"distinct", "released"}, default="distinct"
        ``"distinct"``: spans with ``a < b`` over every step (the paper's intent).
        ``"released"``: as the authors' code draws them (ends in ``0 .. T-2``,
        ``a == b`` allowed, contributing zero).
    eps : float, default=1e-8
        Added to ``‖h_a‖`` so steps with a zero hidden state stay finite.
    beta : float, default=1.0
        Smooth-L1 threshold (PyTorch's default, as in the paper's code).
    task_weight : float, default=1.0
        Weight of the cross-entropy.

    Notes
    -----
    Needs per-step hidden states ``(batch, time, width)`` of the last layer from both
    networks (``"hidden"``), so the teacher must be white-box (``teacher=None`` trains
    a 3 x 100 LSTM teacher). Series of one time step have no memory change and raise
    a ValueError.

    References
    ----------
    .. [1] N. Udayangani, K. Nandakishor and M. Palaniswami. "MemKD:
       Memory-Discrepancy Knowledge Distillation for Efficient Time Series
       Classification". ICASSP 2025. arXiv:2601.04264.

    Examples
    --------
    >>> import torch
    >>> from aeon_kd.methods.memkd import memkd_loss, relative_memory_change
    >>> h = torch.tensor([[[3.0, 4.0], [3.0, 0.0]]])      # one series, 2 steps
    >>> relative_memory_change(h, torch.tensor([0]), torch.tensor([1]))
    tensor([[0.8000]])
    >>> wide = torch.cat([h, torch.zeros(1, 2, 3)], dim=2)  # other width, same changes
    >>> float(memkd_loss(h, wide, torch.tensor([0]), torch.tensor([1])))
    0.0
    """

    name = "memkd"
    teacher_signals = frozenset({"hidden"})
    student_signals = frozenset({"logits", "hidden"})
    reference = "Udayangani, Nandakishor & Palaniswami (2025), ICASSP, arXiv:2601.04264"

    def __init__(
        self,
        weight=1.0,
        n_pairs=100,
        z_mode="both",
        pair_sampling="distinct",
        eps=1e-8,
        beta=1.0,
        task_weight=1.0,
    ):
        self.weight = weight
        self.n_pairs = n_pairs
        self.z_mode = z_mode
        self.pair_sampling = pair_sampling
        self.eps = eps
        self.beta = beta
        self.task_weight = task_weight

    def _check(self):
        if self.z_mode not in _Z_MODES:
            raise ValueError(f"z_mode must be one of {_Z_MODES}, got {self.z_mode!r}.")
        if self.pair_sampling not in _PAIR_SAMPLING:
            raise ValueError(
                f"pair_sampling must be one of {_PAIR_SAMPLING}, got {self.pair_sampling!r}."
            )
        if self.z_mode != "dense" and not (
            isinstance(self.n_pairs, numbers.Integral) and self.n_pairs >= 1
        ):
            raise ValueError(
                f"n_pairs must be an integer >= 1 (or z_mode='dense'), got {self.n_pairs!r}."
            )

    def validate(self):
        """The base checks plus MemKD's modes and pair count."""
        super().validate()
        self._check()

    def prepare(self, context):
        """Check the settings and the teacher's sequence length; seed the spans."""
        self._check()
        hidden = context.teacher_outputs.get("hidden")
        if hidden is not None:
            _check_length(hidden.shape[1], "teacher")
        self._generator = seeded_generator(context)
        return {}

    term_weights = {"memkd": "weight"}

    def raw_terms(self, batch):
        """The memory-discrepancy term before its ``weight`` (spans drawn afresh)."""
        self._check()
        student = batch.student["hidden"]
        length = student.shape[1]
        _check_length(length, "student")
        _check_length(batch.teacher["hidden"].shape[1], "teacher")
        teacher = match_time(batch.teacher["hidden"].to(student.dtype), length)
        generator = getattr(self, "_generator", None)
        loss = student.new_zeros(())
        if self.z_mode in ("both", "dense"):
            start = torch.arange(length - 1)
            loss = loss + memkd_loss(
                student, teacher, start.to(student.device), (start + 1).to(student.device),
                self.eps, self.beta,
            )
        if self.z_mode in ("both", "random"):
            start, end = draw_pairs(length, self.n_pairs, generator, self.pair_sampling)
            loss = loss + memkd_loss(
                student, teacher, start.to(student.device), end.to(student.device),
                self.eps, self.beta,
            )
        return {"memkd": loss}


def _check_length(length, who):
    if length < 2:
        raise ValueError(
            f"MemKD compares hidden states at two or more time steps, but the {who}'s "
            f"hidden sequence has {length} step. Series of length 1 carry no memory "
            "change: use a logit method (e.g. method='kd') or longer series."
        )
