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

__all__ = ["HintonKD", "correct_to_label", "hinton_kd_loss"]


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


def correct_to_label(teacher_logits, target):
    """Teacher logits whose top class is ``target``: a wrong top class swaps with it.

    KDCTime's correction (Gong et al., 2021) of soft labels that rank a wrong class
    first: the logits of the teacher's top class and of the true class trade places, so
    the true class ranks first and the rest of the teacher's ranking (its "dark
    knowledge") is kept. Rows the teacher gets right are unchanged; transfer-set rows,
    whose ``y`` is the teacher's own top class, are never changed.

    Parameters
    ----------
    teacher_logits : Tensor of shape (batch, n_classes)
    target : LongTensor of shape (batch,)

    Returns
    -------
    Tensor
        A corrected copy (the input when no row needs correcting).

    Examples
    --------
    >>> import torch
    >>> from aeon_kd.methods.kd import correct_to_label
    >>> correct_to_label(torch.tensor([[3.0, 1.0, 0.0]]), torch.tensor([1])).tolist()
    [[1.0, 3.0, 0.0]]
    """
    top = teacher_logits.argmax(dim=1)
    wrong = (top != target).nonzero().squeeze(1)
    if len(wrong) == 0:
        return teacher_logits
    fixed = teacher_logits.clone()
    fixed[wrong, target[wrong]] = teacher_logits[wrong, top[wrong]]
    fixed[wrong, top[wrong]] = teacher_logits[wrong, target[wrong]]
    return fixed


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
    label_correction : bool, default=False
        On labelled series where the teacher's top class is wrong, swap its logits of
        that class and of the true class first (:func:`correct_to_label`, after
        KDCTime), so the student is never taught a wrong top class where the label is
        known. Transfer-set series (no label) are untouched.

    References
    ----------
    .. [1] G. Hinton, O. Vinyals and J. Dean. "Distilling the Knowledge in a Neural
       Network". NIPS Deep Learning Workshop, 2015. arXiv:1503.02531.
    .. [2] Gong et al. "KDCTime: Knowledge Distillation with Calibration on
       InceptionTime for Time-series Classification". arXiv:2112.02291, 2021.

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

    def __init__(self, temperature=2.0, weight=1.0, task_weight=1.0, label_correction=False):
        self.temperature = temperature
        self.weight = weight
        self.task_weight = task_weight
        self.label_correction = label_correction

    def loss_terms(self, batch):
        """Weighted ``kd`` term for one batch."""
        if not self.temperature > 0:
            raise ValueError(f"temperature must be > 0, got {self.temperature!r}.")
        student, teacher = batch.student["logits"], batch.teacher["logits"]
        if batch.task == "forecasting":  # regress onto the teacher's forecast
            return {"kd": self.weight * torch.mean((student - teacher.detach()) ** 2)}
        if self.label_correction:
            teacher = correct_to_label(teacher.detach(), batch.y)
        return {"kd": self.weight * hinton_kd_loss(student, teacher, self.temperature)}
