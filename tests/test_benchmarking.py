"""The UCR harness runner: tsml-eval files, tidy metrics, resuming, joblib and Dask."""

import os

import numpy as np
import pandas as pd
import pytest
import torch
from sklearn.metrics import accuracy_score, f1_score

from aeon_kd import DistilledClassifier
from aeon_kd.benchmarking import RESULT_FIELDS, run_benchmark, run_experiment
from aeon_kd.datasets import load_classification_dataset

FAST = {"max_epochs": 2, "patience": 2}

# tsml-eval reads back probabilities rounded in its files; its own filter for this
# warning predates scikit-learn's current wording
pytestmark = pytest.mark.filterwarnings("ignore:The y_prob values do not sum to one")


def test_distilled_classifier_runs_inside_tsml_evals_experiment(tmp_path):
    from tsml_eval.evaluation.storage import load_classifier_results
    from tsml_eval.experiments import run_classification_experiment

    X, y = load_classification_dataset("Chinatown", "train")
    X_test, y_test = load_classification_dataset("Chinatown", "test")
    clf = DistilledClassifier(method="kd", random_state=0, **FAST)
    run_classification_experiment(
        X, y, X_test, y_test, clf, str(tmp_path), classifier_name="KD",
        dataset_name="Chinatown", resample_id=0, benchmark_time=False,
    )
    path = tmp_path / "KD" / "Predictions" / "Chinatown" / "testResample0.csv"
    result = load_classifier_results(str(path))
    assert result.n_cases == len(y_test) and result.n_classes == 2
    # tsml-eval encodes labels as integers before fitting: the file holds the student's
    # own predictions, and its statistics agree with them
    expected = clf.predict(X_test)
    np.testing.assert_array_equal(result.predictions, expected)
    np.testing.assert_allclose(result.probabilities, clf.predict_proba(X_test), atol=1e-6)
    assert result.accuracy == pytest.approx(accuracy_score(result.class_labels, expected))
    assert result.fit_time > 0 and result.estimator_name.startswith("KD")


def test_run_experiment_rows_match_the_tsml_files(tmp_path):
    rows = run_experiment("Chinatown", 0, ["none", "kd"], results_path=str(tmp_path),
                          estimator_params=FAST)
    table = pd.DataFrame(rows)
    assert list(table["model"]) == ["teacher-quant", "none", "kd"]
    assert set(table.columns) == set(RESULT_FIELDS)
    from tsml_eval.evaluation.storage import load_classifier_results

    for row in rows:
        path = tmp_path / "tsml" / row["model"] / "Predictions" / "Chinatown"
        result = load_classifier_results(str(path / "testResample0.csv"))
        assert row["accuracy"] == pytest.approx(result.accuracy)
        macro_f1 = f1_score(result.class_labels, result.predictions, average="macro")
        assert row["macro_f1"] == pytest.approx(macro_f1)
        assert row["n_test"] == 343 and row["n_train"] == 20 and row["n_classes"] == 2
        assert row["n_bytes"] > 0 and row["fit_seconds"] > 0
    teacher = load_classifier_results(
        str(tmp_path / "tsml" / "teacher-quant" / "Predictions" / "Chinatown" /
            "testResample0.csv"))  # fmt: skip
    kd = load_classifier_results(
        str(tmp_path / "tsml" / "kd" / "Predictions" / "Chinatown" / "testResample0.csv"))
    agreement = np.mean(np.asarray(kd.predictions) == np.asarray(teacher.predictions))
    assert table.loc[2, "agreement"] == pytest.approx(agreement)
    assert np.isnan(table.loc[0, "n_params"])  # QUANT has no parameters, only a size
    assert table.loc[1, "n_params"] == 3679  # the default LITE-style student, 2 classes
    assert (table["role"] == ["teacher", "student", "student"]).all()


