"""Distillation methods: golden loss values, gradients, every method end to end, errors.

Golden values are computed here with plain numpy loops, never by calling the code
under test.
"""

import copy

import numpy as np
import pytest
import torch
from sklearn.frozen import FrozenEstimator
from sklearn.model_selection import GridSearchCV
from torch import nn

from aeon_kd import DistilledClassifier, list_methods
from aeon_kd.methods import (
    DKD,
    RKD,
    TSD,
    AttentionTransfer,
    DistillationBatch,
    FitContext,
    FitNet,
    HintonKD,
    MemKD,
    TrainingProgress,
    resolve_method,
)
from aeon_kd.methods.attention import attention_loss
from aeon_kd.methods.dkd import dkd_terms
from aeon_kd.methods.memkd import draw_pairs, memkd_loss, relative_memory_change
from aeon_kd.methods.rkd import rkd_angle_loss, rkd_distance_loss
from aeon_kd.methods.tsd import perturb_windows, tsd_loss
from aeon_kd.students import RecurrentStudent, SignalTap, signals_of
from aeon_kd.teachers import (
    RECURRENT_TEACHER_PARAMS,
    EstimatorTeacher,
    RecurrentTeacher,
    TorchTeacher,
)
from aeon_kd.teachers import default_teacher as build_default_teacher
from aeon_kd.testing import CentroidTeacher, CountingTeacher
from tests.conftest import FAST, make_data

TWO = {**FAST, "max_epochs": 2}

# -- plain-numpy references ---------------------------------------------------------


def huber(d, beta=1.0):
    d = np.abs(d)
    return np.where(d < beta, 0.5 * d**2 / beta, d - 0.5 * beta)


def softmax(z):
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def relative_change_by_hand(h, a, b, eps=1e-8):
    out = np.zeros((h.shape[0], len(a)))
    for i in range(h.shape[0]):
        for p, (s, e) in enumerate(zip(a, b, strict=True)):
            diff = h[i, e] - h[i, s]
            out[i, p] = np.sqrt(np.sum(diff**2)) / (np.sqrt(np.sum(h[i, s] ** 2)) + eps)
    return out


def saliency_by_hand(clean, perturbed, tau, per_class=True):
    p = softmax(clean / tau)[:, None, :]
    q = softmax(perturbed / tau)
    s = tau**2 * p * (np.log(p) - np.log(q))
    if not per_class:
        s = s.sum(axis=-1)
    return s / (s[s > 0].mean() + 1e-8)


def tsd_by_hand(s_clean, s_pert, t_clean, t_pert, tau, per_class=True):
    ss = saliency_by_hand(s_clean, s_pert, tau, per_class)
    st = saliency_by_hand(t_clean, t_pert, tau, per_class)
    return huber(ss - st).mean()


def t(a):
    return torch.tensor(np.asarray(a), dtype=torch.float64)


# -- MemKD ----------------------------------------------------------------------------


def test_relative_memory_change_by_hand():
    h = np.array([[[3.0, 4.0], [3.0, 0.0], [0.0, 0.0], [3.0, 5.0]]])
    # ||(0,-4)|| / ||(3,4)|| = 0.8 ; ||(3,5)-(3,0)|| / ||(3,0)|| = 5/3 ; from a zero state
    got = relative_memory_change(t(h), torch.tensor([0, 1, 2]), torch.tensor([1, 3, 3]))
    expected = [[0.8, 5.0 / 3.0, np.sqrt(34.0) / 1e-8]]
    np.testing.assert_allclose(got.numpy(), expected, rtol=1e-7)


def test_memkd_loss_golden_widths_differ():
    rng = np.random.default_rng(1)
    hs, ht = rng.normal(size=(3, 6, 2)), rng.normal(size=(3, 6, 5))
    a, b = [0, 1, 3, 2], [2, 5, 4, 3]
    d = relative_change_by_hand(hs, a, b) - relative_change_by_hand(ht, a, b)
    expected = huber(d).mean()
    got = memkd_loss(t(hs), t(ht), torch.tensor(a), torch.tensor(b))
    np.testing.assert_allclose(float(got), expected, rtol=1e-10)


def _batch(student=None, teacher=None, y=None, **kw):
    return DistillationBatch(
        student=student or {},
        teacher=teacher or {},
        y=y if y is not None else torch.zeros(1, dtype=torch.long),
        extras=kw.pop("extras", {}),
        modules=kw.pop("modules", nn.ModuleDict()),
        student_module=kw.pop("student_module", None),
        **kw,
    )


def test_memkd_dense_term_golden_and_teacher_interpolated():
    rng = np.random.default_rng(2)
    hs = rng.normal(size=(2, 7, 3))
    ht_short = rng.normal(size=(2, 4, 5))  # the teacher saw series of 4 steps
    # linear interpolation to 7 steps, end points kept
    grid = np.linspace(0, 3, 7)
    ht = np.stack(
        [np.stack([np.interp(grid, np.arange(4), ht_short[i, :, d]) for d in range(5)], 1)
         for i in range(2)]
    )
    a, b = list(range(6)), list(range(1, 7))
    d = relative_change_by_hand(hs, a, b) - relative_change_by_hand(ht, a, b)
    expected = 2.5 * huber(d).mean()
    method = MemKD(weight=2.5, z_mode="dense")
    batch = _batch({"hidden": t(hs)}, {"hidden": t(ht_short)})
    got = method.loss_terms(batch)["memkd"]
    np.testing.assert_allclose(float(got), expected, rtol=1e-6)


