"""What DistilledClassifier does: losses, training, bad input, and KD on real data."""

import numpy as np
import pytest
import torch
from torch import nn

from aeon_kd import DistilledClassifier, list_methods, list_students
from aeon_kd.methods import HintonKD, MethodSum, NoKD
from aeon_kd.methods.kd import hinton_kd_loss
from aeon_kd.testing import CentroidTeacher
from tests.conftest import FAST, make_data


def test_hinton_kd_loss_golden():
    zs = np.array([[1.0, 0.0, -1.0], [0.5, 0.5, 2.0]])
    zt = np.array([[2.0, 1.0, 0.0], [0.0, 1.0, 0.0]])
    T = 2.0

    def softmax(z):
        e = np.exp(z - z.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)

    pt, ps = softmax(zt / T), softmax(zs / T)
    expected = T**2 * np.mean(np.sum(pt * (np.log(pt) - np.log(ps)), axis=1))
    got = hinton_kd_loss(torch.tensor(zs), torch.tensor(zt), T)
    assert float(got) == pytest.approx(expected, rel=1e-10)
    assert float(hinton_kd_loss(torch.tensor(zt), torch.tensor(zt), T)) == pytest.approx(0.0)


def test_hinton_gradient_reaches_student_only():
    zs = torch.randn(4, 3, requires_grad=True)
    zt = torch.randn(4, 3, requires_grad=True)
    hinton_kd_loss(zs, zt, 4.0).backward()
    assert zs.grad is not None and torch.any(zs.grad != 0)
    assert zt.grad is None


def test_history_logs_every_term(data):
    X, y = data
    clf = DistilledClassifier(teacher=CentroidTeacher(), method=HintonKD(weight=0.5), **FAST)
    clf.fit(X, y)
    last = clf.history_[-1]
    for key in ("train_loss", "valid_loss", "train_task", "train_kd", "valid_kd", "valid_acc"):
        assert np.isfinite(last[key]), key
    # the total is the task loss plus the weighted term (averaged per epoch)
    assert last["train_loss"] == pytest.approx(last["train_task"] + last["train_kd"], rel=1e-5)
    assert 0.0 <= clf.teacher_agreement_ <= 1.0 and clf.teacher_kl_ >= 0.0


def test_early_stopping_restores_best_and_ends_in_eval(data):
    X, y = data
    clf = DistilledClassifier(
        teacher=CentroidTeacher(), **{**FAST, "max_epochs": 40, "patience": 2, "lr": 0.05}
    ).fit(X, y)
    valid = [row["valid_loss"] for row in clf.history_]
    assert len(valid) < 40  # stopped early
    assert not clf.student_.training


@pytest.mark.parametrize("schedule", ["cosine", "plateau", "halving"])
def test_lr_schedules(schedule, data):
    X, y = data
    clf = DistilledClassifier(method="none", **{**FAST, "lr_schedule": schedule}).fit(X, y)
    assert len(clf.history_) == FAST["max_epochs"]


def test_verbose_prints_progress(data, capsys):
    X, y = data
    DistilledClassifier(method="none", verbose=True, **FAST).fit(X, y)
    out = capsys.readouterr()
    assert "train_task" in out.out and "valid_acc" in out.out


def test_resample_length(data):
    X, y = data
    clf = DistilledClassifier(method="none", resample_length=30, **{
        **FAST, "student": "cnn", "student_params": None}).fit(X, y)
    assert clf.predict(X).shape == (len(X),)


def test_user_module_and_callable_students(data):
    X, y = data
    module = nn.Sequential(nn.Flatten(), nn.Linear(12, 2))
    clf = DistilledClassifier(method="none", **{**FAST, "student": module, "student_params": None})
    clf.fit(X, y)
    assert clf.n_student_params_ == 26
    assert not torch.equal(clf.student_[1].weight, module[1].weight)  # user module untouched

    def builder(n_channels, n_outputs, width=3):
        return nn.Sequential(nn.Flatten(), nn.Linear(12 * n_channels, width),
                             nn.ReLU(), nn.Linear(width, n_outputs))

    params = {**FAST, "student": builder, "student_params": {"width": 5}}
    clf = DistilledClassifier(method="none", **params).fit(X, y)
    assert clf.n_student_params_ == 12 * 5 + 5 + 5 * 2 + 2


def test_lstm_student_size():
    X, y = make_data(n=20)
    clf = DistilledClassifier(method="none", student="lstm", max_epochs=1).fit(X, y)
    # one LSTM layer of 16 units on one channel, linear head to 2 classes
    assert clf.n_student_params_ == 4 * 16 * (1 + 16) + 8 * 16 + 16 * 2 + 2


def test_registries():
    assert {"none", "kd"} <= set(list_methods())
    assert list_methods()["kd"]["needs"] == ["logits"]
    assert {"lstm", "gru", "cnn"} <= set(list_students())


