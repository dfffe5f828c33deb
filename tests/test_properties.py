"""Property-based robustness tests: generated inputs either work or fail clearly.

Every generated input must either give finite probabilities / forecasts of the right
shape, or raise a ``ValueError`` / ``TypeError`` whose message names the problem and
the fix; an error raised from inside torch, skorch or numpy is a failure. The
hypothesis tests are derandomised, so the suite is deterministic; the plain tests at
the end pin each failure mode these tests found.
"""

import functools
import traceback

import numpy as np
import pytest
import torch
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from aeon_kd import DistilledClassifier, DistilledForecaster
from aeon_kd.testing import CentroidTeacher

SETTINGS = {
    "deadline": None,
    "derandomize": True,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large],
}

STUDENT_PARAMS = {"lstm": {"hidden_size": 2}, "cnn": {"filters": (2, 2, 2)}}


def classifier(method="none", student="lstm", **params):
    kwargs = {
        "method": method,
        "student": student,
        "student_params": STUDENT_PARAMS[student],
        "max_epochs": 1,
        "batch_size": 8,
        "random_state": 0,
    }
    if method == "kd":
        kwargs["teacher"] = CentroidTeacher()
    return DistilledClassifier(**{**kwargs, **params})


def forecaster(window=4, horizon=2, **params):
    kwargs = {
        "method": "none",
        "window": window,
        "horizon": horizon,
        "max_epochs": 1,
        "batch_size": 16,
        "student_params": {"hidden_size": 2, "moving_avg": min(3, window)},
        "random_state": 0,
    }
    return DistilledForecaster(**{**kwargs, **params})


def assert_clear(err, *words):
    """A typed error raised by aeon-kd or aeon, naming one of ``words``."""
    assert isinstance(err, (ValueError, TypeError)), repr(err)
    origin = traceback.extract_tb(err.__traceback__)[-1].filename
    for internal in ("torch", "skorch", "numpy"):
        assert f"site-packages/{internal}/" not in origin, (origin, err)
    if words:
        assert any(w in str(err) for w in words), (words, str(err))


def assert_probabilities(proba, n_cases, n_classes):
    assert proba.shape == (n_cases, n_classes)
    assert np.all(np.isfinite(proba))
    np.testing.assert_allclose(proba.sum(axis=1), 1.0, rtol=1e-5)


def labels_for(n_cases, n_classes=2):
    return np.array([f"c{k}" for k in np.arange(n_cases) % n_classes])


@functools.cache
def fitted_classifier(n_channels=2, length=12):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(12, n_channels, length))
    return classifier().fit(X, labels_for(12))


@functools.cache
def fitted_forecaster(n_channels=2):
    y = np.random.default_rng(0).normal(size=(n_channels, 60))
    return forecaster().fit(y)


# -- DistilledClassifier --------------------------------------------------------------

lengths = st.one_of(st.integers(1, 20), st.sampled_from([64, 500, 2000]))


@settings(max_examples=40, **SETTINGS)
@given(
    n_cases=st.integers(2, 12),
    n_channels=st.integers(1, 4),
    length=lengths,
    two_d=st.booleans(),
    method=st.sampled_from(["none", "kd"]),
    student=st.sampled_from(["lstm", "cnn"]),
    seed=st.integers(0, 2**16),
)
def test_classifier_any_shape_gives_probabilities(
    n_cases, n_channels, length, two_d, method, student, seed
):
    rng = np.random.default_rng(seed)
    n_cases = min(n_cases, 4) if length > 100 else n_cases  # long series: keep it fast
    X = rng.normal(size=(n_cases, n_channels, length))
    if two_d and n_channels == 1:
        X = X[:, 0]
    y = labels_for(n_cases)
    clf = classifier(method, student).fit(X, y)
    assert_probabilities(clf.predict_proba(X), n_cases, 2)
    assert set(clf.predict(X[:1])) <= set(y)


scales = st.sampled_from([1e-30, 1e-10, 1.0, 1e10, 1e30])