def test_memkd_pairs():
    gen = torch.Generator().manual_seed(0)
    a, b = draw_pairs(5, 2000, gen)
    assert bool((a < b).all()) and int(b.max()) == 4 and int(a.min()) == 0
    a, b = draw_pairs(5, 2000, gen, sampling="released")  # the authors' code
    assert bool((a <= b).all()) and int(b.max()) == 3 and bool((a == b).any())


def test_memkd_zero_when_student_equals_teacher():
    h = torch.randn(4, 9, 3)
    for z_mode in ("both", "dense", "random"):
        out = MemKD(z_mode=z_mode).loss_terms(_batch({"hidden": h}, {"hidden": h.clone()}))
        assert float(out["memkd"]) == 0.0


def test_memkd_length_one_is_a_clear_error():
    h = torch.randn(2, 1, 3)
    with pytest.raises(ValueError, match="two or more time steps.*1 step"):
        MemKD().loss_terms(_batch({"hidden": h}, {"hidden": h}))
    X, y = make_data(length=1)
    teacher = RecurrentStudent(1, 2, hidden_size=4)
    with pytest.raises(ValueError, match="two or more time steps"):
        DistilledClassifier(method="memkd", teacher=teacher, **TWO).fit(X, y)


# -- TSD ------------------------------------------------------------------------------


def test_perturb_windows_by_hand():
    x = np.arange(2 * 2 * 7, dtype=float).reshape(2, 2, 7)
    starts = np.array([[0, 4], [2, 3]])
    values = np.random.default_rng(0).normal(size=(2, 2, 3, 2))  # (n, m, L, channels)
    expected = np.repeat(x[:, None], 2, axis=1)
    for i in range(2):
        for m in range(2):
            for step in range(3):
                expected[i, m, :, starts[i, m] + step] = values[i, m, step]
    got = perturb_windows(t(x), torch.tensor(starts), t(values))
    np.testing.assert_allclose(got.numpy(), expected)


@pytest.mark.parametrize("per_class", [True, False])
def test_tsd_loss_golden_fixed_perturbation(per_class):
    rng = np.random.default_rng(3)
    n, c, length, k, window = 3, 1, 8, 3, 2
    x = rng.normal(size=(n, c, length))
    starts = np.array([[0, 5], [3, 6], [1, 2]])
    w_s, w_t = rng.normal(size=(k, c * length)), rng.normal(size=(k, c * length))
    perturbed = np.repeat(x[:, None], 2, axis=1)
    for i in range(n):
        for m in range(2):
            perturbed[i, m, :, starts[i, m] : starts[i, m] + window] = 0.0  # zero fill
    clean_s, clean_t = x.reshape(n, -1) @ w_s.T, x.reshape(n, -1) @ w_t.T
    pert_s = perturbed.reshape(n, 2, -1) @ w_s.T
    pert_t = perturbed.reshape(n, 2, -1) @ w_t.T
    expected = tsd_by_hand(clean_s, pert_s, clean_t, pert_t, 2.0, per_class)

    xt = perturb_windows(t(x), torch.tensor(starts), torch.zeros(n, 2, window, c))
    got = tsd_loss(
        t(x).reshape(n, -1) @ t(w_s).T,
        xt.reshape(n, 2, -1) @ t(w_s).T,
        t(x).reshape(n, -1) @ t(w_t).T,
        xt.reshape(n, 2, -1) @ t(w_t).T,
        temperature=2.0,
        per_class=per_class,
    )
    np.testing.assert_allclose(float(got), expected, rtol=1e-10)


class Linear(nn.Module):
    """Flatten + linear, no bias: logits are exactly ``W x``."""

    def __init__(self, weight):
        super().__init__()
        self.fc = nn.Linear(weight.shape[1], weight.shape[0], bias=False)
        with torch.no_grad():
            self.fc.weight.copy_(torch.as_tensor(weight, dtype=torch.float32))

    def forward(self, x):
        return self.fc(x.reshape(len(x), -1))


class LinearProba(CentroidTeacher):
    """Black-box teacher whose log-probabilities are ``W x`` minus a row constant."""

    def __init__(self, weight=None):
        self.weight = weight

    def fit(self, X, y):
        self.classes_ = np.unique(y)
        return self

    def predict_proba(self, X):
        return softmax(np.asarray(X, dtype=np.float64).reshape(len(X), -1) @ self.weight.T)


