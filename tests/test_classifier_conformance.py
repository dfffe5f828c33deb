"""DistilledClassifier against aeon's and scikit-learn's estimator checks and tooling."""

import os
import pickle
import subprocess
import sys

import numpy as np
import pytest
from aeon.classification.base import BaseClassifier
from aeon.testing.estimator_checking import parametrize_with_checks
from aeon.testing.estimator_checking._yield_classification_checks import (
    check_classifier_overrides_and_tags,
)
from aeon.transformations.collection import Normalizer
from sklearn.base import clone
from sklearn.frozen import FrozenEstimator
from sklearn.model_selection import GridSearchCV
from sklearn.pipeline import Pipeline
from sklearn.utils.estimator_checks import check_estimator as sklearn_check_estimator

from aeon_kd import DistilledClassifier
from aeon_kd.methods import HintonKD
from aeon_kd.testing import CentroidTeacher
from tests.conftest import FAST, make_data

# DistilledClassifier defines ``fit`` only to accept ``teacher=`` for one fit; it
# delegates to BaseClassifier.fit unchanged (tested below). aeon's check forbids any
# ``fit`` in the class __dict__, so it is excluded here and its tag assertions are run
# separately on a probe subclass in test_fit_override_delegates_and_tags_are_valid.
EXCLUDED_AEON_CHECKS = {"check_classifier_overrides_and_tags"}


@parametrize_with_checks([DistilledClassifier])
def test_aeon_estimator_checks(check):
    name = getattr(check, "func", check).__name__
    if name in EXCLUDED_AEON_CHECKS:
        pytest.xfail(reason="fit(X, y, teacher=...) override, see module comment")
    check()


def test_fit_override_delegates_and_tags_are_valid(data):
    probe = type("Probe", (DistilledClassifier,), {})  # inherits fit, own __dict__ clean
    check_classifier_overrides_and_tags(probe)
    # the only final method redefined is fit, and it runs BaseClassifier.fit
    overridden = [m for m in ("fit", "predict", "predict_proba", "fit_predict",
                              "fit_predict_proba") if m in DistilledClassifier.__dict__]
    assert overridden == ["fit"]
    clf = DistilledClassifier(method="none", **FAST).fit(*data)
    assert clf.is_fitted and clf.fit_time_millis_ >= 0  # set by BaseClassifier.fit
    assert clf.metadata_["n_cases"] == len(data[0])


# scikit-learn's own checks feed 2D arrays, lists and odd dtypes. These fail because of
# aeon's BaseClassifier contract, which DistilledClassifier follows like every aeon
# classifier; each is named with the reason. Any other failure fails this test.
SKLEARN_EXPECTED_FAILURES = {
    "check_no_attributes_set_in_init": "aeon's BaseClassifier.__init__ sets classes_, "
    "n_classes_, is_fitted and metadata_",
    "check_dont_overwrite_parameters": "aeon's fit sets the public flag is_fitted",
    "check_n_features_in_after_fitting": "aeon records input shape in metadata_, not "
    "n_features_in_",
    "check_n_features_in": "as above",
    "check_complex_data": "aeon's input conversion rejects complex data with its own message",
    "check_dtype_object": "aeon's input conversion rejects object arrays",
    "check_classifier_data_not_an_array": "aeon accepts numpy, pandas and lists of arrays only",
    "check_classifiers_train": "the check passes a list of lists, which aeon reads as a "
    "list of series",
    "check_supervised_y_2d": "aeon rejects 2D y",
    "check_fit1d": "aeon needs 2D/3D X",
    "check_fit2d_predict1d": "aeon needs 2D/3D X",
    "check_requires_y_none": "aeon's message for y=None differs from sklearn's expected one",
    "check_classifiers_one_label": "aeon requires two classes (ValueError 'y must contain at "
    "least 2 unique labels'), sklearn expects a specific message",
    "check_fit2d_1sample": "as above: one sample is one class",
    "check_estimators_empty_data_messages": "we raise ValueError naming the shape; sklearn "
    "expects its own wording",
    "check_estimators_nan_inf": "NaN is rejected by aeon before _fit (its own wording)",
    "check_class_weight_classifiers": "it wants 87 % of blob points in the heavy class after "
    "the test parameters' 2 epochs of a 2-filter student, which is too little training; "
    "class_weight's effect is tested in tests/test_user_tripups.py",
}


