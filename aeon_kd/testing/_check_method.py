"""A quick contract check for authors of new methods."""

import numpy as np
import torch

__all__ = ["check_method"]


def check_method(method, n_classes=3, random_state=0):
    """Check that a method trains a student end to end without touching the teacher.

    Fits a :class:`~aeon_kd.DistilledClassifier` for two epochs on a tiny synthetic
    problem with a small white-box LSTM teacher (it gives logits, hidden states and
    features) and, for a method with ``uses_target_data``, unlabelled target series —
    or, for a method that is for forecasting only, a
    :class:`~aeon_kd.DistilledForecaster` on a two-channel seasonal series with a small
    white-box MLP teacher (forecasts and per-channel features) — and checks that every
    loss term the method declares is logged and finite,
    that predictions are valid, and that the teacher's weights, gradients and training
    mode are unchanged.

    Parameters
    ----------
    method : Method
        The method to check (registered or not).
    n_classes : int, default=3
        Classes of the synthetic problem (classification methods).
    random_state : int, default=0

    Returns
    -------
    DistilledClassifier or DistilledForecaster
        The fitted estimator, for further assertions.

    Raises
    ------
    AssertionError
        Saying which part of the contract failed.

    Examples
    --------
    >>> from aeon_kd.methods import HintonKD
    >>> from aeon_kd.testing import check_method
    >>> clf = check_method(HintonKD(temperature=2.0))
    >>> bool(clf.history_[-1]["train_kd"] >= 0)
    True
    """
    if "classification" not in method.tasks:
        return _check_forecasting_method(method, random_state)
    from aeon_kd import DistilledClassifier
    from aeon_kd.students import RecurrentStudent

    rng = np.random.default_rng(random_state)
    y_index = np.arange(10 * n_classes) % n_classes
    X = rng.normal(scale=0.3, size=(len(y_index), 2, 16))
    X[:, :, 4:10] += y_index[:, None, None]
    y = np.array([f"class{k}" for k in range(n_classes)])[y_index]

    # cross-domain methods also get unlabelled target series: the same classes seen
    # through a sensor with another gain and offset
    target = {"X_target": 1.5 * X[::2] + 0.5} if method.uses_target_data else {}

    torch.manual_seed(random_state)
    teacher = RecurrentStudent(2, n_classes, hidden_size=8)
    teacher.train()
    before = {k: v.clone() for k, v in teacher.state_dict().items()}
    clf = DistilledClassifier(
        teacher=teacher, method=method, student="lstm", max_epochs=2, batch_size=8,
        student_params={"hidden_size": 4}, random_state=random_state,
    ).fit(X, y, **target)

    _check_history(clf, method)
    proba = clf.predict_proba(X)
    assert proba.shape == (len(X), n_classes) and np.allclose(proba.sum(axis=1), 1.0)
    _check_teacher_untouched(teacher, before)
    return clf


def _check_forecasting_method(method, random_state):
    from aeon_kd import DistilledForecaster
    from aeon_kd.students import MLPStudent

    rng = np.random.default_rng(random_state)
    t = np.arange(160)
    y = np.stack([np.sin(2 * np.pi * t / 12), np.cos(2 * np.pi * t / 8)])
    y += rng.normal(scale=0.05, size=y.shape)
    torch.manual_seed(random_state)
    teacher = MLPStudent(2, 8, 24, hidden_size=8)
    teacher.train()
    before = {k: v.clone() for k, v in teacher.state_dict().items()}
    fc = DistilledForecaster(
        teacher=teacher, method=method, window=24, horizon=8, max_epochs=2, batch_size=16,
        student_params={"hidden_size": 8, "moving_avg": 5}, random_state=random_state,
    ).fit(y)
    _check_history(fc, method)
    forecast = fc.series_to_series_forecast(y, 8)
    assert forecast.shape == (2, 8) and np.all(np.isfinite(forecast))
    _check_teacher_untouched(teacher, before)
    return fc


def _check_history(estimator, method):
    last = estimator.history_[-1]
    for term in ("task", *method.term_names()):
        key = f"train_{term}"
        assert key in last, f"loss term {key!r} is not logged in history_"
        assert np.isfinite(last[key]), f"loss term {key!r} is not finite: {last[key]}"


def _check_teacher_untouched(teacher, before):
    assert teacher.training, "the teacher's training mode was changed"
    assert all(p.grad is None for p in teacher.parameters()), "gradients reached the teacher"
    for key, value in teacher.state_dict().items():
        assert torch.equal(value, before[key]), f"the teacher's {key} changed"
