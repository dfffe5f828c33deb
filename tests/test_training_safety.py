"""Divergence, interruption and checkpoint/resume of the student's training."""

import numpy as np
import pytest
import torch
from aeon.datasets import load_italy_power_demand
from sklearn.exceptions import NotFittedError
from skorch.callbacks import Callback, GradientNormClipping

from aeon_kd import DistilledClassifier, DistilledForecaster
from aeon_kd.methods import TSD, HintonKD, MemKD
from aeon_kd.students import build_student
from aeon_kd.testing import CentroidTeacher
from aeon_kd.training import TrainingDivergedError, TrainingInterruptedWarning


@pytest.fixture(scope="module")
def data():
    X, y = load_italy_power_demand(split="train")
    X_test, _ = load_italy_power_demand(split="test")
    return X, y, X_test[:200]


def _clf(**params):
    # a labelled split and no transfer set, so batches per epoch are easy to count
    base = {"method": "kd", "student": "cnn", "max_epochs": 6, "patience": 100,
            "batch_size": 16, "random_state": 0, "transfer_size": 0, "lr": 5e-3,
            "validation_size": 0.2, "lr_schedule": None, "optimizer": "adam"}  # fmt: skip
    return DistilledClassifier(**{**base, **params})


class InterruptAt:
    """Wraps a method's loss_terms to raise KeyboardInterrupt at training step ``n``."""

    def __init__(self, monkeypatch, n, method_class=HintonKD):
        self.calls = 0
        original = method_class.loss_terms

        def loss_terms(method, batch):
            if batch.training:
                self.calls += 1
                if self.calls == n:
                    raise KeyboardInterrupt
            return original(method, batch)

        monkeypatch.setattr(method_class, "loss_terms", loss_terms)


def _steps_per_epoch(n_train, batch_size=16):
    return -(-n_train // batch_size)


# -- divergence ----------------------------------------------------------------------


def test_a_diverging_term_names_itself_and_the_epoch(data, monkeypatch):
    X, y, _ = data
    original = HintonKD.loss_terms
    calls = {"n": 0}

    def exploding(method, batch):
        terms = original(method, batch)
        if batch.training:
            calls["n"] += 1
            if calls["n"] == 6:  # the second batch of epoch 2 (4 batches per epoch)
                terms["kd"] = terms["kd"] * float("nan")
        return terms

    monkeypatch.setattr(HintonKD, "loss_terms", exploding)
    clf = _clf()
    with pytest.raises(TrainingDivergedError, match=r"'kd' loss term became nan at batch 2 "
                       r"of epoch 2 \(lr=0.005\).*Lower lr"):
        clf.fit(X, y, teacher=CentroidTeacher())
    with pytest.raises(NotFittedError):
        clf.predict(X)


def linear_student(n_channels, n_outputs):
    return torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(n_channels * 24, n_outputs))


def test_a_huge_learning_rate_is_caught_as_divergence_of_the_task_loss(data):
    X, y, _ = data
    X = X * 1e18  # finite input; a linear student's logits overflow after a few steps
    with pytest.raises(TrainingDivergedError, match="'task' loss term became (nan|inf)"):
        DistilledClassifier(method="none", student=linear_student, max_epochs=5, lr=1e30,
                            random_state=0).fit(X, y)


# -- interruption ----------------------------------------------------------------------


def test_interrupt_in_the_first_epoch_leaves_the_estimator_unfitted(data, monkeypatch):
    X, y, _ = data
    InterruptAt(monkeypatch, 2)
    clf = _clf()
    with pytest.raises(KeyboardInterrupt):
        clf.fit(X, y, teacher=CentroidTeacher())
    assert not clf.is_fitted
    with pytest.raises(NotFittedError):
        clf.predict_proba(X)


def test_interrupt_later_keeps_the_best_completed_epoch(data, monkeypatch):
    X, y, X_test = data
    steps = _steps_per_epoch(int(len(X) * 0.8))
    InterruptAt(monkeypatch, 3 * steps + 2)  # inside epoch 4
    clf = _clf()
    with pytest.warns(TrainingInterruptedWarning, match="after 3 completed epoch"):
        clf.fit(X, y, teacher=CentroidTeacher())
    assert clf.is_fitted
    assert len(clf.history_) == 3
    assert all("valid_loss" in row for row in clf.history_)
    losses = [row["valid_loss"] for row in clf.history_]
    best_epoch = int(np.argmin(losses)) + 1
    # the weights are those of the best completed epoch: retrain 3 epochs to compare
    reference = _clf(max_epochs=best_epoch).fit(X, y, teacher=CentroidTeacher())
    np.testing.assert_allclose(clf.predict_proba(X_test), reference.predict_proba(X_test),
                               atol=1e-6)
    assert np.all(np.isfinite(clf.predict_proba(X_test)))


