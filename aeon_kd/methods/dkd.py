"""Decoupled knowledge distillation (Zhao et al., 2022).

Hinton's KD loss splits into two parts that DKD weighs separately:

* TCKD (target-class KD): KL between the binary distributions
  ``b = [p_y, 1 − p_y]`` of teacher and student, the confidence on the true class;
* NCKD (non-target-class KD): KL between the distributions over the non-target
  classes alone, ``p̂_k = p_k / (1 − p_y)`` for ``k ≠ y``, the "dark knowledge".

Both use temperature-softened probabilities, are summed over classes, averaged over
the batch and multiplied by ``T²``. With two classes NCKD is zero (one non-target
class). Log-probabilities are computed with ``logsumexp``, so confident networks give
finite losses.
"""

from __future__ import annotations

import torch

from aeon_kd.methods._base import Method, register_method

__all__ = ["DKD", "dkd_loss", "dkd_terms"]


def _binary_and_rest(logits, target, temperature):
    z = logits / temperature
    is_target = torch.zeros_like(z, dtype=torch.bool)
    is_target[torch.arange(len(z), device=z.device), target] = True
    log_all = torch.logsumexp(z, dim=1)
    log_p_target = z[is_target] - log_all
    rest = z[~is_target].reshape(len(z), -1)  # (batch, n_classes - 1)
    log_p_rest = torch.logsumexp(rest, dim=1) - log_all
    binary = torch.stack([log_p_target, log_p_rest], dim=1)
    return binary, torch.log_softmax(rest, dim=1)


def _kl(log_p, log_q, rows=None):
    """``Σ_k p_k (log p_k − log q_k)``, mean over rows (masked rows count as zero)."""
    per_row = (log_p.exp() * (log_p - log_q)).sum(dim=1)
    if rows is None:
        return per_row.mean()
    return (per_row * rows).sum() / len(per_row)


def dkd_terms(student_logits, teacher_logits, target, temperature, rows=None):
    """TCKD and NCKD at temperature ``T`` (each ``× T²``, mean over the batch).

    Parameters
    ----------
    student_logits, teacher_logits : Tensor of shape (batch, n_classes)
    target : LongTensor of shape (batch,)
        True class indices.
    temperature : float
    rows : BoolTensor of shape (batch,), optional
        Only these rows contribute; the sum over them is still divided by the batch
        size, as in :func:`~aeon_kd.methods.kd.hinton_kd_loss`.

    Returns
    -------
    tckd, nckd : Tensor
        Scalars; gradients reach ``student_logits`` only.
    """
    with torch.no_grad():
        t_binary, t_rest = _binary_and_rest(teacher_logits.detach(), target, temperature)
    s_binary, s_rest = _binary_and_rest(student_logits, target, temperature)
    scale = temperature**2
    return _kl(t_binary, s_binary, rows) * scale, _kl(t_rest, s_rest, rows) * scale


def dkd_loss(student_logits, teacher_logits, target, alpha=1.0, beta=8.0, temperature=4.0,
             rows=None):  # fmt: skip
    """``alpha · TCKD + beta · NCKD`` (see :func:`dkd_terms`)."""
    tckd, nckd = dkd_terms(student_logits, teacher_logits, target, temperature, rows)
    return alpha * tckd + beta * nckd


@register_method
class DKD(Method):
    """Decoupled knowledge distillation (Zhao, Cui, Song, Qiu and Liang, 2022).

    Loss: ``task_weight · CE + alpha · TCKD + beta · NCKD``.

    Parameters
    ----------
    alpha : float, default=1.0
        Weight of target-class KD.
    beta : float, default=8.0
        Weight of non-target-class KD (the paper's ImageNet/CIFAR setting, also the
        MemKD/TSD authors' DKD baseline).
    temperature : float, default=2.0
        Softening temperature (> 0). The paper's 4 suits confident image networks; on
        inner splits of 10 tuning problems with QUANT's soft out-of-fold probabilities
        it lost to 2 by 0.11 mean accuracy (0.704 vs 0.815, round 5 of
        ``benchmarks/recipe.py``).
    task_weight : float, default=1.0
        Weight of the cross-entropy.
    distil_labelled : bool, default=True
        Whether the DKD terms also cover the labelled training series (the paper's
        loss, and what the UCR benchmark ran). False distils on the transfer set only,
        where the target class is the teacher's top class, and leaves the labelled
        series to the cross-entropy, as ``HintonKD(distil_labelled=False)`` does;
        without a transfer set it then trains as ``"none"``. Round 9 of
        ``benchmarks/recipe.py`` compares the two on inner splits.

    Notes
    -----
    The paper's linear warm-up of the DKD term over the first 20 epochs is not
    applied.

    References
    ----------
    .. [1] B. Zhao, Q. Cui, R. Song, Y. Qiu and J. Liang. "Decoupled Knowledge
       Distillation". CVPR 2022. arXiv:2203.08679.

    Examples
    --------
    >>> import torch
    >>> from aeon_kd.methods.dkd import dkd_terms
    >>> z = torch.tensor([[2.0, 0.0, -1.0]])
    >>> [float(t) for t in dkd_terms(z, z, torch.tensor([0]), temperature=4.0)]
    [0.0, 0.0]
    """

    name = "dkd"
    teacher_signals = frozenset({"logits"})
    reference = "Zhao, Cui, Song, Qiu & Liang (2022), CVPR, arXiv:2203.08679"

    def __init__(self, alpha=1.0, beta=8.0, temperature=2.0, task_weight=1.0,
                 distil_labelled=True):  # fmt: skip
        self.alpha = alpha
        self.beta = beta
        self.temperature = temperature
        self.task_weight = task_weight
        self.distil_labelled = distil_labelled

    def loss_terms(self, batch):
        """Weighted ``alpha · TCKD + beta · NCKD`` of one batch."""
        if not self.temperature > 0:
            raise ValueError(f"temperature must be > 0, got {self.temperature!r}.")
        student = batch.student["logits"]
        teacher = batch.teacher["logits"].to(student.dtype)
        rows = None
        if not self.distil_labelled:  # transfer-set rows only ("labelled" is False there)
            labelled = batch.extras.get("labelled")
            rows = (torch.zeros_like(batch.y, dtype=torch.bool) if labelled is None
                    else ~labelled.bool())  # fmt: skip
        loss = dkd_loss(
            student, teacher, batch.y.long(), self.alpha, self.beta, self.temperature, rows
        )
        return {"dkd": loss}

    def teaches_labelled_series(self, has_transfer_set):
        """True unless ``distil_labelled`` is False."""
        return self.distil_labelled is not False

    def validate(self):
        """The shared checks, and ``distil_labelled`` a bool."""
        super().validate()
        if not isinstance(self.distil_labelled, bool):
            raise ValueError(
                f"DKD: distil_labelled must be True or False, got {self.distil_labelled!r}."
            )