def _tsd_setup(seed=4, n=4, length=6, window=2):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 1, length)).astype(np.float32)
    y = np.array([0, 1] * (n // 2))
    w_s, w_t = rng.normal(size=(2, length)), rng.normal(size=(2, length))
    # every window position, zero fill: the loss no longer depends on the draw order
    n_pos = length - window + 1
    pert = np.repeat(X[:, None].astype(float), n_pos, axis=1)
    for i in range(n):
        for s in range(n_pos):
            pert[i, s, :, s : s + window] = 0.0
    flat = X.reshape(n, -1).astype(float)
    expected = tsd_by_hand(
        flat @ w_s.T, pert.reshape(n, n_pos, -1) @ w_s.T,
        flat @ w_t.T, pert.reshape(n, n_pos, -1) @ w_t.T, 8.0,
    )
    return X, y, w_s, w_t, n_pos, expected


def _context(X, y, teacher, outputs, train_index=None, **kw):
    return FitContext(
        X=X,
        y=y,
        train_index=np.arange(len(X)) if train_index is None else train_index,
        n_outputs=int(y.max()) + 1,
        teacher=teacher,
        teacher_outputs=outputs,
        rng=np.random.default_rng(0),
        teacher_X=X,
        **kw,
    )


@pytest.mark.parametrize("chunk", [2048, 3])
def test_tsd_online_teacher_golden(chunk):
    X, y, w_s, w_t, _, expected = _tsd_setup()
    adapter = TorchTeacher(Linear(w_t), 2)
    method = TSD(
        window_length=2, n_windows=None, replacement="zero", weight=3.0,
        max_perturbed_batch=chunk,  # 3: 20 perturbed series in checkpointed chunks
        online=True,
    )
    extras = method.prepare(_context(X, y, adapter, adapter.outputs(X, {"logits"})))
    assert extras == {}  # online: nothing up front
    student = Linear(w_s)
    x = torch.from_numpy(X)
    batch = _batch(
        {"logits": student(x)}, {}, torch.from_numpy(y), extras={"index": torch.arange(len(X))},
        student_module=student, online_teacher=adapter, inputs=x,
    )
    got = method.loss_terms(batch)["tsd"]
    np.testing.assert_allclose(float(got.detach()), 3.0 * expected, rtol=1e-4)
    got.backward()
    assert student.fc.weight.grad.abs().sum() > 0


@pytest.mark.parametrize("kind", ["black-box", "white-box"])
def test_tsd_bank_golden(kind):
    # every teacher scores the bank before training (white-box ones too, by default)
    X, y, w_s, w_t, n_pos, expected = _tsd_setup()
    adapter = (EstimatorTeacher(LinearProba(w_t).fit(X, y), np.array([0, 1]))
               if kind == "black-box" else TorchTeacher(Linear(w_t), 2))  # fmt: skip
    method = TSD(window_length=2, n_windows=None, replacement="zero", bank_size=n_pos)
    extras = method.prepare(_context(X, y, adapter, adapter.outputs(X, {"logits"})))
    assert extras["bank_logits"].shape == (len(X), n_pos, 2)
    assert np.all(np.sort(extras["bank_start"], axis=1) == np.arange(n_pos))
    student = Linear(w_s)
    x = torch.from_numpy(X)
    batch = _batch(
        {"logits": student(x)}, {}, torch.from_numpy(y),
        extras={"index": torch.arange(len(X)), **{k: torch.from_numpy(v) for k, v in
                                                  extras.items()}},
        student_module=student, inputs=x,
    )
    got = method.loss_terms(batch)["tsd"].detach()
    np.testing.assert_allclose(float(got), expected, rtol=1e-4)


class _NormedLinear(torch.nn.Module):
    """BatchNorm over the steps, then a linear map: running statistics to watch."""

    def __init__(self, length):
        super().__init__()
        self.norm = torch.nn.BatchNorm1d(1)
        self.fc = torch.nn.Linear(length, 2)

    def forward(self, x):
        return self.fc(self.norm(x).flatten(1))


@pytest.mark.parametrize("chunk", [2048, 3])
def test_tsd_perturbed_copies_leave_batchnorm_statistics_to_the_clean_series(chunk):
    # measured: with the perturbed copies in the running statistics, a student fitting
    # ChlorineConcentration in training mode predicted it at 0.44 in evaluation mode
    X, y, _, w_t, _, _ = _tsd_setup(length=6)
    # the zero-filled windows shift the batch statistics away from the clean series
    adapter = TorchTeacher(Linear(w_t), 2)
    method = TSD(window_length=2, n_windows=None, replacement="zero", online=True,
                 max_perturbed_batch=chunk)  # fmt: skip
    method.prepare(_context(X, y, adapter, adapter.outputs(X, {"logits"})))
    torch.manual_seed(0)
    student = _NormedLinear(6).train()
    x = torch.from_numpy(X)
    clean = student(x)  # the clean pass updates the statistics, as in training
    after_clean = {k: v.clone() for k, v in student.named_buffers()}
    batch = _batch(
        {"logits": clean}, {}, torch.from_numpy(y), extras={"index": torch.arange(len(X))},
        student_module=student, online_teacher=adapter, inputs=x,
    )
    loss = method.loss_terms(batch)["tsd"]
    loss.backward()  # a checkpointed chunk runs its forward again here
    for name, value in student.named_buffers():
        assert torch.equal(value, after_clean[name]), name
    assert student.fc.weight.grad.abs().sum() > 0  # gradients still reach the student


def test_tsd_zero_when_student_equals_teacher():
    X, y = make_data(n=8, length=10)
    X = X.astype(np.float32)
    y_index = (y == "c1").astype(np.int64)
    torch.manual_seed(0)
    teacher = RecurrentStudent(1, 2, hidden_size=4)
    adapter = TorchTeacher(teacher, 2)
    method = TSD(window_length=3, n_windows=4, online=True)
    method.prepare(_context(X, y_index, adapter, {}))
    student = copy.deepcopy(teacher)
    x = torch.from_numpy(X)
    batch = _batch(
        {"logits": student(x)}, {}, torch.from_numpy(y_index),
        extras={"index": torch.arange(8)}, student_module=student, online_teacher=adapter,
        inputs=x,
    )
    assert float(method.loss_terms(batch)["tsd"].detach()) == 0.0


def test_tsd_donors_come_from_the_training_split_of_another_class():
    X, y = make_data(n=12, length=8)
    X = X.astype(np.float32)
    y_index = (y == "c1").astype(np.int64)
    train = np.array([0, 1, 2, 3, 4, 5, 6, 7])
    method = TSD(window_length=2, n_windows=6, bank_size=6)
    adapter = EstimatorTeacher(CountingTeacher().fit(X, y_index), np.array([0, 1]))
    extras = method.prepare(_context(X, y_index, adapter, {"logits": np.zeros((12, 2))},
                                     train_index=train))
    donors = extras["bank_donor"]
    assert set(np.unique(donors)) <= set(train)
    assert np.all(y_index[donors] != y_index[:, None])  # another class, every slot
    for row in range(12):  # distinct donors while enough are eligible (4 per class)
        assert len(set(donors[row, :4])) == 4


# -- DKD --------------------------------------------------------------------------------


def test_dkd_golden():
    zs = np.array([[1.0, 2.0, -0.5, 0.3], [0.2, -1.0, 0.5, 2.0], [3.0, 0.0, 0.0, 1.0]])
    zt = np.array([[2.0, 0.5, -1.0, 0.0], [0.0, 1.0, 0.0, 3.0], [1.0, 1.0, 2.0, -2.0]])
    y = np.array([0, 3, 2])
    temp = 2.0
    tckd, nckd = [], []
    for i in range(3):
        ps, pt = softmax(zs[i] / temp), softmax(zt[i] / temp)
        bs = np.array([ps[y[i]], 1 - ps[y[i]]])
        bt = np.array([pt[y[i]], 1 - pt[y[i]]])
        tckd.append(np.sum(bt * np.log(bt / bs)))
        rest = [k for k in range(4) if k != y[i]]
        ns, nt = ps[rest] / ps[rest].sum(), pt[rest] / pt[rest].sum()
        nckd.append(np.sum(nt * np.log(nt / ns)))
    exp_t, exp_n = np.mean(tckd) * temp**2, np.mean(nckd) * temp**2
    got_t, got_n = dkd_terms(t(zs), t(zt), torch.tensor(y), temp)
    np.testing.assert_allclose([float(got_t), float(got_n)], [exp_t, exp_n], rtol=1e-10)
    method = DKD(alpha=0.5, beta=3.0, temperature=temp)
    batch = _batch({"logits": t(zs)}, {"logits": t(zt)}, torch.tensor(y))
    np.testing.assert_allclose(float(method.loss_terms(batch)["dkd"]), 0.5 * exp_t + 3 * exp_n)


def test_dkd_binary_and_confident_cases():
    z = torch.tensor([[50.0, -50.0], [0.3, 0.1]])
    tckd, nckd = dkd_terms(z * 0.5, z, torch.tensor([0, 1]), 1.0)
    assert float(nckd) == 0.0  # a single non-target class: nothing to distil
    assert np.isfinite(float(tckd))
    same = dkd_terms(z, z.clone(), torch.tensor([0, 1]), 4.0)
    assert [float(v) for v in same] == [0.0, 0.0]


# -- RKD --------------------------------------------------------------------------------


def rkd_by_hand(fs, ft):
    n = len(fs)

    def dist(f):
        d = np.array([[np.linalg.norm(f[i] - f[j]) for j in range(n)] for i in range(n)])
        return d / (d.sum() / (n * (n - 1)))

    def angles(f):
        a = np.zeros((n, n, n))
        for i in range(n):
            for j in range(n):
                for k in range(n):
                    u, v = f[j] - f[i], f[k] - f[i]
                    if np.linalg.norm(u) > 0 and np.linalg.norm(v) > 0:
                        a[i, j, k] = u @ v / (np.linalg.norm(u) * np.linalg.norm(v))
        return a

    return huber(dist(fs) - dist(ft)).mean(), huber(angles(fs) - angles(ft)).mean()


def test_rkd_golden():
    rng = np.random.default_rng(5)
    fs, ft = rng.normal(size=(5, 3)), rng.normal(size=(5, 7)) * 4
    exp_d, exp_a = rkd_by_hand(fs, ft)
    np.testing.assert_allclose(float(rkd_distance_loss(t(fs), t(ft))), exp_d, rtol=1e-6)
    np.testing.assert_allclose(float(rkd_angle_loss(t(fs), t(ft))), exp_a, rtol=1e-6)
    batch = _batch({"features": t(fs)}, {"features": t(ft)})
    got = RKD(distance_weight=2.0, angle_weight=3.0).loss_terms(batch)["rkd"]
    np.testing.assert_allclose(float(got), 2 * exp_d + 3 * exp_a, rtol=1e-6)


def test_rkd_zero_cases():
    f = torch.randn(6, 4)
    assert float(RKD().loss_terms(_batch({"features": f}, {"features": 2 * f}))["rkd"]) < 1e-10
    one = torch.randn(1, 4, requires_grad=True)  # a last batch of one series
    loss = RKD().loss_terms(_batch({"features": one}, {"features": torch.randn(1, 8)}))["rkd"]
    loss.backward()
    assert float(loss.detach()) == 0.0 and torch.isfinite(one.grad).all()


# -- attention and FitNet ---------------------------------------------------------------


def test_attention_golden():
    rng = np.random.default_rng(6)
    hs, ht = rng.normal(size=(2, 5, 3)), rng.normal(size=(2, 5, 6))

    def amap(h):
        m = (h**2).mean(axis=2)
        return m / np.linalg.norm(m, axis=1, keepdims=True)

    expected = ((amap(hs) - amap(ht)) ** 2).mean()
    np.testing.assert_allclose(float(attention_loss(t(hs), t(ht))), expected, rtol=1e-10)
    got = AttentionTransfer(weight=10.0).loss_terms(_batch({"hidden": t(hs)}, {"hidden": t(ht)}))
    np.testing.assert_allclose(float(got["attention"]), 10 * expected, rtol=1e-10)
    assert float(attention_loss(t(hs), t(hs))) == 0.0


def test_fitnet_golden_with_fixed_projector():
    rng = np.random.default_rng(7)
    hs, ht = rng.normal(size=(2, 4, 3)), rng.normal(size=(2, 4, 5))
    w = rng.normal(size=(5, 3))
    expected = ((hs @ w.T - ht) ** 2).mean()
    proj = nn.Linear(3, 5, bias=False).double()
    with torch.no_grad():
        proj.weight.copy_(t(w))
    batch = _batch({"hidden": t(hs)}, {"hidden": t(ht)}, modules=nn.ModuleDict({"projector": proj}))
    got = FitNet(weight=2.0).loss_terms(batch)["fitnet"].detach()
    np.testing.assert_allclose(float(got), 2 * expected, rtol=1e-10)
    with torch.no_grad():
        proj.weight.copy_(torch.eye(5, 3, dtype=torch.float64))
    same = _batch({"hidden": t(ht[..., :3])}, {"hidden": t(np.concatenate(
        [ht[..., :3], np.zeros((2, 4, 2))], axis=2))}, modules=nn.ModuleDict({"projector": proj}))
    assert float(FitNet().loss_terms(same)["fitnet"].detach()) == 0.0


def test_hinton_zero_when_equal():
    z = torch.randn(4, 3)
    assert float(HintonKD().loss_terms(_batch({"logits": z}, {"logits": z.clone()}))["kd"]) == 0


# -- gradients: the student (and projector), never the teacher --------------------------

CLASSIFICATION_METHODS = [
    name for name, info in list_methods().items() if "classification" in info["tasks"]
]


def _white_box_batch(method, n=8, length=16):
    X, y = make_data(n=n, length=length)
    X = X.astype(np.float32)
    y_index = (y == "c1").astype(np.int64)
    torch.manual_seed(0)
    teacher, student = RecurrentStudent(1, 2, hidden_size=8), RecurrentStudent(1, 2, 4)
    adapter = TorchTeacher(teacher, 2)
    outputs = adapter.outputs(X, method.teacher_signals) if method.teacher_signals else {}
    context = _context(X, y_index, adapter, outputs, student=student)
    extras = method.prepare(context)
    modules = nn.ModuleDict(method.auxiliary_modules(context))
    x = torch.from_numpy(X)
    target = None
    if method.uses_target_data:  # an unlabelled target batch: the same series, rescaled
        x_target = 1.5 * x + 0.5
        target = {
            "inputs": x_target,
            "student": signals_of(student, x_target, method.student_signals),
            "teacher": {
                k: torch.from_numpy(v)
                for k, v in adapter.outputs(x_target.numpy(), method.teacher_signals).items()
            },
        }
    batch = DistillationBatch(
        student=signals_of(student, x, method.student_signals),
        teacher={k: torch.from_numpy(v) for k, v in outputs.items()},
        y=torch.from_numpy(y_index),
        extras={"index": torch.arange(n), **{k: torch.from_numpy(v) for k, v in extras.items()}},
        modules=modules,
        student_module=student,
        online_teacher=adapter,
        inputs=x,
        target=target,
        progress=TrainingProgress(epoch=2, max_epochs=4, step=1, steps_per_epoch=3),
    )
    return batch, teacher, student, modules


@pytest.mark.parametrize("name", CLASSIFICATION_METHODS)
def test_gradients_reach_student_not_teacher(name):
    method = resolve_method(name)
    batch, teacher, student, modules = _white_box_batch(method)
    terms = method.loss_terms(batch)
    assert set(terms) == set(method.term_names())
    if not terms:
        return  # "none": nothing to distil
    sum(terms.values()).backward()
    assert any(p.grad is not None and p.grad.abs().sum() > 0 for p in student.parameters())
    assert all(p.grad is None for p in teacher.parameters())
    for name_, module in modules.items():  # FitNet's projector learns too
        if name_ == "feature_discriminator":
            continue  # UNI-KD's critic has its own optimiser and loss (tested apart)
        for p in module.parameters():
            assert p.grad is not None and p.grad.abs().sum() > 0


# -- every registered method, end to end ------------------------------------------------


@pytest.mark.parametrize("name", CLASSIFICATION_METHODS)
def test_every_method_fits_with_a_torch_teacher(name):
    X, y = make_data(n=24, length=16)
    torch.manual_seed(0)
    teacher = RecurrentStudent(1, 2, hidden_size=8)
    before = copy.deepcopy(teacher.state_dict())
    method = resolve_method(name)
    target = {"X_target": 1.5 * X + 0.5} if method.uses_target_data else {}
    clf = DistilledClassifier(method=name, teacher=teacher, **TWO)
    clf.fit(X, y, **target)
    losses = clf.history_[:, "train_loss"]
    assert len(losses) == 2 and np.all(np.isfinite(losses))
    for term in resolve_method(name).term_names():
        assert np.all(np.isfinite(clf.history_[:, f"train_{term}"]))
    pred = clf.predict(X)
    assert pred.shape == (24,) and set(pred) <= set(y)
    assert np.allclose(clf.predict_proba(X).sum(axis=1), 1.0)
    for key, value in teacher.state_dict().items():
        assert torch.equal(value, before[key])
    assert all(p.grad is None for p in teacher.parameters())


@pytest.mark.parametrize("name", ["memkd", "tsd"])
def test_random_draws_follow_random_state(name):
    X, y = make_data(length=16)
    teacher = RecurrentStudent(1, 2, hidden_size=8)
    a = DistilledClassifier(method=name, teacher=teacher, **TWO).fit(X, y).predict_proba(X)
    b = DistilledClassifier(method=name, teacher=teacher, **TWO).fit(X, y).predict_proba(X)
    np.testing.assert_array_equal(a, b)


def test_fitnet_projector_trains_with_the_student_and_is_dropped():
    class SpyFitNet(FitNet):
        made = []

        def auxiliary_modules(self, context):
            modules = super().auxiliary_modules(context)
            SpyFitNet.made.append((modules["projector"], modules["projector"].weight.clone()))
            return modules

    X, y = make_data(length=10)
    clf = DistilledClassifier(method=SpyFitNet(), teacher=RecurrentStudent(1, 2, 8), **TWO)
    clf.fit(X, y)
    projector, initial = SpyFitNet.made[-1]
    assert projector.weight.shape == (8, 4)  # student width 4 -> teacher width 8
    assert not torch.equal(projector.weight, initial)  # the optimiser updated it
    kept = [k for k, v in vars(clf).items() if isinstance(v, nn.Module)]
    assert sorted(kept) == ["student_", "teacher", "teacher_"]
    assert isinstance(clf.student_, RecurrentStudent)


# -- TSD with a black-box teacher: every call before training ---------------------------


class SealableTeacher(CountingTeacher):
    sealed = False

    def predict_proba(self, X):
        if self.sealed:
            raise AssertionError("the black-box teacher was called during training")
        return super().predict_proba(X)


class SealingTSD(TSD):
    """TSD that seals the teacher once its bank is built."""

    def prepare(self, context):
        extras = super().prepare(context)
        context.teacher.estimator.sealed = True
        return extras


def test_tsd_black_box_teacher_is_only_called_before_training():
    X, y = make_data(n=20, length=10)
    teacher = SealableTeacher().fit(X, y)
    method = SealingTSD(window_length=3, n_windows=4, bank_size=6)
    clf = DistilledClassifier(method=method, teacher=teacher, **{**FAST, "max_epochs": 3})
    clf.fit(X, y)  # would raise if called inside the epoch loop
    assert len(clf.history_) == 3
    # once per series for the cached logits, bank_size per series for the bank
    assert teacher.n_predicted == len(X) * (1 + 6)
    assert np.all(np.isfinite(clf.history_[:, "train_tsd"]))


class SealableNet(torch.nn.Module):
    """A white-box teacher that counts the series it runs on and refuses once sealed."""

    def __init__(self):
        super().__init__()
        torch.manual_seed(0)
        self.net = RecurrentStudent(1, 2, 8)
        self.sealed, self.n_rows = False, 0

    def forward(self, x):
        if self.sealed:
            raise AssertionError("the white-box teacher was called during training")
        self.n_rows += len(x)
        return self.net(x)


class SealingNetTSD(TSD):
    def prepare(self, context):
        extras = super().prepare(context)
        context.teacher.module.sealed = True
        return extras


def test_tsd_white_box_teacher_is_only_called_before_training_unless_online():
    X, y = make_data(n=20, length=10)
    teacher = SealableNet()
    method = SealingNetTSD(window_length=3, n_windows=4, bank_size=6)
    clf = DistilledClassifier(method=method, teacher=teacher, **{**FAST, "max_epochs": 3})
    clf.fit(X, y)  # would raise if called inside the epoch loop
    # the cached logits once per series, then bank_size perturbations per series
    assert teacher.n_rows == len(X) * (1 + 6)
    assert np.all(np.isfinite(clf.history_[:, "train_tsd"]))
    online = SealableNet()
    DistilledClassifier(method=TSD(window_length=3, n_windows=4, online=True), teacher=online,
                        **{**FAST, "max_epochs": 3}).fit(X, y)  # fmt: skip
    assert online.n_rows > len(X) * (1 + 6)  # fresh perturbations at every step


@pytest.mark.parametrize("replacement", ["opposite_class", "same_class", "zero", "mean", "noise"])
@pytest.mark.parametrize("kind", ["white-box", "black-box"])
def test_tsd_replacements_train(replacement, kind):
    X, y = make_data(n=20, length=10)
    teacher = RecurrentStudent(1, 2, 8) if kind == "white-box" else CentroidTeacher().fit(X, y)
    method = TSD(
        window_length=3, n_windows=3, bank_size=4, replacement=replacement, per_class=False,
        max_perturbed_batch=7,
    )
    clf = DistilledClassifier(method=method, teacher=teacher, **TWO).fit(X, y)
    assert np.all(np.isfinite(clf.history_[:, "train_tsd"]))


def test_tsd_unfitted_black_box_teacher_and_resampling():
    X, y = make_data(n=20, length=12)
    clf = DistilledClassifier(
        method=TSD(window_length=2, bank_size=3), teacher=CentroidTeacher(), resample_length=8,
        **TWO,
    ).fit(X, y)
    assert clf.teacher_.centroids_.shape == (2, 8)  # fitted on the student's input
    with pytest.raises(ValueError, match="resample_length resamples the student's input"):
        DistilledClassifier(
            method=TSD(window_length=2), teacher=CentroidTeacher().fit(X, y), resample_length=8,
            **TWO,
        ).fit(X, y)


# -- composition and parameters ---------------------------------------------------------


def test_tsd_plus_hinton_composes():
    X, y = make_data(length=10)
    both = TSD(window_length=3, n_windows=4) + HintonKD(temperature=3.0)
    assert both.get_params()["kd__temperature"] == 3.0
    assert both.get_params()["tsd__window_length"] == 3
    clf = DistilledClassifier(method=both, teacher=CentroidTeacher().fit(X, y), **TWO)
    clf.set_params(method__kd__temperature=2.0, method__tsd__bank_size=5)
    assert clf.get_params()["method__kd__temperature"] == 2.0
    clf.fit(X, y)
    for term in ("train_tsd", "train_kd", "train_task"):
        assert np.all(np.isfinite(clf.history_[:, term]))


def test_method_params_reach_grid_search():
    X, y = make_data(length=10)
    clf = DistilledClassifier(method=MemKD(), teacher=RecurrentStudent(1, 2, 8), **TWO)
    clf.set_params(method__n_pairs=5, method__z_mode="random")
    assert clf.get_params()["method__n_pairs"] == 5
    search = GridSearchCV(clf, {"method__weight": [0.1, 10.0]}, cv=2).fit(X, y)
    assert [p["method__weight"] for p in search.cv_results_["params"]] == [0.1, 10.0]
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))


