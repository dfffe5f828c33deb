"""Relational knowledge distillation (Park et al., 2019) on pooled features.

Instead of matching features one by one, RKD matches the *structure* of a batch:

* distance-wise: the pairwise Euclidean distances ``‖f_i − f_j‖``, each network's
  divided by its mean over the pairs ``i ≠ j`` (scale-free);
* angle-wise: for every triplet, the cosine of the angle at ``i`` between ``f_j`` and
  ``f_k``: ``⟨e_ij, e_ik⟩`` with ``e_ij = (f_j − f_i) / ‖f_j − f_i‖``.

Both are compared with the Huber (smooth-L1) loss, averaged over all ordered pairs
and triplets of the batch (degenerate ones are zero for both networks). Widths may
differ. Batches of a single series have no relations and give zero.
"""

from __future__ import annotations

import torch
import torch.nn.functional as F

from aeon_kd.methods._base import Method, register_method
from aeon_kd.methods._utils import zero_like_loss

__all__ = ["RKD", "rkd_angle_loss", "rkd_distance_loss", "pairwise_distances", "triplet_angles"]

_EPS = 1e-12


def pairwise_distances(features):
    """Euclidean distances ``(batch, batch)`` between rows, zero on the diagonal."""
    diff = features[:, None, :] - features[None, :, :]
    squared = diff.pow(2).sum(dim=-1)
    off_diagonal = 1.0 - torch.eye(len(features), dtype=features.dtype, device=features.device)
    return squared.clamp_min(_EPS).sqrt() * off_diagonal


def _normalised_distances(features):
    dist = pairwise_distances(features)
    n = len(features)
    mean = dist.sum() / (n * (n - 1))
    return dist / (mean + _EPS)


def triplet_angles(features):
    """Cosines ``(batch, batch, batch)``: entry ``[i, j, k]`` is ``⟨e_ij, e_ik⟩``."""
    diff = features[None, :, :] - features[:, None, :]  # [i, j] = f_j - f_i
    unit = F.normalize(diff, p=2, dim=2)
    return torch.bmm(unit, unit.transpose(1, 2))


def rkd_distance_loss(student_features, teacher_features, beta=1.0):
    """Huber loss between mean-normalised pairwise distances (mean over all pairs)."""
    if len(student_features) < 2:
        return zero_like_loss(student_features)
    with torch.no_grad():
        teacher = _normalised_distances(teacher_features.detach())
    return F.smooth_l1_loss(_normalised_distances(student_features), teacher, beta=beta)


def rkd_angle_loss(student_features, teacher_features, beta=1.0):
    """Huber loss between triplet angle cosines (mean over all triplets)."""
    if len(student_features) < 3:
        return zero_like_loss(student_features)
    with torch.no_grad():
        teacher = triplet_angles(teacher_features.detach())
    return F.smooth_l1_loss(triplet_angles(student_features), teacher, beta=beta)


@register_method
class RKD(Method):
    """Relational knowledge distillation (Park, Kim, Lu and Cho, 2019).

    Loss: ``task_weight · CE + distance_weight · L_dist + angle_weight · L_angle`` on
    the pooled features (``"features"``) of teacher and student.

    Parameters
    ----------
    distance_weight : float, default=25.0
        Weight of the distance-wise term (the paper's setting).
    angle_weight : float, default=50.0
        Weight of the angle-wise term (the paper's setting).
    beta : float, default=1.0
        Huber threshold.
    task_weight : float, default=1.0
        Weight of the cross-entropy.

    References
    ----------
    .. [1] W. Park, D. Kim, Y. Lu and M. Cho. "Relational Knowledge Distillation".
       CVPR 2019. arXiv:1904.05068.

    Examples
    --------
    >>> import torch
    >>> from aeon_kd.methods.rkd import rkd_angle_loss, rkd_distance_loss
    >>> f = torch.tensor([[0.0, 0.0], [3.0, 4.0], [0.0, 1.0]])
    >>> float(rkd_distance_loss(f, 2 * f)), float(rkd_angle_loss(f, 2 * f))
    (0.0, 0.0)
    """

    name = "rkd"
    teacher_signals = frozenset({"features"})
    student_signals = frozenset({"logits", "features"})
    reference = "Park, Kim, Lu & Cho (2019), CVPR, arXiv:1904.05068"

    def __init__(self, distance_weight=25.0, angle_weight=50.0, beta=1.0, task_weight=1.0):
        self.distance_weight = distance_weight
        self.angle_weight = angle_weight
        self.beta = beta
        self.task_weight = task_weight

    def loss_terms(self, batch):
        """Weighted distance and angle terms of one batch."""
        student = batch.student["features"]
        teacher = batch.teacher["features"].to(student.dtype)
        loss = self.distance_weight * rkd_distance_loss(student, teacher, self.beta)
        loss = loss + self.angle_weight * rkd_angle_loss(student, teacher, self.beta)
        return {"rkd": loss}