# -- checkpoint and resume ---------------------------------------------------------------


def test_resumed_fit_equals_an_uninterrupted_one(data, tmp_path, monkeypatch):
    X, y, X_test = data
    uninterrupted = _clf().fit(X, y, teacher=CentroidTeacher())

    steps = _steps_per_epoch(int(len(X) * 0.8))
    with monkeypatch.context() as patch:
        InterruptAt(patch, 2 * steps + 3)  # inside epoch 3
        with pytest.warns(TrainingInterruptedWarning):
            _clf(checkpoint_dir=tmp_path).fit(X, y, teacher=CentroidTeacher())
    assert (tmp_path / "training_state.pt").exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["training_state.pt"]

    resumed = _clf(checkpoint_dir=tmp_path).fit(X, y, teacher=CentroidTeacher())
    assert len(resumed.history_) == 6
    np.testing.assert_array_equal(resumed.predict_proba(X_test),
                                  uninterrupted.predict_proba(X_test))
    assert [r["train_loss"] for r in resumed.history_] == pytest.approx(
        [r["train_loss"] for r in uninterrupted.history_], abs=1e-6
    )


@pytest.mark.parametrize("method_class", [TSD, MemKD])
def test_methods_drawing_during_training_resume_to_the_uninterrupted_fit(
    data, tmp_path, monkeypatch, method_class
):
    # TSD's windows and MemKD's spans come from the method's own generator: its state
    # is saved in the checkpoint, so a resumed fit draws what an uninterrupted one does
    X, y, X_test = data
    X, y = X[:48], y[:48]
    if method_class is TSD:
        teacher, params = CentroidTeacher(), {"method": TSD(n_windows=4, bank_size=8)}
    else:
        torch.manual_seed(0)
        teacher = build_student("lstm", {"hidden_size": 8}, 1, 2, "classification").eval()
        params = {"method": MemKD(n_pairs=4), "student": "lstm"}
    uninterrupted = _clf(**params).fit(X, y, teacher=teacher)
    with monkeypatch.context() as patch:
        InterruptAt(patch, 2 * _steps_per_epoch(int(len(X) * 0.8)) + 1, method_class)
        with pytest.warns(TrainingInterruptedWarning):
            _clf(checkpoint_dir=tmp_path, **params).fit(X, y, teacher=teacher)
    resumed = _clf(checkpoint_dir=tmp_path, **params).fit(X, y, teacher=teacher)
    assert len(resumed.history_) == 6
    np.testing.assert_array_equal(resumed.predict_proba(X_test),
                                  uninterrupted.predict_proba(X_test))


def test_raising_max_epochs_continues_a_finished_fit(data, tmp_path):
    X, y, X_test = data
    first = _clf(max_epochs=3, checkpoint_dir=tmp_path).fit(X, y, teacher=CentroidTeacher())
    again = _clf(max_epochs=3, checkpoint_dir=tmp_path).fit(X, y, teacher=CentroidTeacher())
    np.testing.assert_array_equal(first.predict_proba(X_test), again.predict_proba(X_test))
    longer = _clf(max_epochs=6, checkpoint_dir=tmp_path).fit(X, y, teacher=CentroidTeacher())
    assert len(longer.history_) == 6
    straight = _clf(max_epochs=6).fit(X, y, teacher=CentroidTeacher())
    np.testing.assert_array_equal(longer.predict_proba(X_test), straight.predict_proba(X_test))


def test_a_checkpoint_of_another_fit_is_refused_not_overwritten(data, tmp_path):
    X, y, _ = data
    _clf(max_epochs=2, checkpoint_dir=tmp_path).fit(X, y, teacher=CentroidTeacher())
    saved = (tmp_path / "training_state.pt").read_bytes()
    with pytest.raises(ValueError, match="holds the training state of a different fit"):
        _clf(max_epochs=2, lr=1e-2, checkpoint_dir=tmp_path).fit(
            X, y, teacher=CentroidTeacher()
        )
    with pytest.raises(ValueError, match="different fit"):
        _clf(max_epochs=2, checkpoint_dir=tmp_path).fit(X[:50], y[:50],
                                                        teacher=CentroidTeacher())
    assert (tmp_path / "training_state.pt").read_bytes() == saved


def test_early_stopped_fit_resumes_to_the_same_best_weights(data, tmp_path):
    X, y, X_test = data
    params = {"max_epochs": 40, "patience": 2, "checkpoint_dir": tmp_path / "new"}
    first = _clf(**params).fit(X, y, teacher=CentroidTeacher())
    assert len(first.history_) < 40  # early stopping ended it
    again = _clf(**params).fit(X, y, teacher=CentroidTeacher())
    assert len(again.history_) == len(first.history_)
    np.testing.assert_array_equal(first.predict_proba(X_test), again.predict_proba(X_test))


