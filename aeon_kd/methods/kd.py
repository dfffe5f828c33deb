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


def hinton_kd_loss(student_logits, teacher_logits, temperature, rows=None):
    """``T² · KL(p_teacher ‖ p_student)`` at temperature ``T``, mean over the batch.

    Parameters
    ----------
    student_logits, teacher_logits : Tensor of shape (batch, n_classes)
    temperature : float
    rows : BoolTensor of shape (batch,), optional
        Only these rows contribute (the sum over them is still divided by the batch
        size, so each distilled row weighs what it weighs without a mask).

    Returns
    -------
    Tensor
        Scalar loss; gradients flow to ``student_logits`` only.

    Examples
    --------
    >>> import torch
    >>> from aeon_kd.methods.kd import hinton_kd_loss
    >>> s, t = torch.zeros(2, 3), torch.tensor([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0]])
    >>> full = hinton_kd_loss(s, t, 1.0)
    >>> first = hinton_kd_loss(s, t, 1.0, rows=torch.tensor([True, False]))
    >>> bool(torch.isclose(full, first))  # the second row matches already
    True
    """
    log_p_student = F.log_softmax(student_logits / temperature, dim=-1)
    log_p_teacher = F.log_softmax(teacher_logits.detach() / temperature, dim=-1)
    if rows is None:
        kl = F.kl_div(log_p_student, log_p_teacher, log_target=True, reduction="batchmean")
        return kl * temperature**2
    per_row = F.kl_div(log_p_student, log_p_teacher, log_target=True, reduction="none")
    return (per_row.sum(dim=1) * rows).sum() / len(rows) * temperature**2


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
    distil_labelled : bool or "auto", default="auto"
        Whether the KD term also covers the labelled training series. False leaves them
        to their labels and distils on the transfer set only: the teacher's soft labels
        for training series are out-of-fold, from teachers fitted on 80 % of the
        series, which on training sets of a few dozen series are worse teachers than
        the one labelling the transfer set. Without a transfer set, False trains as
        ``"none"``. ``"auto"`` (the default) is False when the fit has a transfer set
        and True when it has none, so KD never silently turns into ``"none"``; True
        distils every row (the default before round 6 of ``benchmarks/recipe.py``).
        Where the labelled series are left to their labels, a classifier fitted inside
        ``fit`` is fitted once on every training series, without the five out-of-fold
        fits nothing would read (:meth:`teaches_labelled_series`).

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

    def __init__(self, temperature=2.0, weight=1.0, task_weight=1.0, label_correction=False,
                 distil_labelled="auto"):  # fmt: skip
        self.temperature = temperature
        self.weight = weight
        self.task_weight = task_weight
        self.label_correction = label_correction
        self.distil_labelled = distil_labelled

    term_weights = {"kd": "weight"}

    def raw_terms(self, batch):
        """The ``kd`` term of one batch, before its ``weight``."""
        if not self.temperature > 0:
            raise ValueError(f"temperature must be > 0, got {self.temperature!r}.")
        student, teacher = batch.student["logits"], batch.teacher["logits"]
        if batch.task == "forecasting":  # regress onto the teacher's forecast
            return {"kd": torch.mean((student - teacher.detach()) ** 2)}
        if self.label_correction:
            teacher = correct_to_label(teacher.detach(), batch.y)
        rows = None
        # "labelled" (False on transfer-set rows) travels only with a transfer set
        labelled = batch.extras.get("labelled")
        distil_labelled = self.distil_labelled
        if distil_labelled == "auto":
            distil_labelled = labelled is None
        if not distil_labelled:  # the transfer-set rows only (none without a transfer set)
            rows = (torch.zeros_like(batch.y, dtype=torch.bool) if labelled is None
                    else ~labelled.bool())  # fmt: skip
        return {"kd": hinton_kd_loss(student, teacher, self.temperature, rows)}

    def teaches_labelled_series(self, has_transfer_set):
        """True where the KD term covers the labelled series (see ``distil_labelled``)."""
        if self.distil_labelled == "auto":
            return not has_transfer_set
        return self.distil_labelled is True

    def validate(self):
        """The shared checks, and ``distil_labelled`` one of True, False, ``"auto"``."""
        super().validate()
        if not (isinstance(self.distil_labelled, bool) or self.distil_labelled == "auto"):
            raise ValueError(
                "HintonKD: distil_labelled must be True, False or 'auto', got "
                f"{self.distil_labelled!r}."
            )
