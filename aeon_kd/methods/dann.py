"""Domain-adversarial training (DANN, Ganin et al. 2016): the pieces and the method.

A domain discriminator learns to tell source features from target features; a
gradient reversal layer between it and the feature extractor flips the sign of the
gradient, so the network learns features the discriminator cannot tell apart, while
the task loss keeps them discriminative for the classes. The reversal strength
follows the canonical ramp ``alpha(p) = 2 / (1 + exp(-gamma p)) - 1`` over training
progress ``p`` in [0, 1]: close to 0 early, when the features are still noise, and
close to 1 at the end.

Used three ways in aeon-kd: as the ``"dann"`` method (the domain-adaptation baseline
for a student alone, no teacher), to train UNI-KD's default teacher, and inside
:mod:`aeon_kd.methods.unikd`, which shares the reversal layer, the ramp and the
discriminator.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from aeon_kd.methods._base import Method, register_method

__all__ = [
    "DANN",
    "DomainDiscriminator",
    "domain_confusion_loss",
    "dann_ramp",
    "grad_reverse",
]

#: domain labels of the data-domain discriminator (UNI-KD's convention)
SOURCE, TARGET = 1, 0


class _GradientReversal(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x, alpha):
        ctx.alpha = alpha
        return x.view_as(x)

    @staticmethod
    def backward(ctx, grad_output):
        return -ctx.alpha * grad_output, None


def grad_reverse(x, alpha=1.0):
    """Identity forward; the gradient times ``-alpha`` backward.

    Parameters
    ----------
    x : Tensor
    alpha : float, default=1.0
        Reversal strength.

    Returns
    -------
    Tensor

    Examples
    --------
    >>> import torch
    >>> from aeon_kd.methods.dann import grad_reverse
    >>> x = torch.ones(2, requires_grad=True)
    >>> grad_reverse(x, 0.5).sum().backward()
    >>> x.grad
    tensor([-0.5000, -0.5000])
    """
    return _GradientReversal.apply(x, float(alpha))


def dann_ramp(progress, gamma=10.0):
    """DANN's reversal strength ``2 / (1 + exp(-gamma * progress)) - 1``.

    Parameters
    ----------
    progress : float
        Share of training done, in [0, 1].
    gamma : float, default=10.0

    Returns
    -------
    float
        0 at the start, about 0.9999 at the end.

    Examples
    --------
    >>> from aeon_kd.methods.dann import dann_ramp
    >>> round(dann_ramp(0.0), 4), round(dann_ramp(0.5), 4), round(dann_ramp(1.0), 4)
    (0.0, 0.9866, 0.9999)
    """
    return 2.0 / (1.0 + math.exp(-gamma * progress)) - 1.0


class DomainDiscriminator(nn.Module):
    """Two hidden ReLU layers, then ``n_outputs`` logits.

    Parameters
    ----------
    in_features : int
    hidden : int, default=64
    n_outputs : int, default=2
        2 for a source/target classifier (logits), 1 for a real/fake critic.

    Examples
    --------
    >>> import torch
    >>> from aeon_kd.methods.dann import DomainDiscriminator
    >>> DomainDiscriminator(32)(torch.zeros(5, 32)).shape
    torch.Size([5, 2])
    """

    def __init__(self, in_features, hidden=64, n_outputs=2):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(in_features, hidden),
            nn.ReLU(),
            nn.Linear(hidden, hidden),
            nn.ReLU(),
            nn.Linear(hidden, n_outputs),
        )

    def forward(self, x):
        """Logits of shape ``(batch, n_outputs)``."""
        return self.net(x)


def domain_confusion_loss(discriminator, source_features, target_features, alpha):
    """DANN's domain loss behind gradient reversal, and the discriminator's logits.

    ``CE(D(R(h_s)), source) + CE(D(R(h_t)), target)``, each averaged over its own
    rows, where ``R`` reverses gradients with strength ``alpha``: minimising it trains
    the discriminator to tell the domains apart and the features to confuse it.

    Returns
    -------
    loss : Tensor
    source_logits, target_logits : Tensor
        The discriminator's logits ``(rows, 2)``, for callers that weight samples by
        how confidently it places them.
    """
    d_source = discriminator(grad_reverse(source_features, alpha))
    d_target = discriminator(grad_reverse(target_features, alpha))
    source_label = torch.full((len(d_source),), SOURCE, device=d_source.device)
    target_label = torch.full((len(d_target),), TARGET, device=d_target.device)
    loss = F.cross_entropy(d_source, source_label) + F.cross_entropy(d_target, target_label)
    return loss, d_source, d_target


def feature_width(context):
    """Width of the student's pooled features, read on two training series."""
    from aeon_kd.students._signals import probe_signals

    x = torch.from_numpy(context.X[:2])
    return probe_signals(context.student, x, {"features"})["features"].shape[1]


