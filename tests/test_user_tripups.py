"""Regression tests for what a new user tripped over (issue 17), one test per item."""

import builtins
import io
import os
import subprocess
import sys
import warnings

import numpy as np
import pytest
import torch
from sklearn.model_selection import GridSearchCV

from aeon_kd import DistilledClassifier, DistilledForecaster
from aeon_kd.methods import HintonKD
from aeon_kd.testing import CentroidTeacher
from aeon_kd.training import StudentCollapseWarning
from aeon_kd.training._progress import output_kind, progress_callbacks
from tests.conftest import FAST, make_data

# a short default-recipe fit: the LITE student, no transfer set
QUICK = {"max_epochs": 20, "transfer_size": 0, "random_state": 0}


class _Kernel:
    """Stands in for IPython's kernel shell: skorch and tqdm look at its class name."""


_Kernel.__name__ = "ZMQInteractiveShell"


@pytest.fixture
def notebook_without_widgets(monkeypatch):
    """A Jupyter kernel (get_ipython in builtins) whose ipywidgets import fails."""
    monkeypatch.setattr(builtins, "get_ipython", lambda: _Kernel(), raising=False)
    monkeypatch.setitem(sys.modules, "ipywidgets", None)


# 1 -- verbose=True in a notebook without ipywidgets
def test_verbose_fit_in_a_notebook_without_ipywidgets_trains(notebook_without_widgets, capsys):
    from skorch.callbacks import ProgressBar

    assert ProgressBar()._use_notebook()  # what killed fit: a widget bar, no ipywidgets
    assert output_kind() == "notebook-text"
    X, y = make_data()
    clf = DistilledClassifier(method="none", **{**FAST, "max_epochs": 2}, verbose=True)
    clf.fit(X, y)
    assert len(clf.history_) == 2
    assert "train_loss" in capsys.readouterr().out  # the per-epoch table was printed


# 15 -- a bar on a terminal or in a notebook, plain lines in a log
def test_progress_bar_only_where_it_can_be_drawn(monkeypatch):
    class Terminal(io.StringIO):
        def isatty(self):
            return True

    assert progress_callbacks(True, stream=io.StringIO()) == []  # a file or a pipe
    (name, bar), = progress_callbacks(True, stream=Terminal())
    assert name == "progress" and bar.detect_notebook is False
    assert progress_callbacks(False, stream=Terminal()) == []
    monkeypatch.setattr(builtins, "get_ipython", lambda: _Kernel(), raising=False)
    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    assert progress_callbacks(True)[0][1].detect_notebook is False  # text bar, no widget


def test_verbose_fit_into_a_log_prints_lines_without_bars(capfd):
    X, y = make_data()
    DistilledClassifier(method="none", **{**FAST, "max_epochs": 2}, verbose=True).fit(X, y)
    out, err = capfd.readouterr()  # pytest's captured streams are not terminals
    assert out.count("\n") >= 4 and "train_loss" in out
    assert "it/s" not in err and "\r" not in err


# 2 -- a collapsed student is never returned silently
def test_student_that_learns_nothing_warns_and_names_lr():
    X, y = make_data(n=40)
    with pytest.warns(StudentCollapseWarning, match="majority class") as caught:
        DistilledClassifier(method="none", **{**FAST, "lr": 1e6, "max_epochs": 3}).fit(X, y)
    message = str(caught[0].message)
    assert "lr=1000000.0" in message and "first suspect" in message
    assert caught[0].filename == __file__  # points at the user's call
    assert "max_epochs=3" in message  # it used its whole budget


def test_collapse_warning_names_patience_when_early_stopping_ended_the_fit():
    X, y = make_data(n=40)
    params = {**FAST, "lr": 1e6, "max_epochs": 60, "patience": 2}
    with pytest.warns(StudentCollapseWarning, match="majority class") as caught:
        clf = DistilledClassifier(method="none", **params).fit(X, y)
    assert len(clf.history_) < 60
    message = str(caught[0].message)
    assert f"early stopping ended it after {len(clf.history_)} of 60 epochs" in message
    assert "patience=2" in message and "max_epochs=60" not in message


def test_student_that_learns_does_not_warn():
    X, y = make_data(n=40)
    with warnings.catch_warnings():
        warnings.simplefilter("error", StudentCollapseWarning)
        clf = DistilledClassifier(method="none", **QUICK).fit(X, y)
    assert clf.score(X, y) > 0.9