def test_a_diverging_student_loses_its_row_not_the_task(tmp_path, monkeypatch):
    from aeon_kd.methods import HintonKD

    def diverging(method, batch):
        return {"kd": torch.tensor(float("nan"), requires_grad=True)}

    monkeypatch.setattr(HintonKD, "loss_terms", diverging)
    with pytest.warns(RuntimeWarning, match=r"Chinatown resample 0: kd has no row, its "
                      r"training diverged \(The 'kd' loss term became nan"):
        rows = run_experiment("Chinatown", 0, ["kd", "none"], results_path=str(tmp_path),
                              estimator_params=FAST)  # fmt: skip
    # the models after the diverged one still ran
    assert [row["model"] for row in rows] == ["teacher-quant", "none"]


def test_resamples_follow_tsml_eval(tmp_path):
    from tsml_eval.utils.resampling import stratified_resample_data

    from aeon_kd.benchmarking._runner import _load_split

    X, y, X_test, y_test, classes = _load_split("Chinatown", 1, None)
    raw = [*load_classification_dataset("Chinatown", "train"),
           *load_classification_dataset("Chinatown", "test")]  # fmt: skip
    X_ref, y_ref, _, _ = stratified_resample_data(*raw, random_state=1)
    np.testing.assert_array_equal(X, X_ref)
    np.testing.assert_array_equal(classes[y], y_ref)
    X0, *_ = _load_split("Chinatown", 0, None)
    np.testing.assert_array_equal(X0, raw[0])  # resample 0 is the published split


def test_run_benchmark_resumes_and_skips_finished_rows(tmp_path, capsys):
    out = str(tmp_path)
    first = run_benchmark(["Chinatown"], ["none"], resamples=[0], results_path=out,
                          estimator_params=FAST, n_jobs=1)  # fmt: skip
    assert list(first["model"]) == ["teacher-quant", "none"]
    # one more method: only its row is computed, the others stay as they were
    second = run_benchmark(["Chinatown"], ["none", "kd"], resamples=[0], results_path=out,
                           estimator_params=FAST, n_jobs=1)  # fmt: skip
    assert list(second["model"]) == ["teacher-quant", "none", "kd"]
    pd.testing.assert_frame_equal(second.iloc[:2], first)
    capsys.readouterr()
    third = run_benchmark(["Chinatown"], ["none", "kd"], resamples=[0], results_path=out,
                          estimator_params=FAST, n_jobs=1)  # fmt: skip
    assert "0 tasks to run (1 finished before)" in capsys.readouterr().out
    pd.testing.assert_frame_equal(third, second)


def test_bad_backend_and_missing_dask_client_are_clear(tmp_path):
    with pytest.raises(ValueError, match="backend must be"):
        run_benchmark(["Chinatown"], ["none"], resamples=[0], results_path=str(tmp_path),
                      backend="spark")  # fmt: skip
    with pytest.raises(ValueError, match="needs a running Dask client"):
        run_benchmark(["Chinatown"], ["none"], resamples=[0], results_path=str(tmp_path),
                      backend="dask")  # fmt: skip


def test_tiny_benchmark_through_a_local_dask_cluster(tmp_path):
    # the CI smoke: 2 datasets x 2 methods x 1 resample, on real Dask worker processes
    from distributed import Client, LocalCluster

    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster) as client:  # fmt: skip
        results = run_benchmark(
            ["Chinatown", "ItalyPowerDemand"], ["none", "kd"], resamples=[0],
            results_path=str(tmp_path), estimator_params=FAST, n_jobs=2, backend="dask",
        )
        workers = client.run(os.getpid)
    assert len(workers) == 2
    assert sorted(results["dataset"].unique()) == ["Chinatown", "ItalyPowerDemand"]
    assert len(results) == 6 and results.groupby("dataset").size().eq(3).all()
    assert results["accuracy"].between(0, 1).all()
    for dataset in ("Chinatown", "ItalyPowerDemand"):
        for model in ("teacher-quant", "none", "kd"):
            assert (tmp_path / "tsml" / model / "Predictions" / dataset /
                    "testResample0.csv").exists()  # fmt: skip
    # the teacher is strong on both problems; its rows come from the same files
    teacher = results[results["model"] == "teacher-quant"]
    assert (teacher["accuracy"] > 0.85).all()