@settings(max_examples=40, **SETTINGS)
@given(
    scale=scales,
    mixed=st.sampled_from(["none", "series", "channels", "steps"]),
    constant=st.booleans(),
    method=st.sampled_from(["none", "kd"]),
    student=st.sampled_from(["lstm", "cnn"]),
    data=st.data(),
)
def test_classifier_finite_input_of_any_magnitude_gives_finite_probabilities(
    scale, mixed, constant, method, student, data
):
    rng = np.random.default_rng(0)
    X = np.ones((8, 2, 10)) if constant else rng.normal(size=(8, 2, 10))
    if mixed == "series":
        X *= np.array([data.draw(scales) for _ in range(8)])[:, None, None]
    elif mixed == "channels":
        X *= np.array([data.draw(scales) for _ in range(2)])[None, :, None]
    elif mixed == "steps":
        X[:, :, :5] *= data.draw(scales)
        X[:, :, 5:] *= scale
    else:
        X *= scale
    clf = classifier(method, student).fit(X, labels_for(8))
    assert_probabilities(clf.predict_proba(X), 8, 2)
    assert_probabilities(clf.predict_proba(X[::-1] * 1e-3), 8, 2)


@settings(max_examples=40, **SETTINGS)
@given(
    value=st.sampled_from([np.nan, np.inf, -np.inf]),
    case=st.integers(0, 11),
    channel=st.integers(0, 1),
    step=st.integers(0, 11),
    where=st.sampled_from(["fit", "predict", "fit_list", "predict_list"]),
    method=st.sampled_from(["none", "kd"]),
)
def test_classifier_nan_or_inf_anywhere_is_named(value, case, channel, step, where, method):
    X = np.random.default_rng(1).normal(size=(12, 2, 12))
    X[case, channel, step] = value
    if where.endswith("list"):
        X = list(X)
    with pytest.raises((ValueError, TypeError)) as info:
        if where.startswith("fit"):
            classifier(method).fit(X, labels_for(12))
        else:
            fitted_classifier().predict_proba(X)
    assert_clear(info.value, "NaN", "infinite")


@settings(max_examples=12, **SETTINGS)
@given(
    huge=st.sampled_from([1e39, 1e100, 1e300, -1e300]),
    case=st.integers(0, 11),
    where=st.sampled_from(["fit", "predict"]),
)
def test_classifier_values_beyond_float32_are_named(huge, case, where):
    X = np.random.default_rng(1).normal(size=(12, 2, 12))
    X[case, 1, 3] = huge
    with pytest.raises(ValueError) as info:
        if where == "fit":
            classifier().fit(X, labels_for(12))
        else:
            fitted_classifier().predict_proba(X)
    assert_clear(info.value, "float32")


label_kinds = {
    "str": lambda k: f"class {k}",
    "int": lambda k: int(k) * 7 - 3,
    "bool": lambda k: bool(k),
    "float": lambda k: float(k) + 1.0,
    "numpy int": lambda k: np.int16(k),
}


@settings(max_examples=40, **SETTINGS)
@given(
    kind=st.sampled_from(sorted(label_kinds)),
    counts=st.lists(st.integers(1, 4), min_size=1, max_size=4),
    container=st.sampled_from(["array", "object array"]),
    method=st.sampled_from(["none", "kd"]),
)
def test_classifier_label_types_and_tiny_classes(kind, counts, container, method):
    if kind == "bool":
        counts = counts[:2]
    labels = [label_kinds[kind](k) for k, count in enumerate(counts) for _ in range(count)]
    y = np.array(labels, dtype=object if container == "object array" else None)
    X = np.random.default_rng(2).normal(size=(len(y), 1, 8))
    if len(counts) == 1:
        with pytest.raises(ValueError) as info:
            classifier(method).fit(X, y)
        assert_clear(info.value, "at least 2 unique labels")
        return
    clf = classifier(method).fit(X, y)
    assert_probabilities(clf.predict_proba(X), len(y), len(counts))
    assert set(clf.predict(X).tolist()) <= set(labels)


@settings(max_examples=12, **SETTINGS)
@given(
    kinds=st.lists(st.sampled_from(["str", "int", "bool", "none", "nan"]), min_size=2,
                   max_size=4, unique=True),
    method=st.sampled_from(["none", "kd"]),
)
def test_classifier_mixed_or_missing_labels_are_named(kinds, method):
    make = {"str": "a", "int": 1, "bool": True, "none": None, "nan": float("nan")}
    y = np.array([make[k] for k in kinds] * 3, dtype=object)
    X = np.random.default_rng(3).normal(size=(len(y), 1, 8))
    with pytest.raises((ValueError, TypeError)) as info:
        classifier(method).fit(X, y)
    assert_clear(info.value, "mixes label types", "missing labels")