@pytest.mark.parametrize("cls", [MemKD, TSD, FitNet, AttentionTransfer, RKD, DKD])
def test_every_setting_is_a_constructor_parameter(cls):
    params = cls().get_params()
    assert "task_weight" in params
    assert cls(**params).get_params() == params


# -- signals through hooks, default teacher ---------------------------------------------


class PlainLSTM(nn.Module):
    """A user network without forward_signals (time-major LSTM)."""

    def __init__(self, width=6):
        super().__init__()
        self.lstm = nn.LSTM(1, width)
        self.fc = nn.Linear(width, 2)

    def forward(self, x):
        h, _ = self.lstm(x.permute(2, 0, 1))
        return self.fc(h[-1])


class PlainCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = nn.Conv1d(1, 5, 3, padding=1)
        self.fc = nn.Linear(5, 2)

    def forward(self, x):
        return self.fc(torch.relu(self.conv(x)).mean(dim=2))


def test_signal_tap_reads_layers_with_hooks():
    x = torch.randn(3, 1, 9)
    lstm = PlainLSTM()
    out = SignalTap(lstm, hidden_layer="lstm", head_layer="fc").forward_signals(x)
    expected, _ = lstm.lstm(x.permute(2, 0, 1))
    torch.testing.assert_close(out["hidden"], expected.transpose(0, 1))  # (N, T, D)
    torch.testing.assert_close(out["features"], expected[-1])
    torch.testing.assert_close(out["logits"], lstm(x))
    assert not lstm.lstm._forward_hooks and not lstm.fc._forward_pre_hooks  # removed
    cnn = PlainCNN()
    out = SignalTap(cnn, hidden_layer="conv", feature_layer="fc").forward_signals(x)
    torch.testing.assert_close(out["hidden"], cnn.conv(x).transpose(1, 2))
    assert out["features"].shape == (3, 2)
    with pytest.raises(ValueError, match=r"hidden_layer='rnn' is not a submodule.*'lstm'"):
        SignalTap(lstm, hidden_layer="rnn")


