"""Temporal Saliency Distillation (Hewa Dehigahawattage et al., ECAI 2025).

TSD transfers *why* the teacher predicts, not only what: how much each stretch of
the input matters to it. A window of ``L`` steps of series ``x_i`` is replaced (by
default with the same positions of a training series of another class) and the
change of the model's softened prediction measures the window's saliency:

    p_i = softmax(f(x_i)/τ),  q_im = softmax(f(x̃_im)/τ)
    s_imk = τ² p_ik (log p_ik − log q_imk)

(the per-class terms of ``KL(p_i ‖ q_im)``; ``per_class=False`` sums them into one
KL per window). Each model's saliencies are divided by one scalar per batch, the mean
of their positive entries, and the student's are pulled towards the teacher's with a
smooth-L1 loss. Student gradients flow through both its clean and perturbed outputs.

How the teacher is queried: never inside the epoch loop. Before training, ``prepare``
draws a bank of ``bank_size`` perturbations per series and asks the teacher (white-box
or black-box) for their logits in batched calls; each step samples ``n_windows`` of them
per series and rebuilds the same perturbed inputs for the student. ``online=True`` runs a
white-box teacher on fresh perturbations at every step instead (no gradients through
it), as the released code does.

Windows and donors are drawn with vectorised indexing from a generator seeded by
the estimator's ``random_state``; donors come from the training split only.
"""

from __future__ import annotations

import numbers

import numpy as np
import torch
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint

from aeon_kd._memory import check_allocation
from aeon_kd.methods._base import Method, register_method
from aeon_kd.methods._utils import seeded_generator

__all__ = ["TSD", "normalise_saliency", "perturb_windows", "temporal_saliency", "tsd_loss"]

REPLACEMENTS = ("opposite_class", "same_class", "zero", "mean", "noise")
_DONOR_MODES = ("opposite_class", "same_class")
_SALIENCY_EPS = 1e-8


# -- loss math ---------------------------------------------------------------------


def perturb_windows(x, starts, values):
    """Copy each series once per window, with that window replaced.

    Parameters
    ----------
    x : Tensor of shape (batch, n_channels, n_timepoints)
    starts : LongTensor of shape (batch, n_windows)
        First step of each window.
    values : Tensor of shape (batch, n_windows, window_length, n_channels)
        What goes into each window (broadcastable to that shape).

    Returns
    -------
    Tensor of shape (batch, n_windows, n_channels, n_timepoints)
        ``out[i, m]`` is ``x[i]`` with steps ``starts[i, m] .. starts[i, m] + L - 1``
        set to ``values[i, m]``.
    """
    n, c, t = x.shape
    m = starts.shape[1]
    length = values.shape[2]
    out = x[:, None].expand(n, m, c, t).clone()
    pos = starts[..., None] + torch.arange(length, device=x.device)  # (n, m, L)
    rows = torch.arange(n, device=x.device)[:, None, None]
    copies = torch.arange(m, device=x.device)[None, :, None]
    # advanced indices on axes 0, 1, 3 around a slice: the selection is (n, m, L, c)
    out[rows, copies, :, pos] = values.to(out.dtype).expand(n, m, length, c)
    return out


def temporal_saliency(clean_logits, perturbed_logits, temperature, per_class=True):
    """Saliency of each perturbed window: the change of the softened prediction.

    Parameters
    ----------
    clean_logits : Tensor of shape (batch, n_classes)
    perturbed_logits : Tensor of shape (batch, n_windows, n_classes)
    temperature : float
    per_class : bool, default=True
        Keep the per-class KL terms ``τ² p_k (log p_k − log q_k)`` (the authors'
        code); False sums them into ``τ² KL(p ‖ q)`` per window.

    Returns
    -------
    Tensor of shape (batch, n_windows, n_classes) or (batch, n_windows)
    """
    log_p = F.log_softmax(clean_logits / temperature, dim=-1)[:, None, :]
    log_q = F.log_softmax(perturbed_logits / temperature, dim=-1)
    saliency = temperature**2 * log_p.exp() * (log_p - log_q)
    return saliency if per_class else saliency.sum(dim=-1)


