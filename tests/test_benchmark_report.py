"""Report of a distillation benchmark: numbers checked against hand computations."""

import math

import pandas as pd
import pytest

from aeon_kd.benchmarking._report import (
    load_results,
    plot_accuracy_vs_size,
    plot_critical_difference,
    plot_teacher_vs_student,
    summary_table,
    write_summary,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
DATASETS = ("D1", "D2", "D3", "D4")

#: per-dataset mean accuracy; each model gets mean -/+ 0.05 on resamples 0 and 1, so
#: the means over resamples are these numbers (identical inputs give identical means,
#: which keeps the intended exact ties exact)
MEAN_ACCURACY = {
    "teacher-quant": (0.90, 0.80, 1.00, 0.60),
    "teacher-lstm": (0.80, 0.70, 0.90, 0.50),
    "none": (0.72, 0.80, 0.70, 0.48),
    "kd": (0.81, 0.64, 0.90, 0.54),
    "memkd": (0.72, 0.70, 0.90, 0.40),
}
TEACHER_OF = {"none": "teacher-quant", "kd": "teacher-quant", "memkd": "teacher-lstm"}
#: QUANT has no parameters; its serialized size grows with the dataset
QUANT_BYTES = (1_000_000, 2_000_000, 4_000_000, 8_000_000)
N_PARAMS = {"teacher-lstm": 50_000, "none": 1_000, "kd": 1_000, "memkd": 2_000}
N_BYTES = {"teacher-lstm": 200_000, "none": 5_000, "kd": 5_000, "memkd": 10_000}
AGREEMENT = {"none": 0.8, "kd": 0.9, "memkd": 0.85}
KD_FIT_SECONDS = (1.0, 2.0, 3.0, 10.0)


def make_results(datasets=DATASETS, models=tuple(MEAN_ACCURACY)):
    rows = []
    for dataset_index, dataset in enumerate(datasets):
        for resample, shift in ((0, -0.05), (1, 0.05)):
            for model in models:
                is_teacher = model.startswith("teacher")
                rows.append(
                    {
                        "dataset": dataset,
                        "resample": resample,
                        "model": model,
                        "role": "teacher" if is_teacher else "student",
                        "method": "teacher" if is_teacher else model,
                        "student": "" if is_teacher else "cnn",
                        "teacher": model if is_teacher else TEACHER_OF[model],
                        "accuracy": MEAN_ACCURACY[model][dataset_index] + shift,
                        "balanced_accuracy": 0.5,
                        "macro_f1": 0.5,
                        "macro_auc_prc": 0.5,
                        "agreement": math.nan if is_teacher else AGREEMENT[model],
                        "n_params": N_PARAMS.get(model, math.nan),
                        "n_bytes": QUANT_BYTES[dataset_index]
                        if model == "teacher-quant"
                        else N_BYTES[model],
                        "fit_seconds": KD_FIT_SECONDS[dataset_index] if model == "kd" else 1.0,
                        "predict_ms_per_series": 0.5,
                        "n_train": 20,
                        "n_test": 20,
                        "n_classes": 2,
                    }
                )
    return pd.DataFrame(rows)


@pytest.fixture(scope="module")
def results():
    return make_results()


@pytest.fixture(scope="module")
def summary(results):
    return summary_table(results)


def student_row(summary, model):
    students = summary["students"].set_index("model")
    return students.loc[model]


def test_wins_share_ties(summary):
    # D1 kd best; D2 none best; D3 kd and memkd tie at 0.90 (both win); D4 kd best
    wins = summary["students"].set_index("model")["wins"].to_dict()
    assert wins == {"kd": 3, "none": 1, "memkd": 1}


def test_mean_ranks_average_ties(summary):
    # ranks per dataset (D1..D4), ties averaged:
    # none 2.5, 1, 3, 2 / kd 1, 3, 1.5, 1 / memkd 2.5, 2, 1.5, 3
    ranks = summary["students"].set_index("model")["mean_rank"]
    assert ranks["none"] == pytest.approx(8.5 / 4)
    assert ranks["kd"] == pytest.approx(6.5 / 4)
    assert ranks["memkd"] == pytest.approx(9.0 / 4)
    # sorted best first
    assert list(summary["students"]["model"]) == ["kd", "none", "memkd"]


def test_accuracy_kept_against_own_teacher(summary):
    # none / quant: .8, 1, .7, .8 -> median .8; kd / quant: .9, .8, .9, .9 -> .9
    # memkd / lstm: .9, 1, 1, .8 -> median .95
    assert student_row(summary, "none")["median_accuracy_kept"] == pytest.approx(0.8)
    assert student_row(summary, "kd")["median_accuracy_kept"] == pytest.approx(0.9)
    assert student_row(summary, "memkd")["median_accuracy_kept"] == pytest.approx(0.95)


def test_compression(summary):
    # kd: QUANT bytes / 5000 = 200, 400, 800, 1600 -> median 600; no parameter ratio
    kd = student_row(summary, "kd")
    assert kd["median_compression_bytes"] == pytest.approx(600.0)
    assert math.isnan(kd["median_compression_params"])
    # memkd: 200000 / 10000 bytes, 50000 / 2000 parameters
    memkd = student_row(summary, "memkd")
    assert memkd["median_compression_bytes"] == pytest.approx(20.0)
    assert memkd["median_compression_params"] == pytest.approx(25.0)


def test_other_student_columns(summary):
    kd = student_row(summary, "kd")
    assert kd["teacher"] == "teacher-quant"
    assert student_row(summary, "memkd")["teacher"] == "teacher-lstm"
    assert kd["n_datasets"] == 4
    assert kd["n_results"] == 8  # 4 datasets x 2 resamples
    assert kd["mean_accuracy"] == pytest.approx((0.81 + 0.64 + 0.90 + 0.54) / 4)
    assert kd["mean_agreement"] == pytest.approx(0.9)
    assert kd["median_fit_seconds"] == pytest.approx(2.5)
    assert kd["median_predict_ms_per_series"] == pytest.approx(0.5)
    assert kd["median_n_params"] == pytest.approx(1000)


def test_teachers_listed_separately(summary):
    teachers = summary["teachers"].set_index("model")
    assert list(teachers.index) == ["teacher-quant", "teacher-lstm"]
    assert teachers.loc["teacher-quant", "mean_accuracy"] == pytest.approx(0.825)
    assert math.isnan(teachers.loc["teacher-quant", "median_n_params"])
    assert teachers.loc["teacher-quant", "median_n_bytes"] == pytest.approx(3_000_000)
    assert teachers.loc["teacher-lstm", "median_n_params"] == pytest.approx(50_000)
    assert summary["n_datasets"] == 4
    assert summary["n_ranked_datasets"] == 4
    assert summary["resamples_per_dataset"] == [2]


def test_csv_round_trip(results, summary, tmp_path):
    path = tmp_path / "results.csv"
    results.to_csv(path, index=False)
    loaded = load_results(path)
    assert (loaded.loc[loaded["role"] == "teacher", "student"] == "").all()
    assert loaded.loc[loaded["model"] == "teacher-quant", "n_params"].isna().all()
    pd.testing.assert_frame_equal(summary_table(path)["students"], summary["students"])


def test_missing_columns_are_named(results):
    with pytest.raises(ValueError, match="teacher, n_bytes"):
        load_results(results.drop(columns=["n_bytes", "teacher"]))


def test_duplicate_rows_rejected(results):
    with pytest.raises(ValueError, match="repeat a dataset, resample and model"):
        load_results(pd.concat([results, results.iloc[:1]]))


def assert_png(path):
    with open(path, "rb") as file:
        assert file.read(8) == PNG_MAGIC


def test_plots_write_png(results, tmp_path):
    for plot in (plot_critical_difference, plot_teacher_vs_student, plot_accuracy_vs_size):
        path = tmp_path / "figures" / f"{plot.__name__}.png"
        assert plot(results, path) == path
        assert_png(path)


def test_critical_difference_needs_two_datasets(tmp_path):
    one_dataset = make_results(datasets=("D1",))
    with pytest.raises(ValueError, match="got 3 models and 1 datasets"):
        plot_critical_difference(one_dataset, tmp_path / "cd.png")
    assert not (tmp_path / "cd.png").exists()


def test_critical_difference_needs_three_students(tmp_path):
    two_students = make_results(models=("teacher-quant", "none", "kd"))
    with pytest.raises(ValueError, match="got 2 models and 4 datasets"):
        plot_critical_difference(two_students, tmp_path / "cd.png")


def test_teacher_vs_student_needs_teacher_rows(results, tmp_path):
    students_only = results[results["role"] == "student"]
    with pytest.raises(ValueError, match="no student has a result of its teacher"):
        plot_teacher_vs_student(students_only, tmp_path / "tvs.png")


def test_write_summary(results, tmp_path):
    written = write_summary(results, tmp_path / "report", prefix="toy")
    for key in ("critical_difference", "teacher_vs_student", "accuracy_vs_size"):
        assert written[key] == tmp_path / "report" / f"toy_{key}.png"
        assert_png(written[key])
    assert written["skipped"] == {}
    markdown = written["summary"].read_text()
    assert written["summary"].name == "toy_summary.md"
    assert "4 datasets, 2 resamples per dataset" in markdown
    for model in MEAN_ACCURACY:
        assert f"| {model} |" in markdown
    # per-dataset table: rows datasets, columns every model
    assert "| dataset | teacher-quant | teacher-lstm | none | kd | memkd |" in markdown
    assert "| D2 | 0.800 | 0.700 | 0.800 | 0.640 | 0.700 |" in markdown
    assert "toy_critical_difference.png" in markdown

    headline = written["headline"]
    assert headline in markdown
    assert "kd 90.0%" in headline and "memkd 95.0%" in headline and "none 80.0%" in headline
    assert "kd 600.0x" in headline and "memkd 20.0x" in headline
    assert "memkd 25.0x" in headline  # parameter ratio, LSTM teacher only
    assert "kd 3, none 1, memkd 1" in headline


def test_summary_names_students_with_fewer_resamples(results, tmp_path):
    # memkd has resample 0 only: its per-dataset means average one resample, not two
    partial = results[(results["model"] != "memkd") | (results["resample"] == 0)]
    summary = summary_table(partial)
    assert student_row(summary, "memkd")["n_results"] == 4
    assert student_row(summary, "kd")["n_results"] == 8
    teachers = summary["teachers"].set_index("model")
    assert teachers.loc["teacher-quant", "n_results"] == 8
    markdown = write_summary(partial, tmp_path)["summary"].read_text()
    assert "fewer results than the most complete model" in markdown
    assert "memkd 4 of 8." in markdown
    complete = write_summary(results, tmp_path / "complete")["summary"].read_text()
    assert "fewer results" not in complete


def test_write_summary_skips_critical_difference_with_one_dataset(tmp_path):
    written = write_summary(make_results(datasets=("D1",)), tmp_path)
    assert written["critical_difference"] is None
    assert not (tmp_path / "ucr_critical_difference.png").exists()
    assert_png(written["teacher_vs_student"])
    assert_png(written["accuracy_vs_size"])
    markdown = written["summary"].read_text()
    assert "Critical difference (students): skipped" in markdown
    assert "1 datasets" in markdown
    assert "| kd |" in markdown
