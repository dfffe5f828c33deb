"""TimeDistill: golden loss values, gradients, the projector, parameters, errors.

Golden values are computed here with plain numpy (hand-written pooling, np.fft.rfft,
manual softmax and KL), never by calling the code under test.
"""

import numpy as np
import pytest
import torch
from sklearn.base import clone
from torch import nn

from aeon_kd.methods import (
    DistillationBatch,
    FitContext,
    HintonKD,
    MethodSum,
    TimeDistill,
    list_methods,
    resolve_method,
)
from aeon_kd.methods.timedistill import multi_period_loss, multi_scale_loss

# -- plain-numpy references ---------------------------------------------------------


def val(x):
    return float(x.detach())


def t(a, grad=False):
    return torch.tensor(np.asarray(a), dtype=torch.float64, requires_grad=grad)


def pool_by_hand(z, window=2):
    """Average non-overlapping windows along the last axis, dropping the remainder."""
    n_out = z.shape[-1] // window
    out = np.zeros(z.shape[:-1] + (n_out,))
    for j in range(n_out):
        out[..., j] = z[..., j * window : (j + 1) * window].sum(axis=-1) / window
    return out


def multi_scale_by_hand(s, te, n_scales=3, window=2):
    losses = [np.mean((s - te) ** 2)]
    for _ in range(n_scales):
        if s.shape[-1] < window:
            break
        s, te = pool_by_hand(s, window), pool_by_hand(te, window)
        losses.append(np.mean((s - te) ** 2))
    return np.mean(losses)