def test_plain_torch_teacher_and_student_through_signal_tap():
    X, y = make_data(length=10)
    with pytest.raises(ValueError, match="SignalTap"):
        DistilledClassifier(method="memkd", teacher=PlainLSTM(), **TWO).fit(X, y)
    teacher = SignalTap(PlainLSTM(), hidden_layer="lstm", head_layer="fc")
    clf = DistilledClassifier(method=MemKD() + RKD(), teacher=teacher, **TWO).fit(X, y)
    assert np.all(np.isfinite(clf.history_[:, "train_memkd"]))
    own = {**TWO, "student_params": None, "student": SignalTap(PlainCNN(), hidden_layer="conv")}
    clf = DistilledClassifier(
        method="attention", teacher=RecurrentStudent(1, 2, 8), **own
    ).fit(X, y)
    assert clf.predict(X).shape == (len(X),)
    with pytest.raises(ValueError, match=r"PlainCNN cannot give \['hidden'\].*SignalTap"):
        DistilledClassifier(
            method="memkd", teacher=RecurrentStudent(1, 2, 8), **{**own, "student": PlainCNN()}
        ).fit(X, y)


def test_black_box_teacher_with_white_box_method_is_a_clear_error():
    X, y = make_data()
    for name, signal in [("memkd", "hidden"), ("rkd", "features"), ("fitnet", "hidden")]:
        with pytest.raises(ValueError) as err:
            DistilledClassifier(method=name, teacher=CentroidTeacher().fit(X, y), **TWO).fit(X, y)
        message = str(err.value)
        assert f"'{name}'" in message and f"['{signal}']" in message
        assert "black-box CentroidTeacher" in message
        for fix in ("forward_signals", "SignalTap", "RecurrentTeacher", "teacher=None"):
            assert fix in message