@register_method
class DANN(Method):
    """Domain-adversarial training of the student alone (no teacher).

    Loss: ``task_weight · CE(source) + weight · [CE(D(R_α(h_s)), 1) + CE(D(R_α(h_t)), 0)]``
    with ``R_α`` the gradient reversal layer, ``α`` on DANN's ramp over training
    progress and ``h`` the student's pooled features. Needs unlabelled target series
    (``X_target=`` or ``sample_domain=`` in ``fit``). It is the domain-adaptation
    baseline of the UNI-KD comparison and the recipe of UNI-KD's default teacher.

    Parameters
    ----------
    weight : float, default=1.0
        Weight of the domain term.
    hidden : int, default=64
        Hidden width of the domain discriminator.
    gamma : float, default=10.0
        Steepness of the reversal ramp.
    task_weight : float, default=1.0

    References
    ----------
    .. [1] Y. Ganin, E. Ustinova, H. Ajakan, P. Germain, H. Larochelle, F. Laviolette,
       M. Marchand and V. Lempitsky. "Domain-Adversarial Training of Neural
       Networks". JMLR 17(59), 2016.

    Examples
    --------
    >>> import numpy as np
    >>> from aeon_kd import DistilledClassifier
    >>> rng = np.random.default_rng(0)
    >>> X, y = rng.normal(size=(40, 1, 32)), np.array([0, 1] * 20)
    >>> X[y == 1, :, 10:20] += 2
    >>> X_target = 1.5 * rng.normal(size=(30, 1, 32)) + 0.5
    >>> clf = DistilledClassifier(method="dann", max_epochs=2, random_state=0)
    >>> clf = clf.fit(X, y, X_target=X_target)
    >>> "train_domain" in clf.history_[-1]
    True
    """

    name = "dann"
    student_signals = frozenset({"logits", "features"})
    uses_target_data = True
    default_student = "adatime_cnn"
    reference = "Ganin et al. (2016), JMLR 17(59)"

    def __init__(self, weight=1.0, hidden=64, gamma=10.0, task_weight=1.0):
        self.weight = weight
        self.hidden = hidden
        self.gamma = gamma
        self.task_weight = task_weight

    def term_names(self):
        """The one logged term, ``domain``."""
        return ("domain",)

    def auxiliary_modules(self, context):
        """The domain discriminator, sized on the student's features."""
        width = feature_width(context)
        return {"domain_discriminator": DomainDiscriminator(width, int(self.hidden))}

    term_weights = {"domain": "weight"}

    def raw_terms(self, batch):
        """The ``domain`` term before its ``weight``; zero without target rows."""
        if batch.target is None:
            return {"domain": batch.student["logits"].sum() * 0.0}
        alpha = dann_ramp(batch.progress.fraction, self.gamma)
        loss, _, _ = domain_confusion_loss(
            batch.modules["domain_discriminator"],
            batch.student["features"],
            batch.target["student"]["features"],
            alpha,
        )
        return {"domain": loss}