def test_forecaster_checkpoint_resumes(tmp_path):
    t = np.arange(500)
    series = np.sin(t / 7.0) + 0.1 * np.cos(t / 3.0)
    params = {"method": "none", "window": 48, "horizon": 8, "patience": 100,
              "student_params": {"moving_avg": 5}, "random_state": 0}  # fmt: skip
    straight = DistilledForecaster(max_epochs=4, **params).fit(series)
    DistilledForecaster(max_epochs=2, checkpoint_dir=tmp_path, **params).fit(series)
    resumed = DistilledForecaster(max_epochs=4, checkpoint_dir=tmp_path, **params).fit(series)
    windows = np.stack([series[i:i + 48] for i in range(0, 400, 37)])[:, None, :]
    np.testing.assert_array_equal(resumed.forecast_windows(windows),
                                  straight.forecast_windows(windows))
    assert torch.equal(
        next(iter(resumed.student_.state_dict().values())),
        next(iter(straight.student_.state_dict().values())),
    )


def test_whole_batch_gathering_gives_the_tensors_of_the_per_row_path():
    # the trainer gathers a batch of cached teacher signals with one index per array;
    # it must hand the loss exactly what skorch's per-row fetch and torch's collate give
    from skorch.dataset import Dataset
    from torch.utils.data import default_collate

    from aeon_kd.training._net import _collate, _RowBatches

    rng = np.random.default_rng(0)
    X = {"X": rng.normal(size=(10, 2, 7)).astype(np.float32), "index": np.arange(10),
         "teacher_features": rng.normal(size=(10, 2, 300)).astype(np.float32),
         "labelled": rng.random(10) < 0.5}  # fmt: skip
    for y in (rng.integers(0, 3, size=10), rng.normal(size=(10, 2, 4))):
        rows = [7, 2, 2, 9]
        per_row = default_collate([Dataset(X, y)[i] for i in rows])
        batched = _collate(_RowBatches(X, y).__getitems__(rows))
        for key, value in per_row[0].items():
            assert batched[0][key].dtype == value.dtype
            assert torch.equal(batched[0][key], value)
        assert batched[1].dtype == per_row[1].dtype and torch.equal(batched[1], per_row[1])
    # prediction has no y: skorch's per-row path, collated as torch does
    items = _RowBatches(X["X"], None).__getitems__([0, 1])
    assert isinstance(items, list)
    assert torch.equal(_collate(items)[0], torch.as_tensor(X["X"][:2]))


# -- exploding gradients of recurrent students ---------------------------------------


class GradientNormRecorder(Callback):
    """Records the gradient norm each step sees after the callbacks before it."""

    def on_grad_computed(self, net, named_parameters, **kwargs):
        grads = [p.grad.detach() for _, p in named_parameters if p.grad is not None]
        net.history.record_batch("grad_norm", float(torch.linalg.vector_norm(
            torch.stack([torch.linalg.vector_norm(g) for g in grads]))))


def _largest_gradient_norm(data, student, callbacks):
    X, y, _ = data
    # unscaled, amplified input and a one-hot-confident start: gradients well above 1
    clf = DistilledClassifier(method="none", student=student, max_epochs=3, batch_size=16,
                              normalize=None, lr=1e-3, random_state=0,
                              callbacks=callbacks).fit(X * 50, y)  # fmt: skip
    return max(max(batch["grad_norm"] for batch in epoch["batches"]) for epoch in clf.history_)


def test_recurrent_students_clip_their_gradient_norm_and_others_do_not(data):
    from aeon_kd.training._net import RECURRENT_GRADIENT_CLIP

    assert _largest_gradient_norm(data, "lstm", [GradientNormRecorder()]) <= (
        RECURRENT_GRADIENT_CLIP * (1 + 1e-5))
    assert _largest_gradient_norm(data, "gru", [GradientNormRecorder()]) <= (
        RECURRENT_GRADIENT_CLIP * (1 + 1e-5))
    # the same input leaves a student without recurrent layers unbounded
    assert _largest_gradient_norm(data, linear_student, [GradientNormRecorder()]) > 10 * (
        RECURRENT_GRADIENT_CLIP)


def test_a_users_gradient_clipping_replaces_the_recurrent_bound(data):
    from aeon_kd.training._net import _gradient_clipping

    tight = [GradientNormClipping(0.05), GradientNormRecorder()]
    assert _largest_gradient_norm(data, "lstm", tight) <= 0.05 * (1 + 1e-5)
    lstm, cnn = build_student("lstm", None, 1, 2), build_student("cnn", None, 1, 2)
    assert [name for name, _ in _gradient_clipping(lstm, None)] == ["gradient_clipping"]
    assert _gradient_clipping(lstm, [("mine", GradientNormClipping(5.0))]) == []
    assert _gradient_clipping(cnn, None) == []