@settings(max_examples=15, **SETTINGS)
@given(
    lengths=st.lists(st.integers(1, 30), min_size=4, max_size=8).filter(
        lambda ls: len(set(ls)) > 1
    ),
    n_channels=st.integers(1, 3),
    where=st.sampled_from(["fit", "predict"]),
)
def test_classifier_unequal_lengths_are_named(lengths, n_channels, where):
    rng = np.random.default_rng(4)
    X = [rng.normal(size=(n_channels, n)) for n in lengths]
    with pytest.raises(ValueError) as info:
        if where == "fit":
            classifier().fit(X, labels_for(len(X)))
        else:
            fitted_classifier(n_channels, 12).predict_proba(X)
    assert_clear(info.value, "unequal-length")


@settings(max_examples=15, **SETTINGS)
@given(
    n_channels=st.integers(1, 4),
    length=st.sampled_from([1, 5, 11, 12, 13, 40]),
    two_d=st.booleans(),
)
def test_classifier_shape_mismatch_at_predict_is_named(n_channels, length, two_d):
    clf = fitted_classifier(2, 12)
    X = np.random.default_rng(5).normal(size=(3, n_channels, length))
    if two_d:
        X = X[:, 0]
    if X.ndim == 3 and (n_channels, length) == (2, 12):
        assert_probabilities(clf.predict_proba(X), 3, 2)
        return
    with pytest.raises(ValueError) as info:
        clf.predict_proba(X)
    assert_clear(info.value, "fitted on")


@settings(max_examples=12, **SETTINGS)
@given(
    lengths=st.lists(st.integers(1, 40), min_size=2, max_size=6),
    resample_length=st.integers(2, 16),
    method=st.sampled_from(["none", "kd"]),
)
def test_classifier_equal_length_lists_with_resampling(lengths, resample_length, method):
    # a list of equal-length 2D series is a collection; resample_length resizes it
    length = lengths[0]
    rng = np.random.default_rng(6)
    X = [rng.normal(size=(2, length)) for _ in lengths]
    clf = classifier(method, resample_length=resample_length).fit(X, labels_for(len(X)))
    assert_probabilities(clf.predict_proba(X), len(X), 2)


# -- DistilledForecaster ----------------------------------------------------------------


@settings(max_examples=50, **SETTINGS)
@given(
    n_channels=st.integers(1, 4),
    length=st.one_of(st.integers(1, 40), st.sampled_from([200, 2000])),
    window=st.integers(1, 8),
    horizon=st.integers(1, 4),
    validation_size=st.sampled_from([0.0, 0.2]),
    student=st.sampled_from(["dmlp", "mlp"]),
    one_d=st.booleans(),
)
def test_forecaster_any_shape_forecasts_or_names_the_minimum(
    n_channels, length, window, horizon, validation_size, student, one_d
):
    y = np.random.default_rng(7).normal(size=(n_channels, length))
    if one_d and n_channels == 1:
        y = y[0]
    params = {"hidden_size": 2}
    if student == "dmlp":
        params["moving_avg"] = min(3, window)
    fc = forecaster(
        window, horizon, validation_size=validation_size, student=student, student_params=params
    )
    n_valid = int(np.ceil(validation_size * length))
    split_fits = length - n_valid >= window + horizon and (n_valid == 0 or n_valid >= horizon)
    if length < window + horizon:
        with pytest.raises(ValueError) as info:
            fc.fit(y)
        assert_clear(info.value, "too few for window")
        return
    if not split_fits:  # long enough to train, not to hold out a tail: said, not raised
        with pytest.warns(UserWarning, match="without one"):
            fc.fit(y)
    else:
        fc.fit(y)
    assert np.isfinite(fc.predict(y))
    path = fc.series_to_series_forecast(y, 2 * horizon + 1)
    assert np.all(np.isfinite(path))
    assert path.shape[-1] == 2 * horizon + 1


