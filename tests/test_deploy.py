"""Export (ONNX, TorchScript), int8 quantisation and the size/latency report."""

import os

import numpy as np
import onnxruntime as ort
import pytest
import torch
from aeon.datasets import load_italy_power_demand
from sklearn.exceptions import NotFittedError
from torch import nn

from aeon_kd import DistilledClassifier, DistilledForecaster
from aeon_kd.deploy import DistillationReport, count_macs, load_student
from aeon_kd.deploy import _export as export_module
from aeon_kd.testing import CentroidTeacher

FORMATS = ["onnx", "torchscript"]
CLASSIFIER_STUDENTS = ["lstm", "gru", "cnn", "adatime_cnn"]
FORECASTER_STUDENTS = ["dmlp", "mlp"]


@pytest.fixture(scope="module")
def italy():
    X, y = load_italy_power_demand(split="train")
    X_test, y_test = load_italy_power_demand(split="test")
    return X, y, X_test, y_test


@pytest.fixture(scope="module")
def multivariate():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 3, 30))
    y = np.array([10, 20, 30, 40] * 10)  # integer labels
    X[np.arange(40), (y // 10) % 3, :5] += y[:, None] / 10.0
    return X, y


def _fit_classifier(X, y, student, **params):
    return DistilledClassifier(
        method="none", student=student, max_epochs=3, random_state=0, **params
    ).fit(X, y)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("student", CLASSIFIER_STUDENTS)
def test_exported_classifier_matches_predict_proba(student, fmt, multivariate, tmp_path):
    X, y = multivariate
    clf = _fit_classifier(X, y, student)
    path = clf.export(tmp_path / f"student.{fmt}", format=fmt)
    shipped = load_student(path)

    assert shipped.format == fmt
    assert shipped.classes_.tolist() == [10, 20, 30, 40]
    assert shipped.metadata["input_shape"] == [None, 3, None]  # batch and length free
    assert shipped.metadata["student"] == student
    for batch in (X[:1], X[:7], X):  # batch size is dynamic
        np.testing.assert_allclose(shipped.predict_proba(batch), clf.predict_proba(batch),
                                   atol=1e-5)
    np.testing.assert_array_equal(shipped.predict(X), clf.predict(X))
    # another length: the exported model equals the student applied to that length
    longer = np.random.default_rng(1).standard_normal((5, 3, 47)).astype(np.float32)
    with torch.no_grad():
        want = torch.softmax(clf.student_(torch.from_numpy(longer)), dim=1).numpy()
    np.testing.assert_allclose(shipped.predict_proba(longer), want, atol=1e-5)


def test_recurrent_students_export_within_a_margin_that_grows_with_the_length(tmp_path):
    from aeon_kd.datasets import load_classification_dataset

    lstm = nn.LSTM(1, 4)
    assert export_module._parity_atol(nn.Conv1d(1, 1, 3), 350) == export_module._PARITY_ATOL
    assert export_module._parity_atol(lstm, 350) > export_module._parity_atol(lstm, 128) > (
        export_module._PARITY_ATOL)
    # the UCR grid's none@lstm on BME (128 steps, resample 0): ONNX Runtime's LSTM
    # differed from torch by 2e-5 in probability, over the 1e-5 allowed before
    X, y = load_classification_dataset("BME", "train")
    clf = DistilledClassifier(method="none", student="lstm", random_state=0).fit(X, y)
    shipped = load_student(clf.export(tmp_path / "student.onnx"))
    np.testing.assert_allclose(shipped.predict_proba(X), clf.predict_proba(X),
                               atol=export_module._parity_atol(lstm, X.shape[-1]))
    np.testing.assert_array_equal(shipped.predict(X), clf.predict(X))


@pytest.mark.parametrize("fmt", FORMATS)
def test_resample_length_is_inside_the_exported_graph(fmt, italy, tmp_path):
    X, y, X_test, _ = italy
    clf = _fit_classifier(X, y, "cnn", resample_length=40)
    shipped = load_student(clf.export(tmp_path / "s", format=fmt))
    assert shipped.metadata["resample_length"] == 40
    # raw 24-step series in, the same probabilities as the estimator (which resizes)
    np.testing.assert_allclose(shipped.predict_proba(X_test), clf.predict_proba(X_test),
                               atol=1e-5)


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("student", FORECASTER_STUDENTS)
def test_exported_forecaster_matches_forecast_windows(student, fmt, tmp_path):
    t = np.arange(400)
    y = np.stack([np.sin(t / 6.0), np.cos(t / 9.0)])
    fc = DistilledForecaster(
        method="none", student=student, window=48, horizon=12, max_epochs=2,
        student_params={"moving_avg": 5} if student == "dmlp" else None, random_state=0,
    ).fit(y)
    shipped = load_student(fc.export(tmp_path / f"f.{fmt}", format=fmt))
    windows = np.lib.stride_tricks.sliding_window_view(y, 48, axis=1)[:, ::17].transpose(1, 0, 2)
    assert shipped.metadata["input_shape"] == [None, 2, 48]
    assert (shipped.metadata["window"], shipped.metadata["horizon"]) == (48, 12)
    for batch in (windows[:1], windows):
        np.testing.assert_allclose(shipped.predict(batch), fc.forecast_windows(batch), atol=1e-5)
    with pytest.raises(ValueError, match="takes 48 time points"):
        shipped.predict(windows[:, :, :40])


def test_onnx_file_carries_labels_for_any_consumer(italy, tmp_path):
    X, y, X_test, _ = italy
    clf = _fit_classifier(X, y, "lstm")
    path = clf.export(tmp_path / "student.onnx")
    session = ort.InferenceSession(str(path))  # no aeon-kd needed to read it
    meta = session.get_modelmeta().custom_metadata_map
    assert meta["classes"] == '["1", "2"]'
    assert meta["task"] == "classification"
    assert [o.name for o in session.get_outputs()] == ["probabilities"]
    proba = session.run(None, {"series": X_test[:4].astype(np.float32)})[0]
    np.testing.assert_allclose(proba, clf.predict_proba(X_test[:4]), atol=1e-5)


class FixedLength(nn.Module):
    """A user student that only works at the training length (flatten + linear)."""

    def __init__(self, n_channels, n_outputs, length=24):
        super().__init__()
        self.net = nn.Sequential(nn.Flatten(), nn.Linear(n_channels * length, n_outputs))

    def forward(self, x):
        return self.net(x)


@pytest.mark.parametrize("fmt", FORMATS)
def test_fixed_length_student_is_exported_with_a_fixed_length(fmt, italy, tmp_path):
    X, y, X_test, _ = italy
    clf = _fit_classifier(X, y, FixedLength)
    shipped = load_student(clf.export(tmp_path / "fixed", format=fmt))
    assert shipped.metadata["input_shape"] == [None, 1, 24]
    np.testing.assert_allclose(shipped.predict_proba(X_test), clf.predict_proba(X_test),
                               atol=1e-5)
    with pytest.raises(ValueError, match="takes 24 time points, X has 30"):
        shipped.predict(np.zeros((2, 1, 30)))


@pytest.mark.parametrize("fmt", FORMATS)
def test_int8_quantisation_reports_accuracy_change_and_size(fmt, italy, tmp_path, capsys):
    X, y, X_test, y_test = italy
    # a student whose weights dominate the file (64-unit LSTM, 17k parameters): int8
    # cannot shrink the 1,250-parameter default, whose file is mostly graph and code
    clf = DistilledClassifier(
        method="none", student="lstm", student_params={"hidden_size": 64}, max_epochs=15,
        random_state=0,
    ).fit(X, y)
    float_path = clf.export(tmp_path / f"float.{fmt}", format=fmt)
    int8_path = clf.export(tmp_path / f"int8.{fmt}", format=fmt, quantize=True)
    float_acc = load_student(float_path).score(X_test, y_test)
    int8 = load_student(int8_path)
    int8_acc = int8.score(X_test, y_test)
    ratio = os.path.getsize(float_path) / os.path.getsize(int8_path)
    with capsys.disabled():
        print(
            f"\n[{fmt}] float {os.path.getsize(float_path):,} B, acc {float_acc:.4f}; "
            f"int8 {os.path.getsize(int8_path):,} B, acc {int8_acc:.4f}; "
            f"change {int8_acc - float_acc:+.4f}; {ratio:.2f}x smaller"
        )
    assert int8.metadata["quantized"] is True
    assert float_acc == pytest.approx(clf.score(X_test, y_test))
    assert float_acc > 0.9
    assert abs(int8_acc - float_acc) <= 0.02  # measured: ±0.001 on ItalyPowerDemand
    assert ratio > (2.0 if fmt == "onnx" else 1.3)  # measured: see the printed line


def test_export_before_fit_is_a_clear_error(tmp_path):
    with pytest.raises(NotFittedError, match="fit"):
        DistilledClassifier().export(tmp_path / "s.onnx")
    with pytest.raises(NotFittedError, match="fit"):
        DistilledForecaster(window=8, horizon=2).export(tmp_path / "f.onnx")
    assert list(tmp_path.iterdir()) == []


def test_bad_format_and_missing_folder_leave_nothing(italy, tmp_path):
    X, y, _, _ = italy
    clf = _fit_classifier(X, y, "cnn")
    with pytest.raises(ValueError, match="Unknown export format 'tflite'.*onnx"):
        clf.export(tmp_path / "s.tflite", format="tflite")
    with pytest.raises(FileNotFoundError, match="does not exist"):
        clf.export(tmp_path / "missing" / "s.onnx")
    with pytest.raises(IsADirectoryError, match="give a file name"):
        clf.export(tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_a_failed_export_keeps_the_old_file_and_no_temporary(italy, tmp_path, monkeypatch):
    X, y, _, _ = italy
    clf = _fit_classifier(X, y, "cnn")
    target = tmp_path / "s.onnx"
    target.write_bytes(b"previous")

    def broken(*args, **kwargs):
        raise RuntimeError("simulated mismatch")

    monkeypatch.setattr(export_module, "_verify", broken)
    with pytest.raises(RuntimeError, match="simulated"):
        clf.export(target)
    assert target.read_bytes() == b"previous"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.onnx"]


def test_export_does_not_touch_the_fitted_student(italy, tmp_path):
    X, y, X_test, _ = italy
    clf = _fit_classifier(X, y, "lstm")
    before = clf.predict_proba(X_test)
    state = {k: v.clone() for k, v in clf.student_.state_dict().items()}
    clf.export(tmp_path / "q.onnx", quantize=True)
    clf.export(tmp_path / "q.pt", format="torchscript", quantize=True)
    assert not clf.student_.training
    assert all(torch.equal(state[k], v) for k, v in clf.student_.state_dict().items())
    np.testing.assert_array_equal(clf.predict_proba(X_test), before)


def test_count_macs_golden_values():
    # LSTM: 4 gates x hidden x (input + hidden) per step; linear: in x out
    lstm = nn.LSTM(3, 8, batch_first=True)
    assert count_macs(lstm, torch.zeros(2, 10, 3)) == 10 * 4 * 8 * (3 + 8)
    gru = nn.GRU(2, 4, num_layers=2, batch_first=True, bidirectional=True)
    per_step = 3 * 4 * (2 + 4) * 2 + 3 * 4 * (8 + 4) * 2
    assert count_macs(gru, torch.zeros(1, 5, 2)) == 5 * per_step
    conv = nn.Conv1d(2, 6, kernel_size=3, padding=1)
    assert count_macs(conv, torch.zeros(4, 2, 20)) == 6 * 20 * 2 * 3


def test_report_with_a_black_box_teacher(italy):
    X, y, _, _ = italy
    clf = DistilledClassifier(method="kd", student="lstm", max_epochs=2, random_state=0)
    clf.fit(X, y, teacher=CentroidTeacher())
    report = clf.report(budget_s=0.02)
    assert isinstance(report, DistillationReport)
    teacher, student = report.teacher, report.student
    assert teacher["parameters"] is None and teacher["macs_per_series"] is None
    assert student["parameters"] == clf.n_student_params_ == 1250
    assert student["macs_per_series"] == 24 * 4 * 16 * (1 + 16) + 16 * 2
    for row in (teacher, student):
        assert row["bytes"] > 0
        assert row["latency_ms_batch1"] > 0 and row["latency_ms_batch256"] > 0
    assert report.compression["bytes"] == pytest.approx(teacher["bytes"] / student["bytes"])
    assert report.compression["parameters"] is None
    text = str(report)
    assert "MACs/series" in text and "CentroidTeacher (black-box)" in text
    on_disk = "smaller on disk" if report.compression["bytes"] >= 1 else "larger on disk"
    assert on_disk in text and "method: kd" in text
    frame = report.to_frame()
    assert list(frame.index) == [teacher["model"], student["model"]]
    assert report.to_dict()["compression"] == report.compression


def test_report_with_a_torch_teacher_counts_both_networks(italy):
    X, y, _, _ = italy
    torch.manual_seed(0)
    teacher = nn.Sequential(nn.Conv1d(1, 32, 3, padding=1), nn.ReLU(),
                            nn.AdaptiveAvgPool1d(1), nn.Flatten(), nn.Linear(32, 2))
    clf = DistilledClassifier(method="kd", student="cnn", max_epochs=2, random_state=0)
    clf.fit(X, y, teacher=teacher)
    report = clf.report(budget_s=0.02)
    assert report.teacher["parameters"] == sum(p.numel() for p in teacher.parameters())
    assert report.teacher["macs_per_series"] == 32 * 24 * 3 + 32 * 2
    assert report.compression["parameters"] == pytest.approx(
        report.teacher["parameters"] / clf.n_student_params_
    )
    assert report.compression["macs"] is not None


def test_report_without_teacher_and_for_a_forecaster():
    X, y = load_italy_power_demand(split="train")
    report = DistilledClassifier(method="none", max_epochs=1, random_state=0).fit(X, y).report(
        budget_s=0.01
    )
    assert report.teacher is None and report.compression["bytes"] is None
    assert "compression" not in str(report)

    from aeon.forecasting import NaiveForecaster

    series = np.sin(np.arange(300) / 5.0)
    fc = DistilledForecaster(method="kd", window=48, horizon=6, max_epochs=1, random_state=0,
                             student_params={"moving_avg": 5})
    fc.fit(series, teacher=NaiveForecaster())
    report = fc.report(budget_s=0.01)
    assert report.teacher["model"].startswith("teacher NaiveForecaster (black-box)")
    assert report.teacher["latency_ms_batch256"] > 0
