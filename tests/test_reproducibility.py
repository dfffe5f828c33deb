"""Reproducibility, pickling, teachers left untouched, and concurrency, with real numbers.

* The same ``random_state`` gives bit-identical CPU outputs in separate Python processes
  (started with different ``PYTHONHASHSEED``), and different seeds give different ones.
* A pickled fitted estimator loads and predicts identically in a new process.
* The teacher passed in is never mutated: torch weights, buffers, ``training`` and
  ``requires_grad`` flags; a fitted aeon / scikit-learn / skorch teacher's state and
  parameters; an unfitted teacher stays unfitted (a clone is fitted).
* ``GridSearchCV`` with ``n_jobs=2`` scores exactly as with ``n_jobs=1``, and fits in
  parallel threads or loky processes equal sequential fits.

The cross-process checks run two child processes at once (torch and aeon imports cost
seconds each), every case and seed in each; pytest's process fits seed 0 too and
pickles its estimators for the children to load. The children start before the first
test and the tests that read their results come last in this file, so they run while
the in-process tests do.

Two failures this file found are fixed: an unfitted teacher with ``random_state=None``
is now cloned with the estimator's seed (``seeded_clone``), and fits that seed torch's
global generator hold one process-wide lock (``aeon_kd._seeding.seeded_torch``).
"""

import contextlib
import os
import pickle
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import joblib
import numpy as np
import pytest
import torch
from aeon.classification.interval_based import QUANTClassifier
from aeon.forecasting import NaiveForecaster, RegressionForecaster
from sklearn.ensemble import ExtraTreesClassifier
from sklearn.frozen import FrozenEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV
from skorch import NeuralNetClassifier
from torch import nn

from aeon_kd import DistilledClassifier, DistilledForecaster
from aeon_kd.students import RecurrentStudent, SignalTap
from aeon_kd.teachers import FORECAST_TEACHER_PARAMS, RecurrentTeacher
from aeon_kd.testing import CentroidTeacher
from tests.conftest import FAST, make_data

# aeon's QUANT hands torch tensors to numpy (a NumPy 2 deprecation, not aeon-kd's)
pytestmark = pytest.mark.filterwarnings("ignore:__array_wrap__:DeprecationWarning")

ROOT = Path(__file__).resolve().parents[1]

X_TRAIN, Y_TRAIN = make_data()
X_TEST = make_data(n=10, seed=7)[0]

SMALL_FORECAST = {
    "window": 24,
    "horizon": 8,
    "max_epochs": 3,
    "batch_size": 16,
    "student_params": {"hidden_size": 8, "moving_avg": 5},
}
TINY_BUILTIN_TEACHERS = {
    "training": {"max_epochs": 2, "batch_size": 32, "lr": 1e-3, "patience": 5},
    "patchtst": {"d_model": 8, "n_heads": 2, "n_layers": 1, "d_ff": 16},
    "moderntcn": {"d_model": 8, "n_blocks": 1},
}


def _seasonal(n=240, seed=0):
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return np.sin(2 * np.pi * t / 12) + 0.01 * t + rng.normal(scale=0.05, size=n)


Y_SERIES = _seasonal()
WINDOWS_TEST = np.lib.stride_tricks.sliding_window_view(_seasonal(seed=3), 24)[::20][:, None, :]


# -- teachers, built identically in any process ----------------------------------------


def _seeded(build, seed=123):
    with torch.random.fork_rng(devices=[]):
        torch.manual_seed(seed)
        return build()


def _lstm_teacher():
    """White-box teacher with the signal protocol (logits, hidden, features)."""
    return _seeded(lambda: RecurrentStudent(1, 2, hidden_size=8))


class ConvTeacher(nn.Module):
    """A plain network without the signal protocol, with batch norm and dropout."""

    def __init__(self, n_channels=1, n_classes=2, width=6):
        super().__init__()
        self.conv = nn.Conv1d(n_channels, width, 3, padding=1)
        self.bn = nn.BatchNorm1d(width)
        self.drop = nn.Dropout(0.3)
        self.fc = nn.Linear(width, n_classes)

    def forward(self, x):
        return self.fc(self.drop(torch.relu(self.bn(self.conv(x)))).mean(dim=2))


def _tapped_teacher():
    return _seeded(lambda: SignalTap(ConvTeacher(), hidden_layer="bn", head_layer="fc"))


