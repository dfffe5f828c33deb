"""UNI-KD, DANN, target-domain data in fit, and the cross-domain scenarios."""

import math
import warnings

import numpy as np
import pytest
import torch
from sklearn.exceptions import NotFittedError
from sklearn.metrics import f1_score
from torch import nn

from aeon_kd import DistilledClassifier
from aeon_kd.classification import split_domains
from aeon_kd.datasets import make_domain_shift
from aeon_kd.methods import UNIKD, DistillationBatch, FitContext, TrainingProgress
from aeon_kd.methods.dann import dann_ramp, grad_reverse
from aeon_kd.methods.unikd import (
    ambiguity_weights,
    beta_schedule,
    official_reversal_strength,
    weighted_joint_kd,
)
from aeon_kd.students import AdaTimeCNN, count_parameters, signals_of
from aeon_kd.teachers import DOMAIN_TEACHER_PARAMS

# cross-domain tests keep the series as given: per-series z-normalisation (the default)
# would itself undo the synthetic gain/offset shift these tests adapt to
FAST = {"max_epochs": 2, "batch_size": 8, "random_state": 0, "normalize": None}


def _problem(n=24, length=24, seed=0):
    rng = np.random.default_rng(seed)
    y = np.arange(n) % 2
    X = rng.normal(scale=0.3, size=(n, 1, length)).astype(np.float32)
    X[y == 1, :, 6:12] += 1.5
    return X, y


def _small_teacher(seed=0):
    torch.manual_seed(seed)
    return AdaTimeCNN(1, 2, width=8)


# -- golden values, computed here independently -----------------------------------------


def _softmax(z):
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_weighted_joint_kd_matches_a_numpy_reference():
    rng = np.random.default_rng(0)
    zs_s, zt_s, zs_t, zt_t = (rng.normal(size=(n, 3)) for n in (4, 4, 5, 5))
    w_s, w_t = rng.uniform(size=4), rng.uniform(size=5)
    tau = 4.0

    def kl_rows(student, teacher):
        p, q = _softmax(teacher / tau), _softmax(student / tau)
        return np.sum(p * (np.log(p) - np.log(q)), axis=1)

    expected = tau**2 * (
        np.sum(w_s * kl_rows(zs_s, zt_s)) / 4 + np.sum(w_t * kl_rows(zs_t, zt_t)) / 5
    )
    t = [torch.tensor(a, dtype=torch.float64) for a in (zs_s, zt_s, w_s, zs_t, zt_t, w_t)]
    assert float(weighted_joint_kd(*t, temperature=tau)) == pytest.approx(expected, rel=1e-10)


def test_ambiguity_weights_are_one_minus_the_domain_margin():
    logits = torch.tensor([[0.0, 0.0], [1.0, 0.0], [-3.0, 2.0]], dtype=torch.float64)
    q = _softmax(logits.numpy())
    expected = 1 - np.abs(q[:, 0] - q[:, 1])
    np.testing.assert_allclose(ambiguity_weights(logits).numpy(), expected, rtol=1e-12)
    assert float(ambiguity_weights(logits)[0]) == 1.0


def test_beta_schedule_paper_intent_and_released_code():
    # intended: 0.1 * 9 ** (e / E), reaching 0.9 at the last epoch
    assert beta_schedule(10, 10) == pytest.approx(0.9)
    assert beta_schedule(5, 10) == pytest.approx(0.1 * 3.0)
    assert beta_schedule(1, 10) == pytest.approx(0.1 * 9 ** 0.1)
    # released code: 0.1 * exp(e * log10(9) / E): 0.110 -> 0.161 -> 0.260
    for epoch, spec_value in ((1, 0.110), (5, 0.161), (10, 0.260)):
        code = beta_schedule(epoch, 10, compat_official_code=True)
        assert code == pytest.approx(0.1 * math.exp(epoch * math.log10(9) / 10), rel=1e-12)
        assert code == pytest.approx(spec_value, abs=5e-4)


def test_reversal_schedules_ramp_and_released_constant():
    assert dann_ramp(0.0) == 0.0
    assert dann_ramp(0.25) == pytest.approx(2 / (1 + math.exp(-2.5)) - 1)
    assert dann_ramp(1.0) == pytest.approx(0.9999092, abs=1e-7)
    # AdaTime: p = (step + epoch * n) / E + 1 / n >= 1 from the first step
    assert official_reversal_strength(0, 1, 10, 10) == pytest.approx(
        2 / (1 + math.exp(-10 * 1.1)) - 1
    )
    assert official_reversal_strength(0, 1, 10, 10) > 0.9999
    progress = TrainingProgress(epoch=2, max_epochs=4, step=1, steps_per_epoch=3)
    assert progress.fraction == pytest.approx(4 / 12)