@settings(max_examples=30, **SETTINGS)
@given(
    scale=st.sampled_from([1e-30, 1e-3, 1.0, 1e6, 1e15, 1e30]),
    constant=st.booleans(),
    n_channels=st.integers(1, 3),
)
def test_forecaster_any_magnitude_forecasts_finitely_or_says_rescale(scale, constant, n_channels):
    rng = np.random.default_rng(8)
    y = np.full((n_channels, 40), 3.0) if constant else rng.normal(size=(n_channels, 40))
    y = y * scale
    try:
        fc = forecaster().fit(y)
    except (ValueError, TypeError) as err:
        assert_clear(err, "Rescale", "rescale")
        return
    assert np.isfinite(fc.predict(y))
    assert np.all(np.isfinite(fc.series_to_series_forecast(y, 5)))


@settings(max_examples=25, **SETTINGS)
@given(
    value=st.sampled_from([np.nan, np.inf, -np.inf]),
    channel=st.integers(0, 1),
    step=st.integers(0, 59),
    where=st.sampled_from(["fit", "predict", "series_to_series"]),
)
def test_forecaster_nan_or_inf_anywhere_is_named(value, channel, step, where):
    y = np.random.default_rng(9).normal(size=(2, 60))
    y[channel, step] = value
    with pytest.raises(ValueError) as info:
        if where == "fit":
            forecaster().fit(y)
        elif where == "predict":
            fitted_forecaster().predict(y)
        else:
            fitted_forecaster().series_to_series_forecast(y, 3)
    assert_clear(info.value, "NaN", "infinite")


@settings(max_examples=12, **SETTINGS)
@given(n_channels=st.integers(1, 4), length=st.integers(0, 8))
def test_forecaster_predict_on_mismatched_series_is_named(n_channels, length):
    fc = fitted_forecaster(2)
    y = np.random.default_rng(10).normal(size=(n_channels, length))
    if n_channels == 2 and length >= fc.window:
        assert np.isfinite(fc.predict(y))
        return
    with pytest.raises(ValueError) as info:
        fc.predict(y)
    assert_clear(info.value, "fitted on", "fewer than window", "at least one time point")


# -- regression tests: one per failure mode the properties found ------------------------


def test_nan_at_predict_is_named_not_aeons_missing_values():
    X = np.random.default_rng(0).normal(size=(12, 2, 12))
    X[4, 1, 5] = np.nan
    with pytest.raises(ValueError, match="X contains 1 NaN and 0 infinite"):
        fitted_classifier().predict_proba(X)
    with pytest.raises(ValueError, match="X contains 1 NaN and 0 infinite"):
        classifier().fit(list(X), labels_for(12))


def test_empty_collection_or_series_at_predict_is_named():
    with pytest.raises(ValueError, match=r"shape \(0, 2, 12\): give at least one series"):
        fitted_classifier().predict(np.zeros((0, 2, 12)))
    with pytest.raises(ValueError, match=r"shape \(3, 2, 0\): give at least one series"):
        fitted_classifier().predict_proba(np.zeros((3, 2, 0)))
    with pytest.raises(ValueError, match="empty list or holds a series with no time points"):
        fitted_classifier().predict([])
    with pytest.raises(ValueError, match="empty list or holds a series with no time points"):
        classifier().fit([np.zeros((2, 0))] * 4, labels_for(4))
    with pytest.raises(ValueError, match=r"y has shape \(0,\): give a series"):
        forecaster().fit(np.array([]))


def test_channel_and_length_mismatch_at_predict_name_the_fit_shape():
    clf = fitted_classifier(2, 12)
    X = np.zeros((3, 2, 12))
    with pytest.raises(ValueError, match=r"X has 1 channel\(s\) but the classifier was fitted"):
        clf.predict(X[:, 0])
    with pytest.raises(ValueError, match=r"length 5 but .* fitted on length 12.*Resizer"):
        clf.predict_proba(X[:, :, :5])
    with pytest.raises(ValueError, match=r"y has 3 channel\(s\) but the forecaster was fitted"):
        fitted_forecaster(2).predict(np.zeros((3, 10)))