def test_default_teacher_for_hidden_signals_is_an_lstm(monkeypatch):
    built = build_default_teacher({"hidden"}, seed=0)
    assert isinstance(built, RecurrentTeacher)
    assert (built.hidden_size, built.num_layers, built.lr) == (100, 3, 1e-3)
    assert (built.max_epochs, built.normalization, built.gradient_clip) == ("auto", "series", 1.0)
    monkeypatch.setitem(RECURRENT_TEACHER_PARAMS, "hidden_size", 6)
    monkeypatch.setitem(RECURRENT_TEACHER_PARAMS, "num_layers", 1)
    monkeypatch.setitem(RECURRENT_TEACHER_PARAMS, "max_epochs", 2)
    X, y = make_data(length=12)
    clf = DistilledClassifier(method="memkd", resample_length=8, **TWO).fit(X, y)
    teacher = clf.teacher_
    assert isinstance(teacher, RecurrentTeacher) and teacher.module_.net.rnn.hidden_size == 6
    assert len(teacher.history_) == 2
    # trained on the student's (resampled) input: its hidden states have 8 steps
    hidden = teacher.module_.forward_signals(torch.zeros(1, 1, 8))["hidden"]
    assert hidden.shape == (1, 8, 6)


def test_recurrent_teacher_recipes_library_and_papers():
    from skorch.callbacks import GradientNormClipping

    from aeon_kd.students import SeriesNormalized

    X, y = make_data(length=10)
    teacher = RecurrentTeacher(hidden_size=3, num_layers=1, max_epochs=3, random_state=0)
    teacher.fit(100.0 * X + 5.0, y)
    assert isinstance(teacher.module_, SeriesNormalized)  # z-normalised inside the network
    scaled = teacher.predict_proba(100.0 * X + 5.0)
    np.testing.assert_allclose(scaled, teacher.predict_proba(X), atol=1e-5)
    assert len(teacher.history_) == 3 and "valid_loss" not in teacher.history_[-1]
    from aeon_kd.teachers._default import _clipping

    [(name, clip)] = _clipping(teacher.gradient_clip)  # skorch's clipping, per step
    assert isinstance(clip, GradientNormClipping) and clip.gradient_clip_value == 1.0
    assert _clipping(None) is None
    paper = RecurrentTeacher.paper_protocol(hidden_size=3, num_layers=1, max_epochs=3,
                                            random_state=0).fit(X, y)  # fmt: skip
    assert not isinstance(paper.module_, SeriesNormalized)
    assert (paper.lr, paper.patience, paper.validation_size) == (0.005, 50, 0.2)
    assert "valid_loss" in paper.history_[-1]
    with pytest.raises(ValueError, match="normalization must be 'series' or None"):
        RecurrentTeacher(normalization="minmax").fit(X, y)