# 3 -- a split that cannot be made is said, in both estimators
@pytest.mark.parametrize("size", [0.99, 0.2])
def test_classifier_says_when_it_cannot_take_the_validation_split(size):
    X, y = make_data(n=24)
    if size == 0.2:  # one series in a class
        y = y.copy()
        y[0] = "lonely"
    with pytest.warns(UserWarning, match="cannot be stratified"):
        clf = DistilledClassifier(
            method="kd", **{**FAST, "validation_size": size}
        ).fit(X, y, teacher=CentroidTeacher())
    assert clf.fidelity_on_ == "training series" and clf.teacher_agreement_ is not None


def test_forecaster_says_when_it_cannot_take_the_validation_tail():
    y = np.sin(np.arange(60) / 3.0)
    fc = DistilledForecaster(window=8, horizon=2, validation_size=0.99, max_epochs=2,
                             student_params={"moving_avg": 3}, random_state=0)  # fmt: skip
    with pytest.warns(UserWarning, match="without one"):
        fc.fit(y)
    assert np.isfinite(fc.predict(y)).all()


# 4 -- parameters of a method given by name are tunable
def test_grid_search_over_parameters_of_a_method_given_by_name():
    X, y = make_data(n=24)
    clf = DistilledClassifier(method="kd", teacher=CentroidTeacher(), **FAST)
    search = GridSearchCV(clf, {"method__temperature": [2.0, 4.0]}, cv=2).fit(X, y)
    assert search.best_params_["method__temperature"] in (2.0, 4.0)
    assert isinstance(search.best_estimator_.method, HintonKD)
    assert clf.method == "kd"  # the user's estimator is left as it was
    both = DistilledClassifier().set_params(method="dkd", method__beta=2.0)
    assert type(both.method).__name__ == "DKD" and both.method.beta == 2.0


# 5 -- a teacher's NaN outputs are the teacher's fault
class _NaNTeacher(torch.nn.Module):
    def __init__(self, length):
        super().__init__()
        self.linear = torch.nn.Linear(length, 2)

    def forward(self, x):
        return self.linear(x.flatten(1)) * float("nan")


def test_nan_teacher_logits_name_the_teacher_not_the_student():
    X, y = make_data()
    with pytest.raises(ValueError, match="The teacher _NaNTeacher returned") as info:
        DistilledClassifier(method="kd", **FAST).fit(X, y, teacher=_NaNTeacher(12))
    assert "lr" not in str(info.value)


def test_nan_teacher_probabilities_name_the_teacher():
    class NaNProba(CentroidTeacher):
        def predict_proba(self, X):
            return np.full((len(X), len(self.classes_)), np.nan)

    X, y = make_data()
    with pytest.raises(ValueError, match="teacher NaNProba returned"):
        DistilledClassifier(method="kd", **FAST).fit(X, y, teacher=NaNProba().fit(X, y))


# 6 -- a teacher that cannot take the series says so
def test_torch_teacher_for_other_channels_is_named():
    X, y = make_data(n_channels=1)
    wrong = torch.nn.Sequential(torch.nn.Flatten(), torch.nn.Linear(24, 2))  # 2 x 12 input
    with pytest.raises(ValueError, match="The teacher Sequential failed on series of shape"):
        DistilledClassifier(method="kd", **FAST).fit(X, y, teacher=wrong)


def test_aeon_teacher_fitted_on_another_length_is_named():
    from aeon.classification.interval_based import QUANTClassifier

    X, y = make_data(length=24)
    teacher = QUANTClassifier(random_state=0).fit(X[:, :, :16], y)
    with pytest.raises(ValueError) as info:
        DistilledClassifier(method="kd", **FAST).fit(X, y, teacher=teacher)
    message = str(info.value)
    assert message.startswith("The teacher QUANTClassifier failed")
    assert "1 channel(s) x 16 timepoints" in message and "('" not in message


# 7 -- students of the other task are refused by name, before any work
def test_forecasting_student_is_refused_by_a_classifier_before_the_teacher_fits():
    X, y = make_data()
    teacher = CentroidTeacher()
    with pytest.raises(ValueError, match="'dmlp' is a forecasting student") as info:
        DistilledClassifier(**{**FAST, "student": "dmlp"}).fit(
            X, y, teacher=teacher
        )
    assert "'lite'" in str(info.value)
    assert not hasattr(teacher, "classes_")  # refused before the teacher was fitted