# checks scikit-learn skips itself here, each with where it runs instead
SKLEARN_SELF_SKIPPED = {
    "check_array_api_input": "needs SCIPY_ARRAY_API=1 before scipy is imported, which "
    "this process cannot undo: run in a subprocess by "
    "test_array_api_dispatch_with_numpy_inputs_changes_nothing",
}


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.SkipTestWarning")
def test_sklearn_estimator_checks():
    est = DistilledClassifier(**DistilledClassifier._get_test_params()[0])
    results = sklearn_check_estimator(est, on_fail=None)
    failed = {r["check_name"] for r in results if r["status"] == "failed"}
    unexpected = failed - set(SKLEARN_EXPECTED_FAILURES)
    assert not unexpected, f"new sklearn check failures: {sorted(unexpected)}"
    skipped = {r["check_name"] for r in results if r["status"] == "skipped"}
    assert skipped <= set(SKLEARN_SELF_SKIPPED), f"new skips: {sorted(skipped)}"
    passed = {r["check_name"] for r in results if r["status"] == "passed"}
    assert len(passed) >= 30  # the bulk of sklearn's checks really run and pass


def test_array_api_dispatch_with_numpy_inputs_changes_nothing():
    # scikit-learn's check for estimators without array-API support: fitting and
    # predicting under array_api_dispatch with NumPy inputs gives the same results
    code = (
        "from sklearn.utils.estimator_checks import check_array_api_input\n"
        "from aeon_kd import DistilledClassifier\n"
        "est = DistilledClassifier(**DistilledClassifier._get_test_params()[0])\n"
        "check_array_api_input('DistilledClassifier', est, array_namespace='numpy',\n"
        "                      expect_only_array_outputs=False)\n"
        "print('checked')\n"
    )
    env = {**os.environ, "SCIPY_ARRAY_API": "1", "OMP_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                          text=True, timeout=300)  # fmt: skip
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip().endswith("checked")


def test_clone_get_set_params():
    clf = DistilledClassifier(teacher=CentroidTeacher(sharpness=2.0), method=HintonKD(3.0))
    params = clf.get_params()
    assert params["method__temperature"] == 3.0
    assert params["teacher__sharpness"] == 2.0
    clf.set_params(method__temperature=5.0, max_epochs=7)
    twin = clone(clf)
    assert twin.get_params()["method__temperature"] == 5.0
    assert twin.max_epochs == 7 and twin.method is not clf.method


def test_sklearn_pipeline_with_aeon_transformer(data):
    X, y = data
    clf = DistilledClassifier(**{**FAST, "max_epochs": 60, "lr": 0.02})
    pipe = Pipeline([("norm", Normalizer()), ("clf", clf)])
    pipe.fit(X, y, clf__teacher=CentroidTeacher())
    assert pipe.score(X, y) > 0.5
    assert pipe.named_steps["clf"].teacher_ is not None


def test_aeon_make_pipeline_with_constructor_teacher(data):
    from aeon.pipeline import make_pipeline

    X, y = data
    pipe = make_pipeline([Normalizer(), DistilledClassifier(teacher=CentroidTeacher(), **FAST)])
    pipe.fit(X, y)
    assert set(pipe.predict(X)) <= set(y)


@pytest.mark.parametrize("how", ["constructor", "fit"])
def test_grid_search_over_temperature(how, data):
    X, y = data
    teacher = FrozenEstimator(CentroidTeacher().fit(X, y))
    base = DistilledClassifier(method=HintonKD(), **FAST)
    fit_params = {}
    if how == "constructor":
        base.set_params(teacher=teacher)
    else:
        fit_params["teacher"] = teacher
    search = GridSearchCV(base, {"method__temperature": [1.0, 8.0]}, cv=2)
    search.fit(X, y, **fit_params)
    temps = [p["method__temperature"] for p in search.cv_results_["params"]]
    assert temps == [1.0, 8.0]
    assert search.best_estimator_.teacher_ is not None
    assert np.all(np.isfinite(search.cv_results_["mean_test_score"]))


def test_pickle_round_trip_identical_predictions(data):
    X, y = data
    clf = DistilledClassifier(teacher=CentroidTeacher(), **FAST).fit(X, y)
    again = pickle.loads(pickle.dumps(clf))
    np.testing.assert_array_equal(again.predict_proba(X), clf.predict_proba(X))


@pytest.mark.parametrize("student", ["lstm", "gru", "cnn"])
def test_same_random_state_same_predictions(student, data):
    X, y = data
    params = {**FAST, "student": student, "student_params": None}
    a = DistilledClassifier(teacher=CentroidTeacher(), **params).fit(X, y)
    b = DistilledClassifier(teacher=CentroidTeacher(), **params).fit(X, y)
    np.testing.assert_array_equal(a.predict_proba(X), b.predict_proba(X))
    c = DistilledClassifier(teacher=CentroidTeacher(), **{**params, "random_state": 1})
    assert not np.array_equal(c.fit(X, y).predict_proba(X), a.predict_proba(X))


def test_is_an_aeon_classifier():
    assert issubclass(DistilledClassifier, BaseClassifier)
    tags = DistilledClassifier.get_class_tag("capability:multivariate")
    assert tags is True


def test_multivariate_input():
    X, y = make_data(n=20, n_channels=3, length=10)
    clf = DistilledClassifier(teacher=CentroidTeacher(), **FAST).fit(X, y)
    assert clf.predict_proba(X).shape == (20, 2)