def normalise_saliency(saliency, eps=_SALIENCY_EPS):
    """Divide by the mean of the positive entries (one scalar for the whole batch)."""
    positive = (saliency > 0).to(saliency.dtype)
    mean = (saliency * positive).sum() / positive.sum().clamp_min(1.0)
    return saliency / (mean + eps)


def tsd_loss(
    student_clean,
    student_perturbed,
    teacher_clean,
    teacher_perturbed,
    temperature=8.0,
    per_class=True,
    beta=1.0,
):
    """Smooth-L1 between the student's and the teacher's normalised saliencies.

    Parameters
    ----------
    student_clean, teacher_clean : Tensor of shape (batch, n_classes)
        Logits on the series.
    student_perturbed, teacher_perturbed : Tensor of shape (batch, n_windows, n_classes)
        Logits on the perturbed copies.
    temperature : float, default=8.0
    per_class : bool, default=True
        See :func:`temporal_saliency`.
    beta : float, default=1.0
        Smooth-L1 threshold.

    Returns
    -------
    Tensor
        Scalar, mean over series, windows (and classes); gradients reach the
        student's logits only.
    """
    with torch.no_grad():
        target = normalise_saliency(
            temporal_saliency(
                teacher_clean.detach(), teacher_perturbed.detach(), temperature, per_class
            )
        )
    student = normalise_saliency(
        temporal_saliency(student_clean, student_perturbed, temperature, per_class)
    )
    return F.smooth_l1_loss(student, target, beta=beta)


# -- drawing windows and donors (vectorised, CPU generator) ------------------------


def _draw_starts(n, n_positions, n_draws, generator):
    """Distinct window starts per row (cycling only if more are asked than exist)."""
    order = torch.rand(n, n_positions, generator=generator).argsort(dim=1)
    return order[:, torch.arange(n_draws) % n_positions]


def _draw_donors(y, rows, pool_rows, pool_y, n_draws, same_class, generator):
    """Donor rows per series, without replacement while enough are eligible."""
    if same_class:
        eligible = pool_y[None, :] == y[:, None]
        strict = eligible & (pool_rows[None, :] != rows[:, None])  # not the series itself
        eligible = torch.where(strict.any(dim=1, keepdim=True), strict, eligible)
    else:
        eligible = pool_y[None, :] != y[:, None]
    keys = torch.rand(eligible.shape, generator=generator).masked_fill(~eligible, 2.0)
    order = keys.argsort(dim=1)
    count = eligible.sum(dim=1, keepdim=True).clamp_min(1)
    cols = torch.arange(n_draws)[None, :] % count
    return pool_rows[order.gather(1, cols)]