class ChannelMLP(nn.Module):
    """White-box forecasting teacher with features and dropout."""

    def __init__(self, window=24, horizon=8, width=10):
        super().__init__()
        self.hidden = nn.Linear(window, width)
        self.drop = nn.Dropout(0.2)
        self.head = nn.Linear(width, horizon)

    def forward_signals(self, x):
        features = self.drop(torch.relu(self.hidden(x)))
        return {"logits": self.head(features), "features": features}

    def forward(self, x):
        return self.forward_signals(x)["logits"]


def _channel_mlp():
    return _seeded(ChannelMLP)


def _quant(random_state=None):
    """aeon's QUANT with 20 trees instead of 200 (same code path, a tenth of the time)."""
    trees = ExtraTreesClassifier(n_estimators=20, max_features=0.1, criterion="entropy")
    return QUANTClassifier(estimator=trees, random_state=random_state)


@contextlib.contextmanager
def _tiny_builtin_teachers():
    saved = dict(FORECAST_TEACHER_PARAMS)
    FORECAST_TEACHER_PARAMS.update(TINY_BUILTIN_TEACHERS)
    try:
        yield
    finally:
        FORECAST_TEACHER_PARAMS.clear()
        FORECAST_TEACHER_PARAMS.update(saved)


# -- the cases: name -> seed -> (unfitted estimator, fit keyword arguments) -------------


def _clf(seed, **params):
    return DistilledClassifier(**{**FAST, "random_state": seed, **params})


def _fc(seed, **params):
    return DistilledForecaster(**{**SMALL_FORECAST, "random_state": seed, **params})


CASES = {
    "kd-centroid": lambda s: (_clf(s, method="kd", teacher=CentroidTeacher()), {}),
    # an unfitted aeon classifier, cloned and fitted in fit, out-of-fold soft labels
    "kd-quant-unfitted": lambda s: (_clf(s, method="kd", teacher=_quant()), {}),
    "kd-quant-unfitted-seeded": lambda s: (
        _clf(s, method="kd", teacher=_quant(random_state=5)),
        {},
    ),
    "tsd-torch": lambda s: (_clf(s, method="tsd", teacher=_lstm_teacher()), {}),
    "memkd-torch-fit-teacher": lambda s: (_clf(s, method="memkd"), {"teacher": _lstm_teacher()}),
    "memkd-signaltap": lambda s: (_clf(s, method="memkd", teacher=_tapped_teacher()), {}),
    "memkd-recurrent-unfitted": lambda s: (
        _clf(
            s, method="memkd", teacher=RecurrentTeacher(hidden_size=4, num_layers=1, max_epochs=2)
        ),
        {},
    ),
    # a student with dropout draws from torch's global generator while training
    "kd+memkd-dropout-student": lambda s: (
        _clf(
            s,
            method=["kd", "memkd"],
            teacher=_lstm_teacher(),
            student_params={"hidden_size": 4, "num_layers": 2, "dropout": 0.5},
        ),
        {},
    ),
    "forecast-kd-torch": lambda s: (_fc(s, method="kd", teacher=_channel_mlp()), {}),
    "forecast-timedistill-patchtst": lambda s: (
        _fc(s, method="timedistill", teacher="patchtst"),
        {},
    ),
}
#: cases that read module-level configuration (not for threads)
GLOBAL_CONFIG_CASES = {"forecast-timedistill-patchtst"}


def _outputs(estimator):
    if isinstance(estimator, DistilledClassifier):
        return estimator.predict_proba(X_TEST)
    return estimator.forecast_windows(WINDOWS_TEST)


def _fit(name, seed, made=None):
    """Fit case ``name`` at ``seed``; ``made`` is ``CASES[name](seed)`` built beforehand."""
    estimator, fit_kwargs = CASES[name](seed) if made is None else made
    data = (X_TRAIN, Y_TRAIN) if isinstance(estimator, DistilledClassifier) else (Y_SERIES,)
    if name in GLOBAL_CONFIG_CASES:
        with _tiny_builtin_teachers():
            return estimator.fit(*data, **fit_kwargs)
    return estimator.fit(*data, **fit_kwargs)


def _fit_outputs(name, seed, made=None):
    return _outputs(_fit(name, seed, made))


def _child_main(out_dir, pickle_dir):
    """Run in a fresh process: every case at seeds 0 and 1, then every pickle loaded."""
    torch.set_num_threads(1)  # as pytest's process (tests/conftest.py)
    out_dir, pickle_dir = Path(out_dir), Path(pickle_dir)
    fitted = {f"{name}@{seed}": _fit_outputs(name, seed) for name in CASES for seed in (0, 1)}
    np.savez(out_dir / "fitted.npz", **fitted)
    loaded = {}
    for path in sorted(pickle_dir.glob("*.pkl")):
        with open(path, "rb") as f:
            loaded[path.stem] = _outputs(pickle.load(f))
    np.savez(out_dir / "loaded.npz", **loaded)


