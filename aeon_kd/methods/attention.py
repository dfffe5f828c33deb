"""Attention transfer (Zagoruyko and Komodakis, 2017) on temporal attention maps.

The attention map of a hidden sequence ``h`` of shape ``(batch, time, width)`` says
how strongly the network responds at each time step:

    a_t = mean_d |h_{t,d}|^p,   â = a / ‖a‖₂   (one map per series, L2-normalised)

Maps do not depend on the width, so teacher and student of different widths compare
directly; a teacher map of another length is linearly interpolated to the student's.
The loss is the mean squared difference of the normalised maps.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from aeon_kd.methods._base import Method, register_method
from aeon_kd.methods._utils import match_time

__all__ = ["AttentionTransfer", "attention_loss", "temporal_attention"]


def temporal_attention(hidden, p=2.0, length=None):
    """L2-normalised temporal attention map of a hidden sequence.

    Parameters
    ----------
    hidden : Tensor of shape (batch, time, width)
    p : float, default=2.0
        Power of the absolute activations.
    length : int, optional
        Interpolate the map to this many steps before normalising.

    Returns
    -------
    Tensor of shape (batch, time) or (batch, length)
    """
    energy = hidden.abs().pow(p).mean(dim=2, keepdim=True)  # (batch, time, 1)
    if length is not None:
        energy = match_time(energy, length)
    return F.normalize(energy.squeeze(2), p=2, dim=1)


def attention_loss(student_hidden, teacher_hidden, p=2.0):
    """Mean squared difference of the student's and teacher's attention maps.

    The teacher's map is interpolated to the student's number of steps when they
    differ. Gradients reach the student only.

    Returns
    -------
    Tensor
        Scalar, mean over series and steps.
    """
    length = student_hidden.shape[1]
    with torch.no_grad():
        teacher_map = temporal_attention(teacher_hidden.detach(), p, length)
    return F.mse_loss(temporal_attention(student_hidden, p), teacher_map)


@register_method
class AttentionTransfer(Method):
    """Temporal attention transfer (Zagoruyko and Komodakis, 2017).

    Loss: ``task_weight · CE + weight · mean_{i,t} (â^S_{i,t} − â^T_{i,t})²`` with
    ``â`` the L2-normalised per-step mean of ``|h|^p`` over the hidden width.

    Parameters
    ----------
    weight : float, default=1000.0
        Weight of the attention term. The normalised maps have entries of order
        ``1/sqrt(T)``, so their mean squared difference is small; 1000 is the usual
        setting of attention transfer (``β = 10³``).
    p : float, default=2.0
        Power of the activations in the map.
    task_weight : float, default=1.0
        Weight of the cross-entropy.

    References
    ----------
    .. [1] S. Zagoruyko and N. Komodakis. "Paying More Attention to Attention:
       Improving the Performance of Convolutional Neural Networks via Attention
       Transfer". ICLR 2017. arXiv:1612.03928.

    Examples
    --------
    >>> import torch
    >>> from aeon_kd.methods.attention import attention_loss, temporal_attention
    >>> h = torch.tensor([[[3.0], [4.0]]])            # one series, 2 steps, width 1
    >>> temporal_attention(h)                         # (9, 16) / 18.36
    tensor([[0.4903, 0.8716]])
    >>> float(attention_loss(h, torch.cat([h, h], dim=2) * 2))
    0.0
    """

    name = "attention"
    teacher_signals = frozenset({"hidden"})
    student_signals = frozenset({"logits", "hidden"})
    reference = "Zagoruyko & Komodakis (2017), ICLR, arXiv:1612.03928"

    def __init__(self, weight=1000.0, p=2.0, task_weight=1.0):
        self.weight = weight
        self.p = p
        self.task_weight = task_weight

    term_weights = {"attention": "weight"}

    def raw_terms(self, batch):
        """The attention-transfer term of one batch, before its ``weight``."""
        student = batch.student["hidden"]
        teacher = batch.teacher["hidden"].to(student.dtype)
        return {"attention": attention_loss(student, teacher, self.p)}