@register_method
class TSD(Method):
    """Temporal Saliency Distillation (Hewa Dehigahawattage et al., 2025).

    Loss: ``task_weight · CE + weight · SmoothL1(ŝ_S, ŝ_T)`` where ``ŝ`` are the
    batch-normalised window saliencies of student and teacher (see the module
    docstring). Works with any teacher that gives logits, queried once, before
    training, on a bank of perturbations (``online=True``: a white-box teacher on fresh
    ones at every step).

    Parameters
    ----------
    weight : float, default=1.0
        ``λ_TSD``; the authors sweep {0.1, 0.5, 1, 10, 100}: grid-search
        ``method__weight`` on a validation split.
    window_length : int, default=10
        Steps replaced per perturbation (``L``; 1 gives per-step saliency). Must be
        smaller than the series length.
    n_windows : int or None, default=2
        Perturbations per series and step (``M``), at distinct positions; None uses
        every one of the ``T − L + 1`` positions (exact, cost grows with ``T``). The
        student runs on ``batch · (1 + M)`` series per step, so an epoch costs about
        ``1 + M`` ``kd`` epochs: the papers' ``M = 50`` cost 47x
        (``benchmarks/results/tsd_cost.md``). With the bank, the ``bank_size``
        scored perturbations of a series are all visited over the epochs however small
        ``M`` is; ``TSD(n_windows=50)`` gives the papers' setting.
    replacement : {"opposite_class", "same_class", "zero", "mean", "noise"}, \
default="opposite_class"
        What fills a window: the same steps of a training-split series of another
        class (the paper), of the same class (another series where there is one),
        zeros, the series' own per-channel mean, or Gaussian noise with the series'
        per-channel mean and standard deviation.
    temperature : float, default=8.0
        ``τ`` of the saliency (the released experiments' value), separate from any
        KD temperature.
    per_class : bool, default=True
        Compare the per-class KL terms (the authors' code) rather than one summed KL
        per window.
    bank_size : int, default=100
        Perturbations drawn and scored per series before training (unless ``online``);
        each step samples ``min(n_windows, bank_size)`` of them.
    max_perturbed_batch : int, default=2048
        Most perturbed series run through a network at once. Larger perturbed
        batches are split; during training each student chunk is checkpointed
        (activations recomputed in backward), so memory is bounded by one chunk.
    beta : float, default=1.0
        Smooth-L1 threshold.
    task_weight : float, default=1.0
        Weight of the cross-entropy.
    online : bool, default=False
        With a white-box (torch) teacher, run it on fresh perturbations at every step
        (the released code's protocol; a TSD epoch then costs hundreds of ``kd``
        epochs). By default every teacher scores ``bank_size`` perturbations per
        series once, before training, and each step samples from that bank.

    Notes
    -----
    Departures from the released code, all towards the paper's description: the
    last window start ``T − L`` can be drawn; donors come from the training split
    only (never validation rows); windows and donors come from a seeded generator.
    Per step the student runs on ``batch · (1 + M)`` series, so cost and memory grow
    with ``n_windows``. Its passes over the perturbed copies leave BatchNorm running
    statistics as the clean series set them (the released code's LSTM students have
    none), so a convolutional student is evaluated with the statistics of the series it
    predicts.

    With ``resample_length`` the student sees resampled series; TSD then needs a
    teacher that sees the same series, i.e. one fitted inside ``fit`` (pass it
    unfitted, or ``teacher=None``), and raises otherwise.

    References
    ----------
    .. [1] N. U. Hewa Dehigahawattage, K. Nandakishor and M. Palaniswami. "Learning
       to Reason: Temporal Saliency Distillation for Interpretable Knowledge
       Transfer". ECAI 2025, pp. 2866-2873. doi:10.3233/FAIA251144.
       arXiv:2601.04263.

    Examples
    --------
    >>> import torch
    >>> from aeon_kd.methods.tsd import perturb_windows, tsd_loss
    >>> x = torch.arange(6.0).reshape(1, 1, 6)
    >>> perturb_windows(x, torch.tensor([[1, 4]]), torch.zeros(1, 2, 2, 1))
    tensor([[[[0., 0., 0., 3., 4., 5.]],
    <BLANKLINE>
             [[0., 1., 2., 3., 0., 0.]]]])
    >>> clean, pert = torch.tensor([[1.0, 0.0]]), torch.tensor([[[0.0, 1.0], [1.0, 0.5]]])
    >>> float(tsd_loss(clean, pert, clean, pert, temperature=2.0))
    0.0
    """

    name = "tsd"
    teacher_signals = frozenset({"logits"})
    reference = (
        "Hewa Dehigahawattage, Nandakishor & Palaniswami (2025), ECAI, arXiv:2601.04263"
    )

    def __init__(
        self,
        weight=1.0,
        window_length=10,
        n_windows=2,
        replacement="opposite_class",
        temperature=8.0,
        per_class=True,
        bank_size=100,
        max_perturbed_batch=2048,
        beta=1.0,
        task_weight=1.0,
        online=False,
    ):
        self.weight = weight
        self.window_length = window_length
        self.n_windows = n_windows
        self.replacement = replacement
        self.temperature = temperature
        self.per_class = per_class
        self.bank_size = bank_size
        self.max_perturbed_batch = max_perturbed_batch
        self.beta = beta
        self.online = online
        self.task_weight = task_weight

    # -- checks -------------------------------------------------------------------

    def _check_params(self, length):
        def positive_int(name, value):
            if not (isinstance(value, numbers.Integral) and not isinstance(value, bool)
                    and value >= 1):
                raise ValueError(f"{name} must be an integer >= 1, got {value!r}.")

        positive_int("window_length", self.window_length)
        if self.window_length >= length:
            raise ValueError(
                f"window_length={self.window_length} must be smaller than the series "
                f"length ({length} time points): a window cannot cover the whole series. "
                f"Choose window_length <= {length - 1} (e.g. about a tenth of the length)."
            )
        if self.n_windows is not None:
            if isinstance(self.n_windows, numbers.Integral) and self.n_windows < 1:
                raise ValueError(
                    f"n_windows must be >= 1 (or None for every position), got "
                    f"{self.n_windows!r}: TSD needs at least one perturbed window per series."
                )
            positive_int("n_windows", self.n_windows)
        positive_int("bank_size", self.bank_size)
        positive_int("max_perturbed_batch", self.max_perturbed_batch)
        if self.replacement not in REPLACEMENTS:
            raise ValueError(
                f"replacement must be one of {REPLACEMENTS}, got {self.replacement!r}."
            )
        if not self.temperature > 0:
            raise ValueError(f"temperature must be > 0, got {self.temperature!r}.")

    def _check_donors(self, y, pool_y):
        if self.replacement not in _DONOR_MODES:
            return
        classes = np.unique(y)
        pool_classes = np.unique(pool_y)
        if self.replacement == "opposite_class":
            lonely = [int(c) for c in classes if not np.any(pool_classes != c)]
            if lonely:
                raise ValueError(
                    "replacement='opposite_class' takes each window from a training-split "
                    "series of another class, but the training split holds only class "
                    f"index {pool_classes.tolist()}, so series of class index {lonely} have "
                    "no donor. Put series of at least two classes in the training split, "
                    "or use replacement='same_class', 'zero', 'mean' or 'noise'."
                )
        else:
            lonely = [int(c) for c in classes if c not in pool_classes]
            if lonely:
                raise ValueError(
                    "replacement='same_class' takes each window from a training-split "
                    f"series of the same class, but class index {lonely} has none in the "
                    "training split. Use replacement='opposite_class', 'zero', 'mean' or "
                    "'noise'."
                )

    # -- before training ----------------------------------------------------------

    def prepare(self, context):
        """Check the settings, keep the donor pool, build the black-box bank."""
        X = context.X
        self._check_params(X.shape[2])
        teacher_X = context.teacher_X
        if teacher_X is not None and teacher_X.shape != X.shape:
            raise ValueError(
                "TSD perturbs the series the student sees and scores the same perturbed "
                f"series with the teacher, but the teacher sees series of shape "
                f"{teacher_X.shape[1:]} and the student {X.shape[1:]} (resample_length "
                "resamples the student's input only). Pass the teacher unfitted (or "
                "teacher=None) so it is fitted on the resampled series, or resample X "
                "before fit and set resample_length=None."
            )
        train_index = np.asarray(context.train_index)
        y = np.asarray(context.y)
        self._check_donors(y, y[train_index])
        self._generator = seeded_generator(context)
        self._X = torch.from_numpy(np.ascontiguousarray(X, dtype=np.float32))
        self._pool_rows = torch.as_tensor(train_index, dtype=torch.long)
        self._pool_y = torch.as_tensor(y[train_index], dtype=torch.long)
        self._device_cache = {}
        online = self.online and getattr(context.teacher, "white_box", True)
        if context.teacher is None or online:
            return {}  # no teacher to score a bank, or queried online at every step
        # every teacher, white-box too, scores a bank of perturbations once, before
        # training: an online teacher cost 340x a kd epoch, and no gradient flows
        # through the teacher, so nothing is lost but fresh draws
        return self._build_bank(context)

    def _build_bank(self, context):
        """Draw ``bank_size`` perturbations per series and score them with the teacher."""
        teacher = context.teacher
        if not hasattr(teacher, "logits"):
            raise TypeError(
                f"TSD needs the teacher's logits on new series, but "
                f"{type(teacher).__name__} has no logits(X) method."
            )
        X = self._X
        y = torch.as_tensor(context.y, dtype=torch.long)
        bank = self.bank_size
        per_call = max(1, self.max_perturbed_batch // bank)
        n_logits = int(np.asarray(context.teacher_outputs["logits"]).shape[1])
        # per perturbation: the teacher's logits and the draw (start, donor/noise row)
        check_allocation(
            len(X) * bank * (4 * n_logits + 16),
            f"TSD's bank of {bank} scored perturbations for each of {len(X)} series",
            "Lower bank_size, or TSD(online=True) with a white-box torch teacher (queried "
            "online, no bank)",
        )
        parts = {}
        for start in range(0, len(X), per_call):
            rows = torch.arange(start, min(start + per_call, len(X)))
            spec = self._draw(y[rows], rows, X, bank, self._generator)
            perturbed = perturb_windows(X[rows], spec["start"], self._values(X[rows], spec, X))
            flat = perturbed.reshape(-1, *perturbed.shape[2:]).numpy()
            logits = np.asarray(teacher.logits(flat), dtype=np.float32)
            spec["logits"] = torch.from_numpy(logits.reshape(len(rows), bank, -1))
            for key, value in spec.items():
                parts.setdefault(f"bank_{key}", []).append(value.numpy())
        extras = {key: np.concatenate(value) for key, value in parts.items()}
        # clean logits from the same fitted model (cached ones may be out-of-fold)
        if getattr(teacher, "training_logits", None) is not None:
            clean = teacher.logits(context.X)
        else:
            clean = context.teacher_outputs["logits"]
        extras["clean_logits"] = np.asarray(clean, dtype=np.float32)
        return extras

    # -- one step -----------------------------------------------------------------

    def _draw(self, y, rows, x_or_X, n_draws, generator):
        """Window starts (and donors or noise) for ``rows``; CPU tensors."""
        length = x_or_X.shape[2]
        n = len(rows)
        n_positions = length - self.window_length + 1
        spec = {"start": _draw_starts(n, n_positions, n_draws, generator)}
        if self.replacement in _DONOR_MODES:
            spec["donor"] = _draw_donors(
                y.cpu(), rows.cpu(), self._pool_rows, self._pool_y, n_draws,
                self.replacement == "same_class", generator,
            )
        elif self.replacement == "noise":
            spec["noise"] = torch.randn(
                n, n_draws, self.window_length, x_or_X.shape[1], generator=generator
            )
        return spec

    def _values(self, x, spec, X):
        """Window contents ``(batch, n_windows, L, channels)`` for series ``x``."""
        n, c, _ = x.shape
        m = spec["start"].shape[1]
        length = self.window_length
        if self.replacement in _DONOR_MODES:
            pos = spec["start"][..., None] + torch.arange(length, device=x.device)
            return X[spec["donor"][..., None], :, pos]  # (n, m, L, c)
        if self.replacement == "zero":
            return x.new_zeros(n, m, length, c)
        mean = x.mean(dim=2)[:, None, None, :]
        if self.replacement == "mean":
            return mean.expand(n, m, length, c)
        std = x.std(dim=2, correction=0)[:, None, None, :]
        return mean + std * spec["noise"].to(x.dtype)

    def _on(self, device):
        if device not in self._device_cache:
            self._device_cache[device] = self._X.to(device)
        return self._device_cache[device]

    def _run_student(self, module, perturbed, training):
        forward = _without_updating_statistics(module)
        chunks = torch.split(perturbed, self.max_perturbed_batch)
        if len(chunks) == 1:
            return forward(perturbed)
        if training and torch.is_grad_enabled():
            return torch.cat([checkpoint(forward, c, use_reentrant=False) for c in chunks])
        return torch.cat([forward(c) for c in chunks])

    def _run_teacher(self, teacher, inputs):
        parts = [
            teacher.forward(c, frozenset({"logits"}))["logits"]
            for c in torch.split(inputs, self.max_perturbed_batch)
        ]
        return torch.cat(parts)

    term_weights = {"tsd": "weight"}

    def raw_terms(self, batch):
        """The saliency term before its ``weight`` (fresh windows and donors)."""
        x = batch.inputs
        if x is None:
            raise ValueError("TSD needs the batch inputs (DistillationBatch.inputs).")
        if not hasattr(self, "_X"):
            raise ValueError("TSD.prepare(context) must run before loss_terms.")
        self._check_params(x.shape[2])
        generator = getattr(self, "_generator", None)
        n, c, length = x.shape
        device = x.device
        rows = batch.extras.get("index")  # rows of FitContext.X: a series is not its own donor
        rows = torch.full((n,), -1) if rows is None else rows.long()
        student_clean = batch.student["logits"]
        n_positions = length - self.window_length + 1
        n_draws = min(self.n_windows or n_positions, n_positions)

        if batch.online_teacher is not None and "bank_logits" not in batch.extras:
            spec = self._draw(batch.y.long(), rows, x, n_draws, generator)
            spec = {k: v.to(device) for k, v in spec.items()}
            perturbed = perturb_windows(x, spec["start"], self._values(x, spec, self._on(device)))
            flat = perturbed.reshape(n * n_draws, c, length)
            teacher_all = self._run_teacher(batch.online_teacher, torch.cat([x, flat]))
            teacher_all = teacher_all.to(device=device, dtype=student_clean.dtype)
            teacher_clean = teacher_all[:n]
            teacher_perturbed = teacher_all[n:].reshape(n, n_draws, -1)
        elif "bank_logits" in batch.extras:
            bank = batch.extras["bank_logits"]
            n_draws = min(n_draws, bank.shape[1])
            slots = _draw_starts(n, bank.shape[1], n_draws, generator).to(device)
            spec = {
                key: _take(batch.extras[f"bank_{key}"], slots)
                for key in ("start", "donor", "noise")
                if f"bank_{key}" in batch.extras
            }
            perturbed = perturb_windows(x, spec["start"], self._values(x, spec, self._on(device)))
            flat = perturbed.reshape(n * n_draws, c, length)
            teacher_clean = batch.extras["clean_logits"].to(student_clean.dtype)
            teacher_perturbed = _take(bank, slots).to(student_clean.dtype)
        else:
            raise ValueError(
                "TSD needs either an online (white-box) teacher or the bank of teacher "
                "logits that TSD.prepare builds for a black-box teacher; neither is in "
                "the batch."
            )
        student_perturbed = self._run_student(batch.student_module, flat, batch.training)
        student_perturbed = student_perturbed.reshape(n, n_draws, -1)
        loss = tsd_loss(
            student_clean, student_perturbed, teacher_clean, teacher_perturbed,
            self.temperature, self.per_class, self.beta,
        )
        return {"tsd": loss}


def _without_updating_statistics(module):
    """``module``'s forward that leaves its buffers (BatchNorm statistics) unchanged.

    The student sees ``M`` perturbed copies of every series per step, whose features
    are spread wider than the clean series'; had they entered the running statistics,
    the student would be evaluated with statistics of perturbed series and, measured
    on ChlorineConcentration, a student fitting its training series perfectly in
    training mode predicted them at 0.44 in evaluation mode (the last BatchNorm's
    running variance 100x the clean series'). Batch statistics are still used, and
    gradients flow as before; only the buffers the call writes are throw-away copies
    (a checkpointed recomputation writes into them again, harmlessly).
    """
    buffers = dict(module.named_buffers())
    if not buffers:
        return module

    def forward(inputs):
        copies = {name: value.clone() for name, value in buffers.items()}
        return torch.func.functional_call(module, copies, (inputs,), strict=False)

    return forward


def _take(values, slots):
    """``values[i, slots[i, j]]`` for every row ``i``: (n, bank, ...) -> (n, m, ...)."""
    rows = torch.arange(len(slots), device=slots.device)[:, None]
    return values[rows, slots]