def test_fitted_recurrent_teacher_is_white_box():
    X, y = make_data(length=10)
    fitted = RecurrentTeacher(hidden_size=5, num_layers=1, max_epochs=2, random_state=0)
    fitted.fit(X, y)
    for teacher in (fitted, FrozenEstimator(fitted)):
        clf = DistilledClassifier(method="fitnet", teacher=teacher, **TWO).fit(X, y)
        assert clf.teacher_ is teacher


# -- bad input ------------------------------------------------------------------------


def test_tsd_bad_settings():
    X, y = make_data(length=10)
    teacher = CentroidTeacher().fit(X, y)
    with pytest.raises(ValueError, match=r"window_length=10 must be smaller.*length \(10"):
        DistilledClassifier(method=TSD(window_length=10), teacher=teacher, **TWO).fit(X, y)
    with pytest.raises(ValueError, match="n_windows must be >= 1"):
        DistilledClassifier(method=TSD(window_length=2, n_windows=0), teacher=teacher, **TWO).fit(
            X, y
        )
    with pytest.raises(ValueError, match="replacement must be one of"):
        DistilledClassifier(
            method=TSD(window_length=2, replacement="shuffle"), teacher=teacher, **TWO
        ).fit(X, y)


def test_tsd_needs_a_donor_of_another_class():
    X, y = make_data(n=8, length=6)
    X = X.astype(np.float32)
    y_index = (y == "c1").astype(np.int64)
    only_class_0 = np.flatnonzero(y_index == 0)
    context = _context(X, y_index, None, {}, train_index=only_class_0)
    with pytest.raises(ValueError, match="replacement='opposite_class'.*no donor"):
        TSD(window_length=2).prepare(context)
    with pytest.raises(ValueError, match="replacement='same_class'.*class index \\[1\\]"):
        TSD(window_length=2, replacement="same_class").prepare(context)
    TSD(window_length=2, replacement="zero").prepare(context)  # no donors needed


