"""TimeDistill (Ni et al., KDD 2026): cross-architecture distillation for forecasting.

A large forecaster (the teacher) is distilled into a small MLP student with two
complementary matching terms, each applied twice:

* **multi-scale** -- mean squared error between student and teacher after repeated
  average pooling (a pyramid of coarser and coarser views), and
* **multi-period** -- KL divergence between the softmax-normalised amplitude spectra
  (``|rFFT|`` without the DC bin, temperature ``tau``) of teacher and student,

once on the forecasts (*prediction level*, along the horizon) and once on per-channel
representations (*feature level*, along the hidden axis), where a trainable projector
maps the teacher's representation to the student's width. The loss math follows the
authors' released code (see :class:`TimeDistill` for the exact formula and where the
library departs from it).
"""

from __future__ import annotations

import numbers

import torch
from torch import nn

from aeon_kd.methods._base import Method, register_method
from aeon_kd.methods._utils import zero_like_loss
from aeon_kd.students._signals import probe_signals

__all__ = ["TimeDistill", "multi_period_loss", "multi_scale_loss"]

_KL_REDUCTIONS = ("mean", "batchmean")
#: added to the student's period distribution before the log, as the authors' code does
_EPS = 1e-8


def _check_int(value, name, minimum):
    """Raise a ValueError naming ``name`` unless ``value`` is an int >= ``minimum``."""
    # bool is an Integral, but n_scales=True is certainly a mistake
    if not isinstance(value, numbers.Integral) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}.")


def _check_temperature(temperature):
    """Raise a ValueError unless ``temperature`` is a positive number."""
    if not (isinstance(temperature, numbers.Real) and temperature > 0):
        raise ValueError(f"temperature must be > 0, got {temperature!r}.")


def _check_reduction(reduction, name="reduction"):
    """Raise a ValueError naming ``name`` unless ``reduction`` is a known KL reduction."""
    if reduction not in _KL_REDUCTIONS:
        raise ValueError(f"{name} must be one of {_KL_REDUCTIONS}, got {reduction!r}.")


def _check_pair(student, teacher, what):
    """Raise a ValueError unless student and teacher tensors have the same shape."""
    if student.shape != teacher.shape:
        raise ValueError(
            f"TimeDistill compares {what} of equal shape, got student "
            f"{tuple(student.shape)} and teacher {tuple(teacher.shape)}."
        )
    if student.ndim < 1:
        raise ValueError(f"TimeDistill needs {what} with at least one axis, got a scalar.")


def multi_scale_loss(student, teacher, n_scales=3, pool_window=2):
    """Mean over a pooling pyramid of the MSE between student and teacher.

    Level 0 is the input; level ``m`` is level ``m - 1`` average-pooled along the last
    axis with kernel and stride ``pool_window`` (no padding, so a length ``n`` becomes
    ``floor(n / pool_window)``). Levels ``0..n_scales`` are used, stopping early when
    the next level would be empty; the loss is the plain mean over the levels used of
    the MSE averaged over every element of that level.

    Parameters
    ----------
    student, teacher : Tensor of shape (..., n)
        Usually ``(batch, n_channels, n)``: forecasts along the horizon, or per-channel
        features along the hidden axis. Gradients flow into both; detach the teacher
        yourself where it must not learn.
    n_scales : int, default=3
        Number of pooled levels on top of the original (the authors' ``M = 3``, four
        scales in all).
    pool_window : int, default=2
        Kernel and stride of the average pooling.

    Returns
    -------
    Tensor
        Scalar.

    Raises
    ------
    ValueError
        On shapes that differ or invalid ``n_scales`` / ``pool_window``.

    References
    ----------
    .. [1] J. Ni, Z. Liu, S. Wang, M. Jin and W. Jin. "TimeDistill: Efficient
       Long-Term Time Series Forecasting with MLP via Cross-Architecture
       Distillation". KDD 2026. arXiv:2502.15016.

    Examples
    --------
    >>> import torch
    >>> from aeon_kd.methods.timedistill import multi_scale_loss
    >>> float(multi_scale_loss(torch.zeros(1, 1, 8), torch.ones(1, 1, 8)))
    1.0
    """
    _check_int(n_scales, "n_scales", 0)
    _check_int(pool_window, "pool_window", 2)
    _check_pair(student, teacher, "tensors")
    # average pooling is linear, so pool(s) - pool(t) = pool(s - t): one pyramid of the
    # difference instead of two. A level is the previous one cut to a multiple of the
    # window and averaged over consecutive groups (avg_pool1d without padding, the same
    # numbers), which runs faster than avg_pool1d forward and backward on these shapes.
    difference = (student - teacher).reshape(-1, student.shape[-1])
    losses = [difference.square().mean()]
    for _ in range(n_scales):
        length = difference.shape[-1] // pool_window
        if length == 0:  # the next level would be empty
            break
        groups = difference[:, : length * pool_window].reshape(-1, length, pool_window)
        difference = groups.mean(dim=-1)
        losses.append(difference.square().mean())
    return torch.stack(losses).mean()