def test_unequal_length_at_predict_names_resizer():
    X = [np.zeros((2, 12)), np.zeros((2, 9))]
    with pytest.raises(ValueError, match="unequal-length series.*Resizer"):
        fitted_classifier().predict(X)


def test_mixed_missing_and_object_labels():
    X = np.random.default_rng(0).normal(size=(8, 1, 6))
    with pytest.raises(TypeError, match=r"y mixes label types \(number, str\)"):
        classifier().fit(X, np.array(["a", 1] * 4, dtype=object))
    with pytest.raises(ValueError, match="y holds 4 missing labels"):
        classifier().fit(X, np.array([None, "a"] * 4, dtype=object))
    with pytest.raises(ValueError, match="y holds 4 missing labels"):
        classifier().fit(X, np.array([np.nan, 1.0] * 4))
    clf = classifier().fit(X, np.array([3, 5] * 4, dtype=object))  # aeon: "type unknown"
    assert clf.classes_.tolist() == [3, 5]


def test_values_beyond_float32_are_rejected_not_predicted_as_nan():
    X = np.random.default_rng(0).normal(size=(12, 2, 12))
    with pytest.raises(ValueError, match="beyond the float32 range"):
        classifier().fit(X * 1e300, labels_for(12))
    with pytest.raises(ValueError, match="beyond the float32 range"):
        fitted_classifier().predict_proba(X * 1e300)
    y = np.random.default_rng(0).normal(size=(2, 60))
    with pytest.raises(ValueError, match="y holds values up to .* beyond the float32 range"):
        fitted_forecaster().predict(y * 1e300)


def test_forecaster_fit_on_huge_values_says_rescale():
    y = np.random.default_rng(0).normal(size=(1, 60)) * 1e30
    with pytest.raises(ValueError, match="squared errors in float32.*Rescale y"):
        forecaster().fit(y)


def test_non_finite_student_output_is_an_error_not_a_nan_prediction():
    clf = classifier().fit(*_toy())
    fc = forecaster().fit(np.random.default_rng(0).normal(size=60))
    with torch.no_grad():
        next(clf.student_.parameters()).fill_(np.nan)
        next(fc.student_.parameters()).fill_(np.nan)
    with pytest.raises(ValueError, match="probabilities are not finite"):
        clf.predict_proba(_toy()[0])
    with pytest.raises(ValueError, match="forecasts are not finite"):
        fc.predict(np.zeros(60))


def _toy():
    return np.random.default_rng(0).normal(size=(8, 1, 6)), labels_for(8)


@pytest.mark.parametrize("student", ["cnn", "adatime_cnn"])
def test_conv_students_train_on_length_one_series_in_a_batch_of_one(student):
    # BatchNorm refused a batch holding one value per channel (torch ValueError)
    X = np.random.default_rng(0).normal(size=(6, 2, 1))
    params = {"cnn": {"filters": (2, 2), "kernel_sizes": (3, 3)}, "adatime_cnn": {"width": 2}}
    clf = DistilledClassifier(
        method="none", student=student, student_params=params[student],
        max_epochs=2, batch_size=5, validation_size=0.0, random_state=0,
    ).fit(X, labels_for(6))
    assert_probabilities(clf.predict_proba(X), 6, 2)


def test_forecasting_mlp_trains_on_a_last_batch_of_one_window():
    y = np.random.default_rng(0).normal(size=40)  # 35 windows, batch 2: a last batch of 1
    fc = forecaster(validation_size=0.0, batch_size=2, student="mlp",
                    student_params={"hidden_size": 1}).fit(y)
    assert np.isfinite(fc.predict(y))


def test_nan_and_empty_series_for_the_forecaster_are_named():
    y = np.random.default_rng(0).normal(size=60)
    y[7] = np.nan
    with pytest.raises(ValueError, match="y contains 1 NaN"):
        forecaster().fit(y)
    with pytest.raises(ValueError, match="y contains 1 NaN"):
        fitted_forecaster(1).predict(y)


def test_transposed_series_gets_an_axis_hint():
    y = np.random.default_rng(0).normal(size=(60, 2))
    with pytest.raises(ValueError, match="pass axis=0"):
        forecaster().fit(y)
    assert np.isfinite(forecaster().fit(y, axis=0).predict(y, axis=0))
