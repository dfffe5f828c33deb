"""FitNets hints (Romero et al., 2015) on per-step hidden states.

The student's hidden sequence ``(batch, time, width_s)`` is mapped by a trainable,
bias-free linear regressor applied at every step (a 1x1 convolution) to the teacher's
width and pulled towards the teacher's hidden sequence by mean squared error. The
regressor is an auxiliary module: it trains with the student and is dropped after
``fit``. Teacher sequences of another length are linearly interpolated to the
student's.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import nn

from aeon_kd.methods._base import Method, register_method
from aeon_kd.methods._utils import match_time
from aeon_kd.students._signals import probe_signals

__all__ = ["FitNet", "fitnet_loss"]


def fitnet_loss(student_hidden, teacher_hidden, projector):
    """Mean squared error between projected student and teacher hidden sequences.

    Parameters
    ----------
    student_hidden : Tensor of shape (batch, time, width_s)
    teacher_hidden : Tensor of shape (batch, time, width_t)
    projector : callable
        Maps the last axis from ``width_s`` to ``width_t`` (e.g. ``nn.Linear``).

    Returns
    -------
    Tensor
        Scalar, mean over every element; gradients reach the student and the
        projector, never the teacher.
    """
    return F.mse_loss(projector(student_hidden), teacher_hidden.detach())


@register_method
class FitNet(Method):
    """Hint-based feature distillation (Romero et al., 2015), one stage.

    Loss: ``task_weight · CE + weight · MSE(W h_s, h_t)`` on the per-step hidden
    states of the last layer, with ``W`` a bias-free linear map from the student's to
    the teacher's width, shared over time steps and trained with the student.

    Parameters
    ----------
    weight : float, default=1.0
        Weight of the hint term.
    init_range : float or None, default=0.005
        The regressor's weights start uniform in ``[-init_range, init_range]`` (the
        setting of the MemKD/TSD authors' FitNet baseline); None keeps PyTorch's
        default initialisation.
    task_weight : float, default=1.0
        Weight of the cross-entropy.

    Notes
    -----
    The original FitNets train in two stages (hints first, then the task). Here the
    hint and the task loss train together; for a hint-only first stage fit with
    ``task_weight=0``. The guided layer is the last recurrent/convolutional layer
    (the ``"hidden"`` signal).

    References
    ----------
    .. [1] A. Romero, N. Ballas, S. E. Kahou, A. Chassang, C. Gatta and Y. Bengio.
       "FitNets: Hints for Thin Deep Nets". ICLR 2015. arXiv:1412.6550.

    Examples
    --------
    >>> import torch
    >>> from torch import nn
    >>> from aeon_kd.methods.fitnet import fitnet_loss
    >>> proj = nn.Linear(2, 3, bias=False)
    >>> _ = nn.init.ones_(proj.weight)
    >>> h_s = torch.ones(1, 4, 2)
    >>> float(fitnet_loss(h_s, torch.full((1, 4, 3), 2.0), proj).detach())
    0.0
    """

    name = "fitnet"
    teacher_signals = frozenset({"hidden"})
    student_signals = frozenset({"logits", "hidden"})
    reference = "Romero et al. (2015), ICLR, arXiv:1412.6550"

    def __init__(self, weight=1.0, init_range=0.005, task_weight=1.0):
        self.weight = weight
        self.init_range = init_range
        self.task_weight = task_weight

    def auxiliary_modules(self, context):
        """Build the projector: a bias-free linear map from student to teacher width."""
        if context.student is None:
            raise ValueError(
                "FitNet sizes its projector on the student, but context.student is None."
            )
        teacher_width = int(context.teacher_outputs["hidden"].shape[-1])
        probe = torch.from_numpy(context.X[:2])
        student_width = int(probe_signals(context.student, probe, {"hidden"})["hidden"].shape[-1])
        projector = nn.Linear(student_width, teacher_width, bias=False)
        if self.init_range is not None:
            nn.init.uniform_(projector.weight, -self.init_range, self.init_range)
        return {"projector": projector}

    term_weights = {"fitnet": "weight"}

    def raw_terms(self, batch):
        """The hint term of one batch, before its ``weight``."""
        if "projector" not in batch.modules:
            raise ValueError(
                "FitNet's projector is missing from batch.modules; it comes from "
                "FitNet.auxiliary_modules(context)."
            )
        student = batch.student["hidden"]
        teacher = match_time(batch.teacher["hidden"].to(student.dtype), student.shape[1])
        return {"fitnet": fitnet_loss(student, teacher, batch.modules["projector"])}