def _period_logits(z, temperature):
    """``|rFFT(z)| / tau`` along the last axis with the DC bin dropped: (..., n // 2)."""
    n = z.shape[-1]
    amplitude = torch.fft.rfft(z, dim=-1).abs()
    # bins 1..n//2: every non-DC bin (the Nyquist bin included for even n)
    return amplitude.narrow(-1, 1, n // 2) / temperature


def multi_period_loss(student, teacher, temperature=0.5, reduction="mean"):
    """KL(teacher ‖ student) between period distributions along the last axis.

    The period distribution of a sequence ``z`` of length ``n`` is
    ``softmax(|rFFT(z)|[1:n//2+1] / tau)``: raw amplitudes (no division by ``n``), the
    DC bin dropped, ``K = n // 2`` bins. With ``q_t``, ``q_s`` those of teacher and
    student, the pointwise divergence is
    ``q_t · (log q_t − log(q_s + 1e-8))``, as the authors' ``F.kl_div`` computes it.

    Parameters
    ----------
    student, teacher : Tensor of shape (..., n)
        Usually ``(batch, n_channels, n)``. Gradients flow into both (the teacher side
        too, as ``F.kl_div`` differentiates with respect to its target); detach the
        teacher yourself where it must not learn.
    temperature : float, default=0.5
        Softmax temperature ``tau`` (> 0).
    reduction : {"mean", "batchmean"}, default="mean"
        ``"mean"`` divides the summed divergence by the number of elements
        ``B · C · K``, exactly the authors' ``F.kl_div(..., reduction="mean")`` (the
        per-distribution KL divided by ``K`` as well); ``"batchmean"`` divides by the
        number of distributions ``B · C``, i.e. the mean per-distribution KL (the
        paper's stated intent; note that PyTorch's own ``"batchmean"`` would divide by
        ``B`` only).

    Returns
    -------
    Tensor
        Scalar; exactly zero when ``n < 2`` (no non-DC bin). It is a KL divergence up
        to the authors' ``1e-8`` stabiliser, which can take it slightly below zero when
        the distributions agree: the per-distribution value is at least
        ``-log(1 + K · 1e-8)`` (about ``-K · 1e-8``), so ``"mean"`` is at least about
        ``-1e-8`` and ``"batchmean"`` at least about ``-K · 1e-8``.

    Raises
    ------
    ValueError
        On shapes that differ or invalid ``temperature`` / ``reduction``.

    References
    ----------
    .. [1] J. Ni, Z. Liu, S. Wang, M. Jin and W. Jin. "TimeDistill: Efficient
       Long-Term Time Series Forecasting with MLP via Cross-Architecture
       Distillation". KDD 2026. arXiv:2502.15016.

    Examples
    --------
    >>> import torch
    >>> from aeon_kd.methods.timedistill import multi_period_loss
    >>> z = torch.sin(torch.arange(8.0)).reshape(1, 1, 8)
    >>> abs(float(multi_period_loss(z, z))) < 1e-6  # zero up to the 1e-8 stabiliser, either sign
    True
    >>> bool(multi_period_loss(z, torch.cos(3 * torch.arange(8.0)).reshape(1, 1, 8)) > 0.1)
    True
    """
    _check_temperature(temperature)
    _check_reduction(reduction)
    _check_pair(student, teacher, "tensors")
    if student.shape[-1] < 2:  # only the DC bin: no period distribution to compare
        return zero_like_loss(student) + zero_like_loss(teacher)
    logits_s = _period_logits(student, temperature)
    logits_t = _period_logits(teacher, temperature)
    q_s = torch.softmax(logits_s, dim=-1)
    q_t = torch.softmax(logits_t, dim=-1)
    # log_softmax for log q_t: equal to log(softmax) but finite where q_t underflows to 0,
    # so 0 · log 0 gives 0 instead of NaN on peaked spectra
    pointwise = q_t * (torch.log_softmax(logits_t, dim=-1) - torch.log(q_s + _EPS))
    total = pointwise.sum()
    if reduction == "mean":
        return total / pointwise.numel()
    return total / (pointwise.numel() // pointwise.shape[-1])


@register_method
class TimeDistill(Method):
    """Multi-scale and multi-period distillation of a forecaster (Ni et al., 2026).

    Loss of one batch, with student forecast ``Y_s``, teacher forecast ``Y_t`` (both
    ``(batch, n_channels, horizon)``), truth ``Y``, student features ``H_s`` and
    projected teacher features ``H_t' = P(H_t)`` (both ``(batch, n_channels, D)``)::

        task_weight · MSE(Y_s, Y)
          + alpha · (L_scale(Y_s, Y_t) + L_period(Y_s, Y_t))      # along the horizon
          + beta  · (L_scale(H_s, H_t') + L_period(H_s, H_t'))    # along the hidden axis

    with ``L_scale`` = :func:`multi_scale_loss` and ``L_period`` =
    :func:`multi_period_loss`. The task MSE is added by the trainer. The teacher
    forecast is detached; the projected teacher features are not, so the projector
    ``P`` (``Linear(d_t, D) → ReLU → Linear(D, D)``, an auxiliary module trained with
    the student and dropped after ``fit``) learns through both feature terms.

    Parameters
    ----------
    alpha : float, default=0.1
        Weight of the prediction-level terms (>= 0). Chosen with ``beta`` on the
        validation split of the real tuning series from the authors' grid
        (``benchmarks/results/timedistill_sweep.md``); the authors' generic script
        uses 1.
    beta : float, default=0.5
        Weight of the feature-level terms (>= 0); the authors' generic script uses 1.
    temperature : float, default=0.5
        Temperature ``tau`` of the period distributions (> 0).
    n_scales : int, default=3
        Pooled levels on top of the original in the multi-scale terms (>= 0).
    pool_window : int, default=2
        Kernel and stride of the average pooling (>= 2).
    kl_reduction : {"mean", "batchmean"}, default="mean"
        Reduction of the period KL: ``"mean"`` over every bin (the authors' code; the
        published ``alpha``/``beta`` were tuned with it) or ``"batchmean"``, the mean
        per-distribution KL (see :func:`multi_period_loss`).
    task_weight : float, default=1.0
        Weight of the ground-truth MSE.

    Notes
    -----
    Loss terms (``history_`` columns ``train_<term>`` / ``valid_<term>``, prefixed
    with ``timedistill_`` inside a sum of methods): ``scale_pred``, ``period_pred``,
    ``scale_feat``, ``period_feat``, each already weighted by ``alpha`` or ``beta``.

    The teacher must give its forecast (``"logits"``). Its per-channel features
    (``"features"``, ``(batch, n_channels, d_t)``) are optional: with a black-box
    teacher (e.g. an aeon forecaster) only the prediction-level terms train the
    student and the two feature terms are logged as zeros, so the history keeps the
    same columns whatever the teacher.

    The feature-level terms pool and Fourier-transform along the hidden axis ``D`` of
    each channel's representation, not along time, as the authors' code does (it is
    what produced their results): a representation-matching heuristic rather than a
    temporal operation.

    Departures from the authors' code: (1) pooling and FFT run on the channel-first
    ``(batch, n_channels, length)`` layout of this library (the same numbers as the
    code's transposes); (2) on short axes the pyramid stops when a level would be
    empty and averages over the levels used (the code always assumes four non-empty
    levels); (3) ``log q_t`` is taken as a log-softmax, so underflowing teacher
    probabilities give 0 instead of NaN; (4) ``kl_reduction="batchmean"`` is an
    addition. The authors' hard-coded ``tau = 0.5``, three pooled levels and window 2
    are the defaults.

    Tip: the authors use ``alpha = beta = 1`` in their generic script
    (``TimeDistill(alpha=1.0, beta=1.0)`` reproduces it) and tune both in
    {0.1, 0.5, 1, 2} per data set; on ETTh1 their ModernTCN and iTransformer teachers
    use ``alpha = 2, beta = 2``. Their student trains with Adam at ``lr=1e-2``.

    References
    ----------
    .. [1] J. Ni, Z. Liu, S. Wang, M. Jin and W. Jin. "TimeDistill: Efficient
       Long-Term Time Series Forecasting with MLP via Cross-Architecture
       Distillation". Proceedings of the 32nd ACM SIGKDD Conference on Knowledge
       Discovery and Data Mining (KDD 2026). arXiv:2502.15016.

    Examples
    --------
    >>> import torch
    >>> from torch import nn
    >>> from aeon_kd.methods import DistillationBatch, TimeDistill
    >>> forecast = torch.zeros(2, 3, 8)
    >>> batch = DistillationBatch(
    ...     student={"logits": forecast, "features": torch.zeros(2, 3, 4)},
    ...     teacher={"logits": forecast + 1.0},
    ...     y=forecast, extras={}, modules=nn.ModuleDict(), student_module=None,
    ...     task="forecasting",
    ... )
    >>> terms = TimeDistill(alpha=2.0).loss_terms(batch)
    >>> sorted(terms)
    ['period_feat', 'period_pred', 'scale_feat', 'scale_pred']
    >>> float(terms["scale_pred"])
    2.0
    """

    name = "timedistill"
    teacher_signals = frozenset({"logits"})
    #: teacher signals used when the teacher can give them (white-box teachers)
    optional_teacher_signals = frozenset({"features"})
    student_signals = frozenset({"logits", "features"})
    tasks = frozenset({"forecasting"})
    reference = "Ni et al. (2026), KDD, arXiv:2502.15016"

    def __init__(
        self,
        alpha=0.1,
        beta=0.5,
        temperature=0.5,
        n_scales=3,
        pool_window=2,
        kl_reduction="mean",
        task_weight=1.0,
    ):
        self.alpha = alpha
        self.beta = beta
        self.temperature = temperature
        self.n_scales = n_scales
        self.pool_window = pool_window
        self.kl_reduction = kl_reduction
        self.task_weight = task_weight

    def term_names(self):
        """The four weighted terms: scale and period, prediction and feature level."""
        return ("scale_pred", "period_pred", "scale_feat", "period_feat")

    def auxiliary_modules(self, context):
        """Build the teacher-to-student projector when the teacher gives features.

        Parameters
        ----------
        context : FitContext
            ``context.teacher_outputs["features"]`` (``(n_cases, n_channels, d_t)``)
            sets the input width; the student's ``"features"`` on two rows of
            ``context.X`` (probed in eval mode without gradients) set the output width.

        Returns
        -------
        dict of str to torch.nn.Module
            ``{"projector": Linear(d_t, D) → ReLU → Linear(D, D)}``, or ``{}`` for a
            teacher without features.
        """
        if "features" not in context.teacher_outputs:
            return {}
        if context.student is None:
            raise ValueError(
                "TimeDistill sizes its projector on the student, but context.student is None."
            )
        teacher_width = int(context.teacher_outputs["features"].shape[-1])
        param = next(context.student.parameters(), None)
        dtype = param.dtype if param is not None else torch.float32
        probe = torch.as_tensor(context.X[:2], dtype=dtype)
        features = probe_signals(context.student, probe, {"features"})["features"]
        student_width = int(features.shape[-1])
        # the authors' Regressor with num_layers=2: PyTorch's default initialisation
        projector = nn.Sequential(
            nn.Linear(teacher_width, student_width),
            nn.ReLU(),
            nn.Linear(student_width, student_width),
        )
        return {"projector": projector.to(dtype)}

    def _check_params(self):
        """Raise a ValueError naming the first invalid hyper-parameter."""
        for name in ("alpha", "beta"):
            value = getattr(self, name)
            if not (isinstance(value, numbers.Real) and value >= 0):
                raise ValueError(f"{name} must be a number >= 0, got {value!r}.")
        _check_temperature(self.temperature)
        _check_int(self.n_scales, "n_scales", 0)
        _check_int(self.pool_window, "pool_window", 2)
        _check_reduction(self.kl_reduction, "kl_reduction")

    def _pair_losses(self, student, teacher):
        """Unweighted (multi-scale, multi-period) losses of one student/teacher pair."""
        scale = multi_scale_loss(student, teacher, self.n_scales, self.pool_window)
        period = multi_period_loss(student, teacher, self.temperature, self.kl_reduction)
        return scale, period

    def loss_terms(self, batch):
        """Weighted ``scale_pred``, ``period_pred``, ``scale_feat``, ``period_feat``.

        Parameters
        ----------
        batch : DistillationBatch
            ``student["logits"]`` and ``teacher["logits"]`` are forecasts
            ``(batch, n_channels, horizon)``; ``student["features"]`` is
            ``(batch, n_channels, D)`` and ``teacher["features"]``, when present,
            ``(batch, n_channels, d_t)`` with ``modules["projector"]`` mapping it to
            ``D``.

        Returns
        -------
        dict of str to Tensor
            Scalars; the feature terms are zeros when the teacher gave no features.
        """
        self._check_params()
        student = batch.student["logits"]
        # the teacher forecast is a fixed target: no gradient, whatever its flag
        teacher = batch.teacher["logits"].detach().to(student.dtype)
        scale_pred, period_pred = self._pair_losses(student, teacher)
        terms = {"scale_pred": self.alpha * scale_pred, "period_pred": self.alpha * period_pred}

        if "features" not in batch.teacher:
            # black-box teacher: zeros keep the history's columns the same for every teacher
            zero = zero_like_loss(student)
            terms.update(scale_feat=zero, period_feat=zero.clone())
            return terms
        if "projector" not in batch.modules:
            raise ValueError(
                "The teacher gave features but TimeDistill's projector is missing from "
                "batch.modules; it comes from TimeDistill.auxiliary_modules(context)."
            )
        if "features" not in batch.student:
            raise ValueError(
                "TimeDistill needs the student's 'features' (batch, n_channels, D) for the "
                "feature-level terms; the student gave only "
                f"{sorted(batch.student)}."
            )
        student_features = batch.student["features"]
        projector = batch.modules["projector"]
        param = next(projector.parameters(), None)
        dtype = param.dtype if param is not None else student_features.dtype
        # not detached after projection: the projector learns through both feature terms
        teacher_features = projector(batch.teacher["features"].detach().to(dtype))
        teacher_features = teacher_features.to(student_features.dtype)
        scale_feat, period_feat = self._pair_losses(student_features, teacher_features)
        terms.update(scale_feat=self.beta * scale_feat, period_feat=self.beta * period_feat)
        return terms