def test_classification_student_is_refused_by_a_forecaster():
    with pytest.raises(ValueError, match="'lstm' is a classification student"):
        DistilledForecaster(window=8, horizon=2, student="lstm").fit(np.arange(60.0))


# 8 -- devices are checked before any work
@pytest.mark.parametrize("device, words", [("gpu", "not a torch device"),
                                           ("cuda:7", "CUDA")])  # fmt: skip
def test_unavailable_device_is_refused_before_the_teacher_fits(device, words):
    if device.startswith("cuda") and torch.cuda.device_count() > 7:
        pytest.fail("this test assumes fewer than 8 GPUs")
    _refused_before_any_work({"device": device}, words)


def _refused_before_any_work(params, words):
    """Both estimators refuse ``params`` with ``words``; the classifier's teacher unfitted."""
    X, y = make_data()
    teacher = CentroidTeacher()
    with pytest.raises(ValueError, match=words):
        DistilledClassifier(**{**FAST, **params}).fit(X, y, teacher=teacher)
    assert not hasattr(teacher, "classes_")
    with pytest.raises(ValueError, match=words):
        DistilledForecaster(window=8, horizon=2, **params).fit(np.arange(60.0))


# 9 and 13 -- export names the user's path; files get the user's mode
@pytest.fixture(scope="module")
def fitted():
    X, y = make_data()
    return DistilledClassifier(method="none", **FAST).fit(X, y), X


def test_export_to_an_unwritable_place_names_the_given_path(fitted, tmp_path):
    clf, _ = fitted
    target = "/proc/student.onnx"
    with pytest.raises(OSError) as info:
        clf.export(target, format="torchscript")
    assert target in str(info.value) and ".tmp" not in str(info.value)


def test_exported_file_gets_the_users_mode(fitted, tmp_path):
    clf, _ = fitted
    old = os.umask(0o022)
    try:
        path = clf.export(tmp_path / "student.pt", format="torchscript")
    finally:
        os.umask(old)
    assert oct(os.stat(path).st_mode & 0o777) == oct(0o644)


# 10 -- the CLI refuses bad numbers before loading anything
@pytest.mark.parametrize("args", [["--max-epochs", "0"], ["--resample-length", "-3"],
                                  ["--budget", "0"]])  # fmt: skip
def test_cli_rejects_bad_numbers_while_parsing(args, capsys, monkeypatch):
    from aeon_kd import cli

    def loading(*a, **k):
        raise AssertionError("the dataset was loaded")

    monkeypatch.setattr("aeon_kd.datasets.load_classification_dataset", loading)
    with pytest.raises(SystemExit) as info:
        cli.main(["distill", "--dataset", "GunPoint", *args])
    assert info.value.code == 2
    assert args[0] in capsys.readouterr().err


# 11 -- "slower", never "0.8x faster"
def test_report_says_slower_for_a_slower_student():
    from aeon_kd.deploy import DistillationReport

    student = {"model": "student", "parameters": 10, "bytes": 100, "macs_per_series": 20,
               "latency_ms_batch1": 1.25, "latency_ms_batch256": 0.01}  # fmt: skip
    teacher = {**student, "model": "teacher", "bytes": 1000, "latency_ms_batch1": 1.0}
    report = DistillationReport(student, teacher)
    text = str(report)
    assert "1.2x slower at batch 1" in text
    assert "0.8x faster" not in text and "10.0x smaller on disk" in text