def test_gradient_reversal_flips_and_scales_the_gradient():
    x = torch.ones(3, requires_grad=True)
    (2.0 * grad_reverse(x, 0.25)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), -0.5)


# -- the compatibility flag changes exactly what the spec says --------------------------


def _unikd_batch(method, epoch=1, step=0, seed=0):
    X, y = _problem(n=8, length=24, seed=seed)
    torch.manual_seed(seed)
    student, teacher = AdaTimeCNN(1, 2, width=4, dropout=0.0), _small_teacher(seed)
    teacher.eval()
    x, x_t = torch.from_numpy(X), torch.from_numpy(1.5 * X + 0.5)
    with torch.no_grad():
        t_src, t_tgt = signals_of(teacher, x, {"logits", "features"}), signals_of(
            teacher, x_t, {"logits", "features"}
        )
    context = FitContext(
        X=X, y=y, train_index=np.arange(8), n_outputs=2,
        teacher_outputs={k: v.numpy() for k, v in t_src.items()}, student=student,
    )
    modules = nn.ModuleDict(method.auxiliary_modules(context))
    batch = DistillationBatch(
        student=signals_of(student, x, {"logits", "features"}),
        teacher=t_src,
        y=torch.from_numpy(y),
        extras={},
        modules=modules,
        student_module=student,
        inputs=x,
        target={
            "inputs": x_t,
            "student": signals_of(student, x_t, {"logits", "features"}),
            "teacher": t_tgt,
        },
        progress=TrainingProgress(epoch=epoch, max_epochs=10, step=step, steps_per_epoch=5),
    )
    return batch, student, modules


def _grad_norm(term, tensors):
    grads = torch.autograd.grad(term, tensors, retain_graph=True, allow_unused=True)
    return sum(0.0 if g is None else float(g.abs().sum()) for g in grads)


def test_compat_flag_detaches_the_adversarial_term():
    for compat, reaches in ((False, True), (True, False)):
        batch, student, modules = _unikd_batch(UNIKD(compat_official_code=compat))
        terms = UNIKD(compat_official_code=compat).loss_terms(batch)
        feats = [batch.student["features"], batch.target["student"]["features"]]
        adversarial = terms["adversarial"]
        if reaches:
            assert _grad_norm(adversarial, feats + list(modules["adapter"].parameters())) > 0
        else:
            assert not adversarial.requires_grad  # a number, no gradient anywhere
        # the critic is never trained by the student's objective
        if adversarial.requires_grad:
            critic = list(modules["feature_discriminator"].parameters())
            assert _grad_norm(adversarial, critic) == 0


def test_compat_flag_puts_source_logits_in_the_target_term():
    tau = 4.0
    for compat in (False, True):
        method = UNIKD(compat_official_code=compat, temperature=tau)
        batch, _, modules = _unikd_batch(method, epoch=3)
        terms = method.loss_terms(batch)
        d = modules["domain_discriminator"]
        with torch.no_grad():
            w_s = ambiguity_weights(d(batch.student["features"])).double().numpy()
            w_t = ambiguity_weights(d(batch.target["student"]["features"])).double().numpy()

        def kl(student, teacher):
            p = _softmax(teacher.detach().double().numpy() / tau)
            q = _softmax(student.detach().double().numpy() / tau)
            return np.sum(p * (np.log(p) - np.log(q)), axis=1)

        kl_s = kl(batch.student["logits"], batch.teacher["logits"])
        kl_t = kl(batch.target["student"]["logits"], batch.target["teacher"]["logits"])
        if compat:  # the code's "target" term: source KL with the target weights
            expected = tau**2 * (np.mean(w_s * kl_s) + np.mean(w_t * kl_s))
        else:
            expected = tau**2 * (np.mean(w_s * kl_s) + np.mean(w_t * kl_t))
        beta = beta_schedule(3, 10, compat_official_code=compat)
        assert terms["joint_kd"].item() == pytest.approx(beta * expected, rel=1e-4)


def test_compat_flag_leaves_the_weights_attached_to_the_discriminator():
    for compat in (False, True):
        method = UNIKD(compat_official_code=compat)
        batch, _, modules = _unikd_batch(method)
        terms = method.loss_terms(batch)
        reaching = _grad_norm(terms["joint_kd"], list(modules["domain_discriminator"].parameters()))
        assert (reaching > 0) is compat