def test_methods_compose_and_expose_params(data):
    X, y = data
    both = HintonKD(temperature=2.0) + NoKD()
    assert isinstance(both, MethodSum)
    assert both.get_params()["kd__temperature"] == 2.0
    clf = DistilledClassifier(teacher=CentroidTeacher(), method=both, **FAST)
    clf.set_params(method__kd__temperature=3.0)
    clf.fit(X, y)
    assert clf.method.get_params()["kd__temperature"] == 3.0
    assert "train_kd" in clf.history_[-1]
    listed = DistilledClassifier(teacher=CentroidTeacher(), method=["kd", "none"], **FAST)
    assert "train_kd" in listed.fit(X, y).history_[-1]


# -- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_x(bad, data):
    X, y = data
    X = X.copy()
    X[3, 0, 5] = bad
    with pytest.raises(ValueError, match="NaN|missing values|infinite"):
        DistilledClassifier(**FAST).fit(X, y)
    clf = DistilledClassifier(method="none", **FAST).fit(*data)
    with pytest.raises(ValueError, match="infinite|missing values"):
        clf.predict(X)


def test_single_class(data):
    X, _ = data
    with pytest.raises(ValueError, match="at least 2 unique labels"):
        DistilledClassifier(**FAST).fit(X, np.zeros(len(X)))


@pytest.mark.parametrize(
    "params, match",
    [
        ({"method": "magic"}, r"Unknown method 'magic'. Valid names: \[.*'kd'.*'none'"),
        ({"student": "transformer"}, r"Unknown student 'transformer'. Valid names: \['adatime"),
        ({"student_params": {"hidden": 3}}, r"Unknown student_params \['hidden'\].*hidden_size"),
        ({"student_params": {"hidden_size": -1}}, "Could not build student 'lstm'"),
        ({"max_epochs": 0}, "max_epochs must be an integer >= 1"),
        ({"lr": -1}, "lr must be a positive number"),
        ({"validation_size": 1.5}, r"validation_size must be a fraction in \[0, 1\)"),
        ({"resample_length": 1}, "resample_length must be None or an integer >= 2"),
        ({"lr_schedule": "step"}, "lr_schedule must be None, 'cosine', 'plateau' or 'halving'"),
        ({"method": 3}, "method must be a registry name"),
    ],
)
def test_bad_parameters(params, match, data):
    X, y = data
    with pytest.raises((ValueError, TypeError), match=match):
        DistilledClassifier(teacher=CentroidTeacher(), **{**FAST, **params}).fit(X, y)


def test_student_with_wrong_output_width(data3):
    X, y = data3
    wrong = nn.Sequential(nn.Flatten(), nn.Linear(12, 2))
    with pytest.raises(ValueError, match=r"shape \(2, 2\), but y has 3 classes"):
        params = {**FAST, "student": wrong, "student_params": None}
        DistilledClassifier(method="none", **params).fit(X, y)


def test_unequal_length_rejected_clearly():
    X = [np.zeros((1, 10)), np.zeros((1, 12))] * 5
    y = np.array([0, 1] * 5)
    with pytest.raises(ValueError, match="unequal-length series.*Resizer"):
        DistilledClassifier(**FAST).fit(X, y)


# -- distillation helps on real data ----------------------------------------------------


def test_kd_student_agrees_with_teacher_more_than_no_kd_student_on_average():
    """ArrowHead (bundled with aeon): a 32/64/32 CNN teacher distilled into a 4/8/4 CNN.

    One seed of a tiny network differs across machines (DATASETS.md, "One-seed
    claims"), so the effect is asserted on the mean over three seeds. Measured when
    written (test-set agreement with the teacher, seeds 0-3): no KD 0.50 / 0.57 / 0.48 /
    0.57 (mean 0.53), KD with a 300-series transfer set 0.55 / 0.73 / 0.76 / 0.74 (mean
    0.70). The margin asserted is half the measured mean effect.
    """
    from aeon.datasets import load_classification

    X, y = load_classification("ArrowHead", split="train")
    X_test, _ = load_classification("ArrowHead", split="test")
    teacher = DistilledClassifier(
        method="none", student="cnn", student_params={"filters": (32, 64, 32)},
        max_epochs=300, random_state=0,
    ).fit(X, y)  # fmt: skip
    teacher_pred = teacher.predict(X_test)
    common = {"student": "cnn", "student_params": {"filters": (4, 8, 4)}, "max_epochs": 150}
    agreement = {"none": [], "kd": []}
    for seed in (0, 1, 2):
        for method, extra in (("none", {}), ("kd", {"transfer_size": 300})):
            student = DistilledClassifier(method=method, random_state=seed, **common, **extra)
            student.fit(X, y, teacher=teacher.student_)
            agreement[method].append(np.mean(student.predict(X_test) == teacher_pred))
    mean = {k: float(np.mean(v)) for k, v in agreement.items()}
    assert mean["kd"] > mean["none"] + 0.08, agreement
