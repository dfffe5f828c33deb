"""SktimeDistilledClassifier: sktime's conformance suite, parity with aeon, sktime tooling."""

import inspect
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from aeon.datasets import load_italy_power_demand
from sklearn.frozen import FrozenEstimator
from sklearn.model_selection import KFold
from sktime.classification.compose import ClassifierPipeline
from sktime.classification.model_evaluation import evaluate
from sktime.datatypes import convert_to
from sktime.utils.estimator_checks import check_estimator

from aeon_kd import DistilledClassifier
from aeon_kd.sktime import SktimeDistilledClassifier
from aeon_kd.testing import CentroidTeacher, CountingTeacher

try:
    from sktime.transformations.padder import PaddingTransformer
except ImportError:  # sktime < 1.0
    from sktime.transformations.panel.padder import PaddingTransformer

PARAMS = {
    "method": "kd",
    "max_epochs": 10,
    "batch_size": 8,
    "student": "lstm",
    "student_params": {"hidden_size": 4},
    "random_state": 0,
}


@pytest.fixture(scope="module")
def italy():
    X_train, y_train = load_italy_power_demand(split="train")
    X_test, y_test = load_italy_power_demand(split="test")
    return X_train, y_train, X_test, y_test


def test_sktime_check_estimator():
    # Every check of sktime's conformance suite for classifiers (TestAllObjects,
    # TestAllEstimators, TestAllClassifiers) on both get_test_params settings, nothing
    # excluded. raise_exceptions=True re-raises the first failure with its traceback.
    results = check_estimator(SktimeDistilledClassifier, raise_exceptions=True, verbose=False)
    assert results and all(result == "PASSED" for result in results.values())
    ran = {key.split("[")[0] for key in results}
    # guard against a silently shrunken suite: the checks that train and compare
    assert {
        "test_fit_idempotent",
        "test_classifier_output",
        "test_persistence_via_pickle",
        "test_handles_single_class",
        "test_multioutput",
        "test_doctest_examples",
        "test_random_tags",
    } <= ran


def test_tags():
    tags = SktimeDistilledClassifier.get_class_tags()
    assert tags["X_inner_mtype"] == "numpy3D"
    assert tags["capability:multivariate"] is True
    assert tags["capability:unequal_length"] is False
    assert tags["capability:missing_values"] is False
    assert tags["capability:categorical_in_X"] is False
    assert tags["capability:predict_proba"] is True
    assert tags["capability:random_state"] is True
    assert tags["property:randomness"] == "derandomized"
    assert tags["python_dependencies"] == ["torch", "skorch", "aeon"]
    assert tags["authors"] == tags["maintainers"] == "aeon-kd developers"


def test_capability_tags_reject_unsupported_input(italy):
    # sktime refuses what the student cannot take before any training starts
    X, y = italy[0], italy[1]
    X_df = convert_to(X, to_type="pd-multiindex")
    X_df["category"] = np.where(X_df.iloc[:, 0] > 0, "high", "low")
    with pytest.raises(TypeError, match="categorical"):
        SktimeDistilledClassifier(**PARAMS).fit(X_df, y)
    X_nan = X.copy()
    X_nan[0, 0, 3] = np.nan
    with pytest.raises(ValueError, match="missing"):
        SktimeDistilledClassifier(**PARAMS).fit(X_nan, y)


def test_same_parameters_as_distilled_classifier():
    # same names, order and defaults, so get_params() can rebuild the aeon classifier
    adapter = inspect.signature(SktimeDistilledClassifier.__init__).parameters
    aeon = inspect.signature(DistilledClassifier.__init__).parameters
    assert [(p.name, p.default) for p in adapter.values()] == [
        (p.name, p.default) for p in aeon.values()
    ]
    assert SktimeDistilledClassifier().get_params() == DistilledClassifier().get_params()


def test_predicts_like_aeon_classifier(italy):
    X_train, y_train, X_test, _ = italy
    aeon_clf = DistilledClassifier(teacher=CentroidTeacher(), **PARAMS).fit(X_train, y_train)
    clf = SktimeDistilledClassifier(teacher=CentroidTeacher(), **PARAMS).fit(X_train, y_train)

    np.testing.assert_array_equal(clf.classes_, aeon_clf.classes_)
    np.testing.assert_array_equal(clf.predict(X_test), aeon_clf.predict(X_test))
    np.testing.assert_array_equal(clf.predict_proba(X_test), aeon_clf.predict_proba(X_test))
    assert clf.n_student_params_ == aeon_clf.n_student_params_
    assert len(clf.history_) == len(aeon_clf.history_)
    assert clf.student_ is clf.estimator_.student_
    assert clf.teacher_agreement_ == aeon_clf.teacher_agreement_

    # any sktime Panel mtype goes in: pd-multiindex is converted to the same numpy3D
    X_train_df = convert_to(X_train, to_type="pd-multiindex")
    X_test_df = convert_to(X_test, to_type="pd-multiindex")
    clf_df = SktimeDistilledClassifier(teacher=CentroidTeacher(), **PARAMS)
    clf_df.fit(X_train_df, pd.Series(y_train))
    np.testing.assert_array_equal(clf_df.predict(X_test_df), aeon_clf.predict(X_test))
    assert clf.score(X_test, italy[3]) > 0.6


def test_evaluate_clones_keep_frozen_teacher(italy):
    # sktime's evaluate clones the classifier per fold; a fitted teacher passed as
    # FrozenEstimator survives the clone and is queried, never refitted.
    X, y = italy[0], italy[1]
    counting = CountingTeacher().fit(X, y)
    clf = SktimeDistilledClassifier(teacher=FrozenEstimator(counting),
                                    **{**PARAMS, "transfer_size": 0})
    # KFold, not StratifiedKFold: sktime's evaluate calls cv.split(instance_index)
    # without y, which StratifiedKFold cannot take
    cv = KFold(n_splits=3, shuffle=True, random_state=0)
    results = evaluate(clf, cv=cv, X=X, y=y, error_score="raise")
    assert len(results) == 3
    assert results["test_accuracy_score"].between(0, 1).all()
    # once per training series of each fold (no transfer set here)
    assert counting.n_predicted == sum(len(train) for train, _ in cv.split(X))
    assert not clf.is_fitted  # evaluate fitted clones


def test_pipeline_pads_unequal_length_series(italy):
    # The student needs equal-length series (capability:unequal_length False);
    # sktime's pipeline composes a padder in front and takes unequal-length panels.
    X, y = italy[0], italy[1]
    lengths = np.where(np.arange(len(X)) % 2 == 0, 24, 20)
    X_unequal = pd.concat(
        {
            i: pd.DataFrame({"c0": X[i, 0, :n]}, index=pd.RangeIndex(n))
            for i, n in enumerate(lengths)
        },
        names=["instance", "time"],
    )
    with pytest.raises(ValueError, match="unequal"):
        SktimeDistilledClassifier(**PARAMS).fit(X_unequal, y)

    pipe = PaddingTransformer(pad_length=24) * SktimeDistilledClassifier(
        teacher=CentroidTeacher(), **PARAMS
    )
    assert isinstance(pipe, ClassifierPipeline)
    assert pipe.get_tag("capability:unequal_length") is True
    pipe.fit(X_unequal, y)
    assert pipe.predict(X_unequal).shape == (len(X),)
    assert pipe.predict_proba(X_unequal).shape == (len(X), 2)
    assert pipe.classifier_.n_student_params_ > 0


def test_import_aeon_kd_does_not_import_sktime():
    code = (
        "import sys, aeon_kd; "
        "assert 'sktime' not in sys.modules and 'aeon_kd.sktime' not in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)
