"""Every method's loss stays finite with extreme teacher logits and near-zero states."""

import numpy as np
import pytest
import torch
from torch import nn

from aeon_kd import DistilledClassifier, list_methods
from aeon_kd.students import RecurrentStudent

CLASSIFICATION_METHODS = [
    name for name, info in list_methods().items() if "classification" in info["tasks"]
]


class ExtremeTeacher(nn.Module):
    """A white-box teacher whose logits are huge and whose hidden states are ~0."""

    def __init__(self, logit_scale, state_scale, n_channels=2, n_classes=3):
        super().__init__()
        torch.manual_seed(0)
        self.base = RecurrentStudent(n_channels, n_classes, hidden_size=8)
        self.logit_scale, self.state_scale = logit_scale, state_scale

    def forward_signals(self, x):
        out = self.base.forward_signals(x)
        return {
            "logits": out["logits"] * self.logit_scale,
            "hidden": out["hidden"] * self.state_scale,
            "features": out["features"] * self.state_scale,
        }

    def forward(self, x):
        return self.forward_signals(x)["logits"]


def _problem():
    rng = np.random.default_rng(0)
    y = np.arange(30) % 3
    X = rng.normal(scale=0.3, size=(30, 2, 16))
    X[:, :, 4:10] += y[:, None, None]
    return X, y


@pytest.mark.parametrize("method", CLASSIFICATION_METHODS)
@pytest.mark.parametrize(
    "logit_scale, state_scale",
    [(1e4, 1.0), (1.0, 1e-30), (1e4, 0.0), (-1e4, 1e-30)],
    ids=["huge-logits", "tiny-states", "one-hot-and-zero-states", "negative-huge"],
)
def test_loss_terms_stay_finite(method, logit_scale, state_scale):
    X, y = _problem()
    extra = {"X_target": 1.5 * X[::2] + 0.5} if list_methods()[method]["target_data"] else {}
    clf = DistilledClassifier(
        method=method, student="lstm", student_params={"hidden_size": 4}, max_epochs=2,
        batch_size=8, random_state=0,
    )
    # a NaN or inf term would raise TrainingDivergedError, naming the term
    clf.fit(X, y, teacher=ExtremeTeacher(logit_scale, state_scale), **extra)
    for row in clf.history_:
        for key, value in row.items():
            if key.startswith(("train_", "valid_")) and isinstance(value, float):
                assert np.isfinite(value), (key, value)
    assert np.all(np.isfinite(clf.predict_proba(X)))
