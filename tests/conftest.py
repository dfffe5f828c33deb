import warnings

import numpy as np
import pytest
import torch

torch.set_num_threads(1)
warnings.filterwarnings("ignore", category=DeprecationWarning)

#: small, fast training settings for tests
FAST = {"max_epochs": 3, "batch_size": 8, "student_params": {"hidden_size": 4}, "random_state": 0}


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
