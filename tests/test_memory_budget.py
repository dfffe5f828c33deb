"""Large caches respect the memory budget: checked before allocation, chunked fills."""

import tracemalloc

import numpy as np
import pytest
import torch

from aeon_kd import DistilledClassifier, DistilledForecaster
from aeon_kd.methods import TSD
from aeon_kd.students import RecurrentStudent
from aeon_kd.testing import CentroidTeacher
from aeon_kd.training import MemoryBudgetError, memory_budget, set_memory_budget


def _problem(n=60, length=200, channels=2):
    rng = np.random.default_rng(0)
    y = np.arange(n) % 3
    X = rng.normal(size=(n, channels, length))
    X[:, :, 50:90] += y[:, None, None]
    return X, y


def _wide_teacher():
    torch.manual_seed(0)
    return RecurrentStudent(2, 3, hidden_size=64)


def test_hidden_state_cache_over_budget_stops_before_allocating():
    X, y = _problem()
    need = 60 * 200 * 64 * 4  # series x steps x units x float32 = 3.1 MB
    clf = DistilledClassifier(method="memkd", max_epochs=1, random_state=0)
    tracemalloc.start()
    try:
        with set_memory_budget("1MB"), pytest.raises(MemoryBudgetError) as err:
            clf.fit(X, y, teacher=_wide_teacher())
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    message = str(err.value)
    assert "Caching the teacher's" in message and "hidden" in message
    assert "(60 rows of hidden (200, 64)) needs 2.9 MB" in message
    assert "resample_length" in message and "set_memory_budget" in message
    assert peak < need  # the cache was never allocated
    assert not clf.is_fitted


def test_within_budget_the_chunked_cache_gives_the_same_student():
    X, y = _problem(n=45, length=40)
    X_test = X[:10]
    params = {"method": "memkd", "max_epochs": 2, "random_state": 0, "transfer_size": 0}
    with set_memory_budget(None):
        unlimited = DistilledClassifier(**params).fit(X, y, teacher=_wide_teacher())
    with set_memory_budget("2MB"):  # 45 x 40 x 64 x 4 = 0.46 MB fits
        tight = DistilledClassifier(**params).fit(X, y, teacher=_wide_teacher())
    np.testing.assert_array_equal(unlimited.predict_proba(X_test), tight.predict_proba(X_test))


def test_forecasting_windows_over_budget_name_stride():
    series = np.sin(np.arange(20000) / 10.0)
    fc = DistilledForecaster(method="none", window=336, horizon=96, max_epochs=1,
                             random_state=0)
    with set_memory_budget("10MB"), pytest.raises(MemoryBudgetError, match="stride="):
        fc.fit(series)
    # every 10th window fits
    with set_memory_budget("10MB"):
        fc.set_params(stride=10).fit(series)
    assert fc.is_fitted


def test_tsd_bank_over_budget_names_bank_size():
    X, y = _problem(n=30, length=50)
    clf = DistilledClassifier(method=TSD(bank_size=64), max_epochs=1, random_state=0,
                              transfer_size=0)
    with set_memory_budget("20kB"), pytest.raises(MemoryBudgetError, match="bank_size"):
        clf.fit(X, y, teacher=CentroidTeacher())


@pytest.mark.parametrize(
    "value, expected",
    [("8GB", 8 * 2**30), ("500MB", 500 * 2**20), ("1.5 GiB", int(1.5 * 2**30)),
     (1024, 1024), ("none", None), (None, None)],
)
def test_budget_values(value, expected):
    before = memory_budget()
    with set_memory_budget(value):
        assert memory_budget() == expected
    assert memory_budget() == before


@pytest.mark.parametrize("value", ["lots", -5, 0, "0MB", True])
def test_bad_budget_values_are_clear(value):
    with pytest.raises(ValueError, match="memory budget"):
        set_memory_budget(value)


def test_budget_from_the_environment():
    import subprocess
    import sys

    code = "from aeon_kd.training import memory_budget; print(memory_budget())"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env={"AEON_KD_MEMORY_BUDGET": "2GB", "PATH": ""}, check=True)
    assert out.stdout.strip() == str(2 * 2**30)