def test_compat_flag_makes_the_reversal_constant():
    # first step of training: the ramp is at 0, so the domain term does not move the
    # student's features; the released formula is already at ~1
    for compat in (False, True):
        method = UNIKD(compat_official_code=compat)
        batch, _, _ = _unikd_batch(method, epoch=1, step=0)
        terms = method.loss_terms(batch)
        norm = _grad_norm(terms["domain"], [batch.student["features"]])
        assert (norm > 0) is compat


# -- training: discriminators and adapter learn, then are dropped ------------------------


def test_discriminators_and_adapter_train_and_are_dropped_after_fit():
    made = []

    class SpyUNIKD(UNIKD):
        def auxiliary_modules(self, context):
            modules = super().auxiliary_modules(context)
            made.append({k: (m, [p.detach().clone() for p in m.parameters()])
                         for k, m in modules.items()})
            return modules

    X, y = _problem()
    clf = DistilledClassifier(method=SpyUNIKD(), **FAST)
    clf.fit(X, y, teacher=_small_teacher(), X_target=1.5 * X + 0.5)
    assert set(made[-1]) == {"adapter", "feature_discriminator", "domain_discriminator"}
    assert made[-1]["adapter"][0].weight.shape == (16, 32)  # student 32 -> teacher 16
    for name, (module, initial) in made[-1].items():
        pairs = zip(module.parameters(), initial, strict=True)
        changed = any(not torch.equal(p, q) for p, q in pairs)
        assert changed, f"{name} did not train"
    assert made[-1]["feature_discriminator"][0].optimizer is not None  # its own optimiser
    kept = [k for k, v in vars(clf).items() if isinstance(v, nn.Module)]
    assert sorted(kept) == ["student_", "teacher_"]
    assert isinstance(clf.student_, AdaTimeCNN)
    names = {n for n, _ in clf.student_.named_modules()}
    assert not names & {"adapter", "feature_discriminator", "domain_discriminator"}
    for term in ("task", "adversarial", "hint", "domain", "joint_kd"):
        assert np.all(np.isfinite(clf.history_[:, f"train_{term}"]))


def test_default_student_is_the_specs_16_32_32_cnn():
    X, y = _problem()
    clf = DistilledClassifier(method="unikd", **FAST)
    clf.fit(X, y, teacher=_small_teacher(), X_target=X + 1)
    assert isinstance(clf.student_, AdaTimeCNN)
    assert clf.n_student_params_ == count_parameters(AdaTimeCNN(1, 2, width=16))
    # other methods take the LITE-style default
    assert type(DistilledClassifier(method="none", **FAST).fit(X, y).student_).__name__ == (
        "LITEStudent"
    )


def test_no_teacher_trains_a_dann_cnn_teacher_on_source_and_target(monkeypatch):
    monkeypatch.setitem(DOMAIN_TEACHER_PARAMS, "width", 8)
    monkeypatch.setitem(DOMAIN_TEACHER_PARAMS, "max_epochs", 2)
    X, y = _problem()
    clf = DistilledClassifier(method="unikd", **FAST).fit(X, y, X_target=X + 1)
    assert isinstance(clf.teacher_, AdaTimeCNN)
    assert clf.teacher_.head.in_features == 16  # 8/16/16 with width 8
    assert clf.teacher_agreement_ is not None


def test_sample_domain_and_x_target_give_the_same_student():
    X, y = _problem()
    X_target = 1.5 * X[:12] + 0.5
    a = DistilledClassifier(method="unikd", **FAST).fit(
        X, y, teacher=_small_teacher(), X_target=X_target
    )
    both = np.concatenate([X, X_target])
    masked = np.concatenate([y, np.full(12, -1)])
    domain = np.r_[np.ones(24, dtype=int), -np.ones(12, dtype=int)]
    b = DistilledClassifier(method="unikd", **FAST).fit(
        both, masked, teacher=_small_teacher(), sample_domain=domain
    )
    np.testing.assert_array_equal(b.classes_, [0, 1])  # the mask never becomes a class
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))


def test_string_labels_with_masked_targets():
    X, y = _problem()
    labels = np.array(["walk", "run"])[y].astype(object)
    both = np.concatenate([X, X + 1])
    masked = np.concatenate([labels, [None] * 12, [np.nan] * 12])
    domain = np.r_[np.ones(24, dtype=int), -np.ones(24, dtype=int)]
    clf = DistilledClassifier(method="dann", **FAST).fit(both, masked, sample_domain=domain)
    assert list(clf.classes_) == ["run", "walk"]