def test_tsd_with_a_black_box_aeon_teacher_calls_it_only_before_training():
    from aeon.classification.interval_based import QUANTClassifier

    class CountingQUANT(QUANTClassifier):
        sealed = False
        n_predicted = 0

        def _predict_proba(self, X):
            if self.sealed:
                raise AssertionError("the aeon teacher was called during training")
            type(self).n_predicted += len(X)
            return super()._predict_proba(X)

    X, y = make_data(n=20, length=16)
    teacher = CountingQUANT(random_state=0).fit(X, y)
    clf = DistilledClassifier(
        method=SealingTSD(window_length=3, n_windows=4, bank_size=5), teacher=teacher,
        **{**FAST, "max_epochs": 3},
    ).fit(X, y)
    assert CountingQUANT.n_predicted == len(X) * (1 + 5)
    assert len(clf.history_) == 3 and np.all(np.isfinite(clf.history_[:, "train_tsd"]))


@pytest.mark.parametrize("name", sorted(list_methods()))
def test_check_method_passes_for_every_registered_method(name):
    from aeon_kd.methods import resolve_method
    from aeon_kd.testing import check_method

    clf = check_method(resolve_method(name))
    assert clf.n_student_params_ > 0


def test_check_method_catches_a_method_that_trains_the_teacher():
    from aeon_kd.methods import Method
    from aeon_kd.testing import check_method

    class Leaky(Method):
        name = "leaky"
        teacher_signals = frozenset({"logits"})

        def __init__(self, task_weight=1.0):
            self.task_weight = task_weight

        def loss_terms(self, batch):
            with torch.no_grad():  # mutates the teacher: exactly what must never happen
                for p in batch.online_teacher.module.parameters():
                    p.add_(1.0)
            return {"leaky": batch.student["logits"].sum() * 0}

    with pytest.raises(AssertionError, match="teacher's .* changed"):
        check_method(Leaky())


def test_grid_search_chooses_between_kd_and_no_kd_with_an_unfitted_teacher():
    # the selection of benchmarks/kd_selection.py as a user writes it: an unfitted
    # teacher in the constructor is fitted inside every fold's fit, so no fold leaks
    X, y = make_data(n=24, length=10)
    clf = DistilledClassifier(teacher=CountingTeacher(), **TWO)
    search = GridSearchCV(clf, {"method": ["none", "kd"]}, cv=2).fit(X, y)
    assert [p["method"] for p in search.cv_results_["params"]] == ["none", "kd"]
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))
    best = search.best_estimator_
    assert best.method == search.best_params_["method"]
    assert (best.teacher_ is None) == (best.method == "none")  # none fits no teacher
