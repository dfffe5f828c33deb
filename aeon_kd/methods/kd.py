"""Hinton et al. (2015) logit distillation.

Classification: the student's temperature-softened distribution is pulled towards the
teacher's by ``T² · KL(softmax(z_t / T) ‖ softmax(z_s / T))``, averaged over the batch.
The ``T²`` factor keeps the gradient scale of this term independent of ``T`` (the
soft-target gradients shrink as ``1/T²``), so ``weight`` means the same at any
temperature.

Forecasting: the student's forecast is pulled towards the teacher's by mean squared error.
"""

import torch
import torch.nn.functional as F

from aeon_kd.methods._base import Method, register_method

__all__ = ["HintonKD", "hinton_kd_loss"]


def hinton_kd_loss(student_logits, teacher_logits, temperature):
    """``T² · KL(p_teacher ‖ p_student)`` at temperature ``T``, mean over the batch.

    Parameters
    ----------
    student_logits, teacher_logits : Tensor of shape (batch, n_classes)
    temperature : float

    Returns
    -------
    Tensor
        Scalar loss; gradients flow to ``student_logits`` only.
    """
    log_p_student = F.log_softmax(student_logits / temperature, dim=-1)
    log_p_teacher = F.log_softmax(teacher_logits.detach() / temperature, dim=-1)
    kl = F.kl_div(log_p_student, log_p_teacher, log_target=True, reduction="batchmean")
    return kl * temperature**2


@register_method
class HintonKD(Method):
    """Logit knowledge distillation (Hinton, Vinyals and Dean, 2015).

    Loss: ``task_weight · CE(z_s, y) + weight · T² · KL(softmax(z_t/T) ‖ softmax(z_s/T))``.
    For forecasting, ``weight · MSE(student forecast, teacher forecast)``.

    Parameters
    ----------
    temperature : float, default=2.0
        Softening temperature ``T`` (> 0). 2 suits soft teachers (out-of-fold
        probabilities of a classifier such as QUANT, which a higher temperature
        flattens towards uniform); Hinton et al. used higher values for confident
        networks.
    weight : float, default=1.0
        Weight of the distillation term.
    task_weight : float, default=1.0
        Weight of the task loss.

    References
    ----------
    .. [1] G. Hinton, O. Vinyals and J. Dean. "Distilling the Knowledge in a Neural
       Network". NIPS Deep Learning Workshop, 2015. arXiv:1503.02531.

    Examples
    --------
    >>> import torch
    >>> from aeon_kd.methods import HintonKD
    >>> from aeon_kd.methods.kd import hinton_kd_loss
    >>> z = torch.tensor([[2.0, 0.0, -1.0]])
    >>> float(hinton_kd_loss(z, z, temperature=4.0))
    0.0
    """

    name = "kd"
    teacher_signals = frozenset({"logits"})
    tasks = frozenset({"classification", "forecasting"})
    reference = "Hinton, Vinyals & Dean (2015), arXiv:1503.02531"

    def __init__(self, temperature=2.0, weight=1.0, task_weight=1.0):
        self.temperature = temperature
        self.weight = weight
        self.task_weight = task_weight

    def loss_terms(self, batch):
        """Weighted ``kd`` term for one batch."""
        if not self.temperature > 0:
            raise ValueError(f"temperature must be > 0, got {self.temperature!r}.")
        student, teacher = batch.student["logits"], batch.teacher["logits"]
        if batch.task == "forecasting":  # regress onto the teacher's forecast
            return {"kd": self.weight * torch.mean((student - teacher.detach()) ** 2)}
        return {"kd": self.weight * hinton_kd_loss(student, teacher, self.temperature)}