# -- bad input --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({}, "learns from unlabelled target-domain series"),
        ({"X_target": np.zeros((5, 2, 24))}, "X_target has 2 channels but X has 1"),
        ({"X_target": np.zeros((5, 1, 20))}, "length 20 but X series have length 24"),
        ({"X_target": np.zeros((0, 1, 24))}, "X_target holds no series"),
        ({"X_target": np.full((5, 1, 24), np.nan)}, "X_target contains 120 NaN"),
    ],
)
def test_bad_target_data_is_refused_clearly(kwargs, match):
    X, y = _problem()
    with pytest.raises(ValueError, match=match):
        DistilledClassifier(method="unikd", **FAST).fit(X, y, teacher=_small_teacher(), **kwargs)


def test_other_lengths_work_with_resample_length():
    X, y = _problem()
    clf = DistilledClassifier(method="dann", resample_length=16, **FAST)
    clf.fit(X, y, X_target=np.random.default_rng(0).normal(size=(10, 1, 40)))
    assert clf.predict(X).shape == (24,)


@pytest.mark.parametrize(
    "y_target, domain, match",
    [
        (np.zeros(12, dtype=int), None, "12 target series .* carry labels"),
        (np.full(12, -1), np.ones(30, dtype=int), "sample_domain has shape \\(30,\\)"),
        (np.full(12, -1), np.r_[np.ones(24, dtype=int), np.zeros(12, dtype=int)], "non-zero"),
        (np.full(12, -1), -np.ones(36, dtype=int), "no source series"),
    ],
)
def test_bad_sample_domain_is_refused_clearly(y_target, domain, match):
    X, y = _problem()
    both = np.concatenate([X, X[:12] + 1])
    labels = np.concatenate([y, y_target])
    if domain is None:
        domain = np.r_[np.ones(24, dtype=int), -np.ones(12, dtype=int)]
    with pytest.raises(ValueError, match=match):
        DistilledClassifier(method="dann", **FAST).fit(both, labels, sample_domain=domain)


def test_both_target_arguments_at_once_is_an_error():
    X, y = _problem()
    with pytest.raises(ValueError, match="either as X_target= or inside X"):
        DistilledClassifier(method="dann", **FAST).fit(
            X, y, X_target=X, sample_domain=np.ones(24, dtype=int)
        )


def test_methods_that_ignore_target_data_say_so():
    X, y = _problem()
    with pytest.warns(UserWarning, match="'kd' does not use target-domain data.*unikd"):
        DistilledClassifier(method="kd", teacher=_small_teacher(), **FAST).fit(
            X, y, X_target=X + 1
        )
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning for a method that uses it
        DistilledClassifier(method="dann", **FAST).fit(X, y, X_target=X + 1)


def test_split_domains_keeps_list_input():
    X = [np.zeros((1, 5)), np.ones((1, 5)), np.ones((1, 5)) * 2]
    X_s, y_s, X_t = split_domains(X, [0, 1, -1], [1, 1, -1])
    assert len(X_s) == 2 and len(X_t) == 1 and list(y_s) == [0, 1]


# -- the synthetic shift generator and what UNI-KD does on it ---------------------------


def test_shift_generator_is_seeded_and_shifts_the_target():
    a, b = make_domain_shift(random_state=3), make_domain_shift(random_state=3)
    np.testing.assert_array_equal(a.X_target, b.X_target)
    assert not np.array_equal(a.X_source, make_domain_shift(random_state=4).X_source)
    # the target's sensor has a larger gain and an offset
    assert a.X_target.mean() - a.X_source.mean() > 0.5
    assert a.X_target.std() > 1.3 * a.X_source.std()
    none = make_domain_shift(shift=0.0, random_state=3)
    assert abs(none.X_target.mean() - none.X_source.mean()) < 0.1
    X, y, domain = a.as_sample_domain()
    assert len(X) == 600 and set(domain) == {1, -2} and list(y[domain < 0][:2]) == [-1, -1]
    with pytest.raises(ValueError, match="n_classes must be >= 2"):
        make_domain_shift(n_classes=1)


