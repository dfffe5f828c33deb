import importlib.util
import os
import warnings

import numpy as np
import pytest
import torch

torch.set_num_threads(1)
warnings.filterwarnings("ignore", category=DeprecationWarning)

#: small, fast training settings for tests of the training mechanics: a tiny LSTM with a
#: labelled validation split, early stopping and no transfer set (the settings before the
#: default recipe; tests/test_recipe.py covers the defaults)
FAST = {"max_epochs": 3, "batch_size": 8, "student": "lstm", "student_params": {"hidden_size": 4},
        "random_state": 0, "validation_size": 0.2, "patience": 20, "transfer_size": 0,
        "lr_schedule": None, "lr": 5e-3, "optimizer": "adam", "normalize": None}


def make_data(n=24, n_channels=1, length=12, n_classes=2, seed=0, labels=None):
    """Separable toy collection: class k has a bump of height k."""
    rng = np.random.default_rng(seed)
    y_index = np.arange(n) % n_classes
    X = rng.normal(scale=0.3, size=(n, n_channels, length))
    X[:, :, length // 3 : 2 * length // 3] += y_index[:, None, None]
    labels = np.array(labels if labels is not None else [f"c{k}" for k in range(n_classes)])
    return X, labels[y_index]


@pytest.fixture
def data():
    return make_data()


@pytest.fixture
def data3():
    return make_data(n=30, n_classes=3)


def load_benchmark_script(name):
    """The module ``benchmarks/<name>.py``: the scripts are not a package."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), os.pardir,
                        "benchmarks", f"{name}.py")  # fmt: skip
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