# 12 -- import aeon_kd and --help are cheap
def test_import_and_help_do_not_import_torch_or_aeon():
    code = (
        "import sys, aeon_kd\n"
        "from aeon_kd.cli import _parser\n"
        "_parser().format_help()\n"
        "heavy = [m for m in ('torch', 'aeon', 'sklearn', 'skorch') if m in sys.modules]\n"
        "print(','.join(heavy) or 'none')\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()  # fmt: skip
    assert out == "none"
    import aeon_kd

    assert aeon_kd.DistilledClassifier is DistilledClassifier
    assert "DistilledClassifier" in dir(aeon_kd)


# 14 -- the dependencies' deprecation noise is silenced inside library calls only
def test_teacher_fits_do_not_leak_dependency_deprecation_warnings():
    from aeon.classification.interval_based import QUANTClassifier

    X, y = make_data(n=20, length=24)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        DistilledClassifier(method="kd", **FAST).fit(X, y, teacher=QUANTClassifier())
        warnings.warn("the user's own", DeprecationWarning, stacklevel=1)
    deprecations = [str(w.message) for w in caught if w.category is DeprecationWarning]
    assert deprecations == ["the user's own"]


# 16 -- what scikit-learn and aeon users expect
def test_predict_takes_other_lengths_when_resample_length_is_set():
    X, y = make_data(length=24)
    clf = DistilledClassifier(method="none", **FAST, resample_length=16).fit(X, y)
    longer = np.repeat(X, 2, axis=2)  # 48 steps
    assert clf.predict_proba(longer).shape == (len(X), 2)
    plain = DistilledClassifier(method="none", **FAST).fit(X, y)
    with pytest.raises(ValueError, match="fitted on length 24"):
        plain.predict(longer)


def test_predict_log_proba_is_the_log_of_predict_proba():
    X, y = make_data()
    clf = DistilledClassifier(method="none", **FAST).fit(X, y)
    log_p = clf.predict_log_proba(X)
    np.testing.assert_allclose(np.exp(log_p), clf.predict_proba(X), rtol=1e-5)
    assert np.isfinite(log_p).all()


def test_class_weight_shifts_the_student_towards_the_weighted_class():
    X, y = make_data(n=40)
    rng = np.random.default_rng(0)
    X = X + rng.normal(scale=1.5, size=X.shape)  # overlapping classes
    params = {**QUICK, "method": "none"}
    plain = DistilledClassifier(**params).fit(X, y)
    heavy = DistilledClassifier(**params, class_weight={"c1": 20.0}).fit(X, y)
    assert (heavy.predict(X) == "c1").mean() > (plain.predict(X) == "c1").mean()
    balanced = DistilledClassifier(**params, class_weight="balanced").fit(X, y)
    assert balanced.predict(X).shape == (40,)
    with pytest.raises(ValueError, match="not classes of y"):
        DistilledClassifier(**params, class_weight={"zebra": 2.0}).fit(X, y)


# a method's bad hyper-parameter is refused before any teacher work
@pytest.mark.parametrize("method, words", [(HintonKD(temperature=0), "temperature must be > 0"),
                                           (HintonKD(weight=-1.0), "weight must be a finite")])
def test_bad_method_parameters_are_refused_before_the_teacher_fits(method, words):
    X, y = make_data()
    teacher = CentroidTeacher()
    with pytest.raises(ValueError, match=words):
        DistilledClassifier(method=method, **FAST).fit(X, y, teacher=teacher)
    assert not hasattr(teacher, "classes_")


# int8 that would make a tiny student larger is not written
def test_quantize_keeps_the_float_file_where_int8_is_larger(tmp_path):
    from aeon_kd.deploy import load_student

    X, y = make_data()
    clf = DistilledClassifier(method="none", **QUICK).fit(X, y)  # the 3.7k-parameter LITE
    plain = clf.export(tmp_path / "float.onnx")
    with pytest.warns(UserWarning, match="quantize=True made the file larger"):
        shipped = clf.export(tmp_path / "int8.onnx", quantize=True)
    assert os.path.getsize(shipped) == os.path.getsize(plain)
    assert load_student(shipped).metadata["quantized"] is False
    assert sorted(p.name for p in tmp_path.iterdir()) == ["float.onnx", "int8.onnx"]


# optimizer keywords the optimizer rejects are refused by name before any teacher work
@pytest.mark.parametrize("params, words", [
    ({"betas": 3}, r"optimizer_params=\{'betas': 3\} are not accepted by Adam"),
    ({"momentum": 0.9}, "not accepted by Adam(W)?: .*momentum"),
    ({"weight_decay": -1.0}, "not accepted by Adam(W)?: .*weight_decay"),
    ({"lr": 0.1}, "must not set 'lr': pass it as lr="),
])  # fmt: skip
def test_bad_optimizer_params_are_refused_before_the_teacher_fits(params, words):
    _refused_before_any_work({"optimizer_params": params}, words)
    if "momentum" in params:  # fine for an optimizer that takes it
        X, y = make_data()
        DistilledClassifier(**{**FAST, "optimizer": "sgd"}, optimizer_params=params).fit(X, y)