def test_unikd_beats_the_source_only_student_on_target_macro_f1(monkeypatch):
    # an effect on the average over seeds, not one seed's draw (DATASETS.md, "One-seed
    # claims"). Measured at seeds 0-4 on an AMD EPYC: none 0.544/0.511/0.543/0.548/0.540
    # (mean 0.537), unikd 0.606/0.631/0.683/0.597/0.563 (mean 0.616, +0.079). CI's
    # machine drew unikd 0.500/0.559/0.663 against none 0.544/0.508/0.543 at seeds 0-2
    # (+0.043): a single seed can lose, so five seeds and a margin of half CI's effect
    monkeypatch.setitem(DOMAIN_TEACHER_PARAMS, "width", 32)
    monkeypatch.setitem(DOMAIN_TEACHER_PARAMS, "max_epochs", 20)
    s = make_domain_shift(n_source=200, n_target=200, n_target_test=300, shift=0.5,
                          random_state=0)
    # the recipe of the time of measurement (normalisation would undo the shift itself)
    common = {"student": "adatime_cnn", "max_epochs": 20, "patience": 10,
              "normalize": None, "lr": 5e-3, "lr_schedule": None, "optimizer": "adam",
              "validation_size": 0.2}

    def target_f1(clf):
        return f1_score(s.y_target_test, clf.predict(s.X_target_test), average="macro")

    scores = {"none": [], "unikd": []}
    for seed in range(5):
        none = DistilledClassifier(method="none", random_state=seed, **common)
        unikd = DistilledClassifier(method="unikd", random_state=seed, **common)
        scores["none"].append(target_f1(none.fit(s.X_source, s.y_source)))
        scores["unikd"].append(
            target_f1(unikd.fit(s.X_source, s.y_source, X_target=s.X_target))
        )
    print(f"target macro-F1 per seed: {scores}")
    assert np.mean(scores["unikd"]) > np.mean(scores["none"]) + 0.02


def test_real_scenarios_load_offline_with_one_length():
    from aeon_kd.datasets import load_domain_scenario

    s = load_domain_scenario("AllGestureWiimoteX->AllGestureWiimoteY")  # padded, resampled
    assert s.X_source.shape == (300, 1, 150) and s.X_target.shape[1:] == (1, 150)
    assert np.all(np.isfinite(s.X_target_test)) and len(s.X_target_test) == len(s.y_target_test)
    assert set(s.y_source) == set(s.y_target_test)
    cricket = load_domain_scenario("CricketX", "CricketY")
    assert cricket.name == "CricketX->CricketY" and cricket.X_source.shape == (390, 1, 300)
    with pytest.raises(ValueError, match="different label sets"):
        load_domain_scenario("CricketX", "GunPoint")
    with pytest.raises(ValueError, match="Unknown scenario 'Nowhere'"):
        load_domain_scenario("Nowhere")


def test_a_domain_teacher_trained_once_is_reused_never_retrained_and_scored(monkeypatch):
    import aeon_kd.classification._distilled as distilled
    from aeon_kd.teachers import DomainAdversarialTeacher

    monkeypatch.setitem(DOMAIN_TEACHER_PARAMS, "width", 8)
    monkeypatch.setitem(DOMAIN_TEACHER_PARAMS, "max_epochs", 2)
    X, y = _problem()
    X_target = X + 1
    teacher = DomainAdversarialTeacher(random_state=0).fit(X, y, X_target=X_target)
    assert teacher.fit_seconds_ > 0 and teacher.n_params_ > 0
    assert 0.0 <= teacher.score(X_target, y) <= 1.0
    before = {k: v.clone() for k, v in teacher.module_.state_dict().items()}
    calls = []
    original = distilled.fit_domain_adversarial_teacher
    monkeypatch.setattr(distilled, "fit_domain_adversarial_teacher",
                        lambda *a, **k: calls.append(1) or original(*a, **k))  # fmt: skip
    for seed in (0, 1):
        clf = DistilledClassifier(method="unikd", **{**FAST, "random_state": seed})
        clf.fit(X, y, teacher=teacher, X_target=X_target)
        assert clf.teacher_ is teacher
    assert calls == []  # never retrained
    for key, value in teacher.module_.state_dict().items():
        assert torch.equal(value, before[key])
    DistilledClassifier(method="unikd", **FAST).fit(X, y, X_target=X_target)
    assert calls == [1]  # teacher=None trains one inside fit
    with pytest.raises(NotFittedError, match="DomainAdversarialTeacher is not fitted"):
        DistilledClassifier(method="unikd", **FAST).fit(
            X, y, teacher=DomainAdversarialTeacher(), X_target=X_target
        )