def period_dist_by_hand(z, tau):
    n = z.shape[-1]
    amp = np.abs(np.fft.rfft(z, axis=-1))[..., 1 : n // 2 + 1] / tau
    e = np.exp(amp - amp.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def multi_period_by_hand(s, te, tau=0.5, reduction="mean"):
    q_s, q_t = period_dist_by_hand(s, tau), period_dist_by_hand(te, tau)
    pointwise = q_t * (np.log(q_t) - np.log(q_s + 1e-8))
    if reduction == "mean":
        return pointwise.sum() / pointwise.size
    return pointwise.sum() / (pointwise.size / pointwise.shape[-1])


def lower_bound(length, reduction):
    """Smallest value the 1e-8 stabiliser allows: -log(1 + K eps) per distribution."""
    k = length // 2
    per_distribution = -np.log1p(k * 1e-8)
    return per_distribution / k if reduction == "mean" else per_distribution


def _batch(student, teacher, modules=None, y=None):
    return DistillationBatch(
        student=student,
        teacher=teacher,
        y=y if y is not None else torch.zeros_like(student["logits"]),
        extras={},
        modules=modules if modules is not None else nn.ModuleDict(),
        student_module=None,
        task="forecasting",
    )


# -- multi-scale ---------------------------------------------------------------------


def test_multi_scale_golden_by_arithmetic():
    s = np.arange(8.0).reshape(1, 1, 8)
    te = np.zeros((1, 1, 8))
    # levels: 0..7 ; (0.5, 2.5, 4.5, 6.5) ; (1.5, 5.5) ; (3.5,)
    levels = [
        np.mean(np.arange(8.0) ** 2),
        np.mean(np.array([0.5, 2.5, 4.5, 6.5]) ** 2),
        np.mean(np.array([1.5, 5.5]) ** 2),
        3.5**2,
    ]
    expected = sum(levels) / 4
    np.testing.assert_allclose(float(multi_scale_loss(t(s), t(te))), expected, rtol=1e-12)
    np.testing.assert_allclose(expected, multi_scale_by_hand(s, te), rtol=1e-12)


def test_multi_scale_golden_random_and_other_window():
    rng = np.random.default_rng(0)
    s, te = rng.normal(size=(3, 2, 24)), rng.normal(size=(3, 2, 24))
    for n_scales, window in [(3, 2), (2, 3), (1, 4)]:
        got = multi_scale_loss(t(s), t(te), n_scales=n_scales, pool_window=window)
        np.testing.assert_allclose(
            float(got), multi_scale_by_hand(s, te, n_scales, window), rtol=1e-12
        )


def test_multi_scale_odd_length_floor_and_early_stop():
    rng = np.random.default_rng(1)
    s, te = rng.normal(size=(2, 1, 7)), rng.normal(size=(2, 1, 7))
    # 7 -> 3 -> 1 -> (empty): three levels, the last element of each odd level dropped
    l1 = np.mean((pool_by_hand(s) - pool_by_hand(te)) ** 2)
    d0 = s - te
    d1 = (s[..., [0, 2, 4]] + s[..., [1, 3, 5]] - te[..., [0, 2, 4]] - te[..., [1, 3, 5]]) / 2
    np.testing.assert_allclose(np.mean(d1**2), l1)
    d2 = (d1[..., 0] + d1[..., 1]) / 2
    expected = (np.mean(d0**2) + np.mean(d1**2) + np.mean(d2**2)) / 3
    np.testing.assert_allclose(float(multi_scale_loss(t(s), t(te), n_scales=3)), expected)
    # asking for more levels changes nothing once the pyramid has run out
    np.testing.assert_allclose(float(multi_scale_loss(t(s), t(te), n_scales=10)), expected)


def test_multi_scale_zero_scales_is_plain_mse():
    rng = np.random.default_rng(2)
    s, te = rng.normal(size=(2, 3, 5)), rng.normal(size=(2, 3, 5))
    got = multi_scale_loss(t(s), t(te), n_scales=0)
    np.testing.assert_allclose(float(got), np.mean((s - te) ** 2), rtol=1e-12)


# -- multi-period --------------------------------------------------------------------


@pytest.mark.parametrize("reduction", ["mean", "batchmean"])
@pytest.mark.parametrize("length", [8, 9, 2])
def test_multi_period_golden(reduction, length):
    rng = np.random.default_rng(3)
    s, te = rng.normal(size=(2, 3, length)), rng.normal(size=(2, 3, length))
    for tau in (0.5, 2.0):
        got = multi_period_loss(t(s), t(te), temperature=tau, reduction=reduction)
        expected = multi_period_by_hand(s, te, tau, reduction)
        np.testing.assert_allclose(float(got), expected, rtol=1e-10, atol=1e-14)
        assert float(got) >= lower_bound(length, reduction)


def test_multi_period_reductions_differ_by_number_of_bins():
    rng = np.random.default_rng(4)
    s, te = rng.normal(size=(2, 3, 10)), rng.normal(size=(2, 3, 10))
    mean = float(multi_period_loss(t(s), t(te), reduction="mean"))
    batchmean = float(multi_period_loss(t(s), t(te), reduction="batchmean"))
    np.testing.assert_allclose(batchmean, 5 * mean, rtol=1e-12)  # K = 10 // 2 bins


def test_multi_period_zero_when_equal_and_nonnegative():
    rng = np.random.default_rng(5)
    z = t(rng.normal(size=(4, 2, 16)))
    for reduction in ("mean", "batchmean"):
        # zero but for the authors' 1e-8 inside log(q_s + 1e-8)
        same = float(multi_period_loss(z, z.clone(), reduction=reduction))
        assert lower_bound(16, reduction) <= same <= 0.0
        assert same == pytest.approx(0.0, abs=1e-7)
    for seed in range(5):
        r = np.random.default_rng(seed)
        a, b = t(r.normal(size=(3, 2, 12)) * 5), t(r.normal(size=(3, 2, 12)))
        assert float(multi_period_loss(a, b)) > 0.0


def test_multi_period_length_one_is_zero_and_finite():
    s, te = t(np.ones((2, 3, 1)), grad=True), t(np.zeros((2, 3, 1)))
    loss = multi_period_loss(s, te)
    assert float(loss.detach()) == 0.0
    loss.backward()
    assert torch.isfinite(s.grad).all()


def test_multi_period_peaked_spectra_stay_finite():
    # huge amplitudes at tau=0.5 make the softmax underflow to exact zeros
    x = torch.linspace(0, 20, 64, dtype=torch.float32)
    s = (1e4 * torch.sin(x)).reshape(1, 1, -1).requires_grad_(True)
    te = (1e4 * torch.cos(3 * x)).reshape(1, 1, -1)
    loss = multi_period_loss(s, te)
    loss.backward()
    assert torch.isfinite(loss) and torch.isfinite(s.grad).all()


# -- TimeDistill.loss_terms ----------------------------------------------------------


def _projector(d_t, d, seed=0):
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(d_t, d), nn.ReLU(), nn.Linear(d, d)).double()


def _tensors(seed=6, b=3, c=2, h=8, d=6, d_t=10):
    rng = np.random.default_rng(seed)
    return (
        t(rng.normal(size=(b, c, h)), grad=True),  # student forecast
        t(rng.normal(size=(b, c, h)), grad=True),  # teacher forecast: must get no gradient
        t(rng.normal(size=(b, c, d)), grad=True),  # student features
        t(rng.normal(size=(b, c, d_t))),  # teacher features
    )


def test_loss_terms_without_teacher_features():
    y_s, y_t, h_s, _ = _tensors()
    method = TimeDistill(alpha=0.7, beta=2.0)
    terms = method.loss_terms(_batch({"logits": y_s, "features": h_s}, {"logits": y_t}))
    assert tuple(terms) == method.term_names()
    assert val(terms["scale_feat"]) == 0.0 and val(terms["period_feat"]) == 0.0
    s, te = y_s.detach().numpy(), y_t.detach().numpy()
    np.testing.assert_allclose(val(terms["scale_pred"]), 0.7 * multi_scale_by_hand(s, te))
    np.testing.assert_allclose(val(terms["period_pred"]), 0.7 * multi_period_by_hand(s, te))
    sum(terms.values()).backward()
    assert y_s.grad is not None and torch.isfinite(y_s.grad).all()
    assert y_t.grad is None


@pytest.mark.parametrize("reduction", ["mean", "batchmean"])
def test_loss_terms_with_teacher_features_total_and_gradients(reduction):
    y_s, y_t, h_s, h_t = _tensors()
    projector = _projector(10, 6)
    method = TimeDistill(alpha=0.5, beta=2.0, temperature=1.5, kl_reduction=reduction)
    batch = _batch(
        {"logits": y_s, "features": h_s},
        {"logits": y_t, "features": h_t},
        modules=nn.ModuleDict({"projector": projector}),
    )
    terms = method.loss_terms(batch)
    assert tuple(terms) == ("scale_pred", "period_pred", "scale_feat", "period_feat")

    with torch.no_grad():
        h_proj = projector(h_t)
    expected = 0.5 * (
        multi_scale_loss(y_s, y_t) + multi_period_loss(y_s, y_t, 1.5, reduction)
    ) + 2.0 * (multi_scale_loss(h_s, h_proj) + multi_period_loss(h_s, h_proj, 1.5, reduction))
    total = sum(terms.values())
    np.testing.assert_allclose(val(total), val(expected), rtol=1e-12)
    # and against numpy for the feature terms
    fs, ft = h_s.detach().numpy(), h_proj.numpy()
    np.testing.assert_allclose(val(terms["scale_feat"]), 2.0 * multi_scale_by_hand(fs, ft))
    np.testing.assert_allclose(
        val(terms["period_feat"]), 2.0 * multi_period_by_hand(fs, ft, 1.5, reduction)
    )

    total.backward()
    assert y_s.grad is not None and y_s.grad.abs().sum() > 0
    assert h_s.grad is not None and h_s.grad.abs().sum() > 0
    assert y_t.grad is None, "the teacher forecast must get no gradient"
    for p in projector.parameters():
        assert p.grad is not None and torch.isfinite(p.grad).all()
    assert projector[2].weight.grad.abs().sum() > 0


def test_projector_learns_through_the_period_term_too():
    # with alpha=0 and pooling switched off, the period KL alone still trains the projector
    y_s, y_t, h_s, h_t = _tensors(seed=7)
    projector = _projector(10, 6, seed=1)
    batch = _batch(
        {"logits": y_s, "features": h_s},
        {"logits": y_t, "features": h_t},
        modules=nn.ModuleDict({"projector": projector}),
    )
    terms = TimeDistill(alpha=0.0, beta=1.0).loss_terms(batch)
    terms["period_feat"].backward()
    assert projector[2].weight.grad.abs().sum() > 0


def test_loss_terms_zero_when_student_matches_teacher():
    rng = np.random.default_rng(8)
    y = t(rng.normal(size=(2, 3, 12)))
    terms = TimeDistill().loss_terms(_batch({"logits": y}, {"logits": y.clone()}))
    assert all(val(v) == pytest.approx(0.0, abs=1e-7) for v in terms.values())


def test_loss_terms_errors_on_missing_pieces_and_shapes():
    y_s, y_t, h_s, h_t = _tensors()
    with pytest.raises(ValueError, match="projector is missing"):
        TimeDistill().loss_terms(
            _batch({"logits": y_s, "features": h_s}, {"logits": y_t, "features": h_t})
        )
    modules = nn.ModuleDict({"projector": _projector(10, 6)})
    with pytest.raises(ValueError, match="student's 'features'"):
        TimeDistill().loss_terms(_batch({"logits": y_s}, {"logits": y_t, "features": h_t}, modules))
    with pytest.raises(ValueError, match="equal shape"):
        TimeDistill().loss_terms(_batch({"logits": y_s}, {"logits": y_t[:, :, :5]}))


# -- projector -----------------------------------------------------------------------


class TinyStudent(nn.Module):
    """Forecasts (B, C, H) from (B, C, L) through a per-channel hidden layer of width 6."""

    def __init__(self, length=16, width=6, horizon=4):
        super().__init__()
        self.first = nn.Linear(length, width)
        self.norm = nn.BatchNorm1d(2)
        self.head = nn.Linear(width, horizon)

    def forward_signals(self, x):
        features = self.first(x)
        return {"logits": self.head(torch.relu(self.norm(features))), "features": features}

    def forward(self, x):
        return self.forward_signals(x)["logits"]


def _context(teacher_outputs, student):
    X = np.random.default_rng(9).normal(size=(5, 2, 16)).astype(np.float32)
    return FitContext(
        X=X,
        y=np.zeros((5, 2, 4), dtype=np.float32),
        train_index=np.arange(5),
        n_outputs=4,
        teacher_outputs=teacher_outputs,
        student=student,
    )


def test_auxiliary_modules_builds_projector_only_with_teacher_features():
    student = TinyStudent()
    student.train()
    running_mean = student.norm.running_mean.clone()
    forecasts = np.zeros((5, 2, 4), dtype=np.float32)
    features = np.zeros((5, 2, 10), dtype=np.float32)

    assert TimeDistill().auxiliary_modules(_context({"logits": forecasts}, student)) == {}

    modules = TimeDistill().auxiliary_modules(
        _context({"logits": forecasts, "features": features}, student)
    )
    projector = modules["projector"]
    linears = [m for m in projector if isinstance(m, nn.Linear)]
    assert [(m.in_features, m.out_features) for m in linears] == [(10, 6), (6, 6)]
    assert isinstance(projector[1], nn.ReLU)
    # probing read the width without touching the student's mode or batch-norm statistics
    assert student.training and torch.equal(student.norm.running_mean, running_mean)
    out = projector(torch.from_numpy(features))
    assert out.shape == (5, 2, 6)


# -- parameters, composition, registry ------------------------------------------------


def test_params_clone_and_registry():
    method = TimeDistill(alpha=2.0, beta=0.5, kl_reduction="batchmean")
    params = method.get_params()
    assert params == {
        "alpha": 2.0, "beta": 0.5, "temperature": 0.5, "n_scales": 3, "pool_window": 2,
        "kl_reduction": "batchmean", "task_weight": 1.0,
    }
    copy = clone(method).set_params(n_scales=1)
    assert copy.n_scales == 1 and method.n_scales == 3
    assert list_methods()["timedistill"] == {
        "needs": ["logits"], "tasks": ["forecasting"],
        "reference": "Ni et al. (2026), KDD, arXiv:2502.15016", "target_data": False,
    }
    assert isinstance(resolve_method("timedistill"), TimeDistill)
    assert TimeDistill.optional_teacher_signals == frozenset({"features"})
    assert TimeDistill.student_signals == frozenset({"logits", "features"})


def test_composes_with_hinton_kd():
    both = TimeDistill(alpha=2.0) + HintonKD()
    assert isinstance(both, MethodSum)
    assert both.get_params()["timedistill__alpha"] == 2.0
    both.set_params(timedistill__beta=0.1)
    assert dict(both.methods)["timedistill"].beta == 0.1
    assert both.tasks == frozenset({"forecasting"})
    assert both.term_names() == (
        "timedistill_scale_pred", "timedistill_period_pred", "timedistill_scale_feat",
        "timedistill_period_feat", "kd",
    )
    y_s, y_t, h_s, h_t = _tensors()
    modules = nn.ModuleDict({"timedistill__projector": _projector(10, 6)})
    terms = both.loss_terms(
        _batch({"logits": y_s, "features": h_s}, {"logits": y_t, "features": h_t}, modules)
    )
    assert tuple(terms) == both.term_names()
    assert val(terms["timedistill_scale_feat"]) > 0


@pytest.mark.parametrize(
    ("params", "name"),
    [
        ({"alpha": -1.0}, "alpha"),
        ({"beta": -0.1}, "beta"),
        ({"alpha": "big"}, "alpha"),
        ({"temperature": 0.0}, "temperature"),
        ({"temperature": -2.0}, "temperature"),
        ({"n_scales": -1}, "n_scales"),
        ({"n_scales": 1.5}, "n_scales"),
        ({"pool_window": 1}, "pool_window"),
        ({"pool_window": 2.0}, "pool_window"),
        ({"kl_reduction": "sum"}, "kl_reduction"),
    ],
)
def test_bad_hyper_parameters_name_the_parameter(params, name):
    y = t(np.zeros((1, 1, 4)))
    with pytest.raises(ValueError, match=name):
        TimeDistill(**params).loss_terms(_batch({"logits": y}, {"logits": y}))


def test_functions_validate_their_arguments():
    z = t(np.zeros((1, 1, 4)))
    with pytest.raises(ValueError, match="pool_window"):
        multi_scale_loss(z, z, pool_window=1)
    with pytest.raises(ValueError, match="n_scales"):
        multi_scale_loss(z, z, n_scales=-1)
    with pytest.raises(ValueError, match="temperature"):
        multi_period_loss(z, z, temperature=0)
    with pytest.raises(ValueError, match="reduction"):
        multi_period_loss(z, z, reduction="sum")