def _start_child(out_dir, pickle_dir, hash_seed):
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); "
        "from tests.test_reproducibility import _child_main; _child_main(*sys.argv[2:])"
    )
    # a different hash seed in each process: set iteration order must not matter
    env = {**os.environ, "PYTHONHASHSEED": str(hash_seed)}
    with open(out_dir / "log.txt", "w") as log:
        return subprocess.Popen(
            [sys.executable, "-c", code, str(ROOT), str(out_dir), str(pickle_dir)],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


@pytest.fixture(scope="module", autouse=True)
def _children(request, tmp_path_factory):
    """Fit every case here, pickle it, and start the two child processes.

    Autouse, so the children (seconds of imports each) run while the in-process tests
    do; started only when a test of this module that needs them was collected.
    """
    module = sys.modules[__name__]
    if not any(
        "runs" in item.fixturenames and getattr(item, "module", None) is module
        for item in request.session.items
    ):
        yield None
        return
    pickle_dir = tmp_path_factory.mktemp("pickles")
    here = {}
    for name in CASES:
        estimator = _fit(name, 0)
        here[name] = _outputs(estimator)
        with open(pickle_dir / f"{name}.pkl", "wb") as f:
            pickle.dump(estimator, f)
    children = []
    for hash_seed in (1, 2):
        out_dir = tmp_path_factory.mktemp(f"child{hash_seed}")
        children.append((out_dir, _start_child(out_dir, pickle_dir, hash_seed)))
    yield here, children
    for _, proc in children:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")
def runs(_children):
    """Outputs of pytest's process (seed 0) and of the two children (seeds 0 and 1)."""
    here, children = _children
    results = []
    for out_dir, proc in children:
        returncode = proc.wait(timeout=300)
        assert returncode == 0, (out_dir / "log.txt").read_text()[-5000:]
        results.append(
            {kind: dict(np.load(out_dir / f"{kind}.npz")) for kind in ("fitted", "loaded")}
        )
    return here, results


# -- 3. the teacher passed in is never mutated ------------------------------------------


def _torch_state(module):
    return {
        "tensors": {k: v.detach().clone() for k, v in module.state_dict().items()},
        "training": [m.training for m in module.modules()],
        "requires_grad": [p.requires_grad for p in module.parameters()],
        "grads": [None if p.grad is None else p.grad.clone() for p in module.parameters()],
    }


def _assert_torch_unchanged(module, before):
    """Weights and buffers (batch-norm statistics), flags and gradients as before."""
    after = _torch_state(module)
    assert after["tensors"].keys() == before["tensors"].keys()
    for key, value in before["tensors"].items():
        assert torch.equal(after["tensors"][key], value), key
    assert after["training"] == before["training"]
    assert after["requires_grad"] == before["requires_grad"]
    for old, new in zip(before["grads"], after["grads"], strict=True):
        assert (old is None and new is None) or torch.equal(old, new)


TORCH_TEACHERS = {"lstm": _lstm_teacher, "signaltap-batchnorm-dropout": _tapped_teacher}


@pytest.mark.parametrize("how", ["fit", "constructor"])
@pytest.mark.parametrize("mode", ["train", "eval"])
@pytest.mark.parametrize("method", ["kd", "tsd", "memkd"])
@pytest.mark.parametrize("kind", list(TORCH_TEACHERS))
def test_torch_teacher_is_not_mutated(kind, method, mode, how):
    teacher = TORCH_TEACHERS[kind]()
    teacher.train(mode == "train")
    first = next(teacher.parameters())
    first.requires_grad_(False)  # a partly frozen teacher keeps its flags
    before = _torch_state(teacher)
    if how == "fit":
        clf = _clf(0, method=method).fit(X_TRAIN, Y_TRAIN, teacher=teacher)
        assert clf.teacher is None
    else:
        clf = _clf(0, method=method, teacher=teacher).fit(X_TRAIN, Y_TRAIN)
        assert clf.teacher is teacher
    _assert_torch_unchanged(teacher, before)
    assert teacher.training == (mode == "train")
    assert clf.teacher_ is teacher


def test_forecasting_torch_teacher_is_not_mutated():
    for mode in ("train", "eval"):
        teacher = _channel_mlp().train(mode == "train")
        before = _torch_state(teacher)
        _fc(0, method="timedistill").fit(Y_SERIES, teacher=teacher)
        _fc(0, method="kd", teacher=teacher).fit(Y_SERIES)
        _assert_torch_unchanged(teacher, before)


def _fitted_quant():
    return _quant(random_state=0).fit(X_TRAIN, Y_TRAIN)


FITTED_TEACHERS = {
    "centroid": lambda: CentroidTeacher().fit(X_TRAIN, Y_TRAIN),
    "sklearn-logistic": lambda: LogisticRegression().fit(X_TRAIN.reshape(24, -1), Y_TRAIN),
    "aeon-quant": _fitted_quant,
    "frozen-logistic": lambda: FrozenEstimator(
        LogisticRegression().fit(X_TRAIN.reshape(24, -1), Y_TRAIN)
    ),
    "frozen-aeon-quant": lambda: FrozenEstimator(_fitted_quant()),
}


def _estimator_state(estimator):
    return joblib.hash(estimator), joblib.hash(estimator.get_params(deep=True))


# QUANT's in-sample probabilities are one-hot: aeon-kd says so, which is right here
@pytest.mark.filterwarnings("ignore::aeon_kd.teachers.OneHotTeacherWarning")
@pytest.mark.parametrize("how", ["fit", "constructor"])
@pytest.mark.parametrize("kind", list(FITTED_TEACHERS))
def test_fitted_estimator_teacher_is_not_mutated(kind, how):
    teacher = FITTED_TEACHERS[kind]()
    before = _estimator_state(teacher)
    expected = teacher.predict_proba(X_TRAIN.reshape(24, -1) if "logistic" in kind else X_TRAIN)
    if how == "fit":
        clf = _clf(0, method="kd").fit(X_TRAIN, Y_TRAIN, teacher=teacher)
    else:
        clf = _clf(0, method="kd", teacher=teacher).fit(X_TRAIN, Y_TRAIN)
        assert clf.teacher is teacher
    assert clf.teacher_ is teacher
    assert _estimator_state(teacher) == before
    after = teacher.predict_proba(X_TRAIN.reshape(24, -1) if "logistic" in kind else X_TRAIN)
    assert np.array_equal(after, expected)


@pytest.mark.parametrize("how", ["fit", "constructor"])
def test_skorch_teacher_is_not_mutated(how):
    net = NeuralNetClassifier(
        _lstm_teacher(),
        max_epochs=2,
        train_split=None,
        verbose=0,
        criterion=nn.CrossEntropyLoss,
    )
    y_index = (Y_TRAIN == "c1").astype(np.int64)
    net.fit(X_TRAIN.astype(np.float32), y_index)
    net.module_.train()  # left in train mode by its user
    before_hash, before_module = joblib.hash(net), _torch_state(net.module_)
    n_epochs = len(net.history)
    for method in ("kd", "memkd"):
        if how == "fit":
            _clf(0, method=method).fit(X_TRAIN, y_index, teacher=net)
        else:
            _clf(0, method=method, teacher=net).fit(X_TRAIN, y_index)
    _assert_torch_unchanged(net.module_, before_module)
    assert len(net.history) == n_epochs
    assert joblib.hash(net) == before_hash


def _is_fitted(estimator):
    if hasattr(estimator, "is_fitted"):  # aeon
        return bool(estimator.is_fitted)
    return any(k.endswith("_") and not k.startswith("__") for k in vars(estimator))


UNFITTED_TEACHERS = {
    "centroid": (CentroidTeacher, "kd"),
    "aeon-quant": (_quant, "kd"),
    "recurrent": (lambda: RecurrentTeacher(hidden_size=4, num_layers=1, max_epochs=2), "memkd"),
}


@pytest.mark.parametrize(
    "kind, how",
    [(kind, how) for kind in UNFITTED_TEACHERS for how in ("fit", "constructor")],
)
def test_unfitted_teacher_stays_unfitted(kind, how):
    build, method = UNFITTED_TEACHERS[kind]
    teacher = build()
    before = _estimator_state(teacher)
    if how == "fit":
        clf = _clf(0, method=method).fit(X_TRAIN, Y_TRAIN, teacher=teacher)
    else:
        clf = _clf(0, method=method, teacher=teacher).fit(X_TRAIN, Y_TRAIN)
        assert clf.teacher is teacher
    assert not _is_fitted(teacher)
    assert _estimator_state(teacher) == before
    assert clf.teacher_ is not teacher and _is_fitted(clf.teacher_)
    assert type(clf.teacher_) is type(teacher)


def test_forecasting_aeon_teachers_are_not_mutated():
    fitted = RegressionForecaster(window=12).fit(Y_SERIES[:150])
    unfitted = NaiveForecaster(strategy="seasonal_last", seasonal_period=12)
    states = [_estimator_state(fitted), _estimator_state(unfitted)]
    # stride 4: a black-box teacher forecasts every window step by step, which is slow
    fc = _fc(0, method="kd", stride=4).fit(Y_SERIES, teacher=fitted)
    assert fc.teacher_ is fitted
    _fc(0, method="kd", stride=4, teacher=unfitted).fit(Y_SERIES)
    assert [_estimator_state(fitted), _estimator_state(unfitted)] == states
    assert not unfitted.is_fitted


# -- 4. concurrency ---------------------------------------------------------------------


def test_grid_search_with_two_jobs_scores_exactly_as_with_one():
    grid = [
        {"teacher": [CentroidTeacher()], "method": ["kd", "none"], "lr": [5e-3, 2e-2]},
        {"teacher": [_lstm_teacher()], "method": ["tsd", "memkd"]},
    ]
    results = []
    for n_jobs in (1, 2):
        search = GridSearchCV(
            _clf(0), grid, cv=3, n_jobs=n_jobs, scoring="neg_log_loss", error_score="raise"
        ).fit(X_TRAIN, Y_TRAIN)
        results.append(search)
    serial, parallel = results
    assert np.all(np.isfinite(serial.cv_results_["mean_test_score"]))
    for key in ["mean_test_score", *(f"split{i}_test_score" for i in range(3))]:
        assert np.array_equal(serial.cv_results_[key], parallel.cv_results_[key]), key
    assert serial.best_params_["method"] == parallel.best_params_["method"]
    assert np.array_equal(
        serial.best_estimator_.predict_proba(X_TEST), parallel.best_estimator_.predict_proba(X_TEST)
    )


def test_two_estimators_in_parallel_threads_equal_sequential_fits():
    # the dropout student makes every overlap visible; the others race on initialisation
    jobs = [("kd+memkd-dropout-student", 0), ("kd+memkd-dropout-student", 1)] + [
        (name, 0)
        for name in CASES
        if name not in GLOBAL_CONFIG_CASES and "quant" not in name and "dropout" not in name
    ]
    sequential = [_fit_outputs(name, seed) for name, seed in jobs]
    # estimators and teachers are built here: only fit and predict run in the threads
    made = [CASES[name](seed) for name, seed in jobs]
    with ThreadPoolExecutor(max_workers=2) as pool:
        threaded = list(pool.map(lambda job, case: _fit_outputs(*job, made=case), jobs, made))
    different = [
        job
        for job, a, b in zip(jobs, sequential, threaded, strict=True)
        if not np.array_equal(a, b)
    ]
    assert different == []


def test_fits_in_parallel_processes_equal_sequential_fits():
    jobs = [(name, seed) for name in CASES for seed in (0, 1)]
    sequential = [_fit_outputs(name, seed) for name, seed in jobs]
    parallel = joblib.Parallel(n_jobs=2, backend="loky")(
        joblib.delayed(_fit_outputs)(name, seed) for name, seed in jobs
    )
    different = [
        job
        for job, a, b in zip(jobs, sequential, parallel, strict=True)
        if not np.array_equal(a, b)
    ]
    assert different == []


# -- 1. same seed, same outputs, in any process; different seeds differ -----------------


@pytest.mark.parametrize("name", list(CASES))
def test_same_seed_gives_identical_outputs_across_processes(runs, name):
    here, (first, second) = runs
    for seed in (0, 1):
        key = f"{name}@{seed}"
        a, b = first["fitted"][key], second["fitted"][key]
        assert np.all(np.isfinite(a))
        assert np.array_equal(a, b), f"{key}: max diff {np.max(np.abs(a - b))}"
    assert np.array_equal(here[name], first["fitted"][f"{name}@0"])


@pytest.mark.parametrize("name", list(CASES))
def test_different_seeds_give_different_outputs(runs, name):
    _, (first, second) = runs
    for run in (first, second):
        assert not np.array_equal(run["fitted"][f"{name}@0"], run["fitted"][f"{name}@1"])


# -- 2. pickles load and predict identically in a new process ---------------------------


@pytest.mark.parametrize("name", list(CASES))
def test_pickled_estimator_predicts_identically_in_a_new_process(runs, name):
    here, (first, second) = runs
    for run in (first, second):
        assert np.array_equal(run["loaded"][name], here[name])
