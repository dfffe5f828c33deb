"""benchmarks/ucr_merge.py: rows move as the lines they are, byte for byte."""

import pytest

from tests.conftest import load_benchmark_script

HEADER = "dataset,resample,model,accuracy\n"


@pytest.fixture(scope="module")
def ucr_merge():
    return load_benchmark_script("ucr_merge")


def _write(path, text):
    with open(path, "w", newline="") as f:
        f.write(text)


def _read(path):
    with open(path, newline="") as f:
        return f.read()


def test_untouched_rows_keep_their_bytes_and_new_rows_are_appended(ucr_merge, tmp_path):
    # digits pandas would rewrite, a CRLF line among LF ones, no newline at the end
    table = (HEADER + "A,0,kd,0.9523809523809523\r\n"
             "A,0,none,0.1000000000000000055\nB,0,kd,1")
    _write(tmp_path / "results.csv", table)
    _write(tmp_path / "new.csv",
           HEADER + "A,0,kd,0.5\nB,0,tsd,0.8750000000000001\nC,1,tsd,0.25\nC,1,none,0.3\n")
    copied = ucr_merge.merge(str(tmp_path / "new.csv"), str(tmp_path / "results.csv"),
                             models={"tsd"})
    assert copied == [("B", 0, "tsd"), ("C", 1, "tsd")]
    assert _read(tmp_path / "results.csv") == (
        table + "\nB,0,tsd,0.8750000000000001\nC,1,tsd,0.25\n")
    # a second merge finds nothing new
    assert ucr_merge.merge(str(tmp_path / "new.csv"), str(tmp_path / "results.csv"),
                           models={"tsd"}) == []


def test_replace_and_move_out_of_the_source(ucr_merge, tmp_path):
    _write(tmp_path / "results.csv", HEADER + "A,0,kd,0.9\nA,0,tsd,0.1\n")
    _write(tmp_path / "pending.csv", HEADER + "A,0,tsd,0.7\nB,0,tsd,0.6\nB,0,kd,0.5\n")
    copied = ucr_merge.merge(str(tmp_path / "pending.csv"), str(tmp_path / "results.csv"),
                             models={"tsd"}, replace={"tsd"}, remove_from_source=True)
    assert copied == [("A", 0, "tsd"), ("B", 0, "tsd")]
    assert _read(tmp_path / "results.csv") == (
        HEADER + "A,0,kd,0.9\nA,0,tsd,0.7\nB,0,tsd,0.6\n")
    assert _read(tmp_path / "pending.csv") == HEADER + "B,0,kd,0.5\n"


def test_prediction_files_travel_with_their_rows(ucr_merge, tmp_path):
    source, target = tmp_path / "scratch", tmp_path / "committed"
    for folder in (source, target):
        folder.mkdir()
    _write(source / "results.csv", HEADER + "A,2,tsd,0.7\n")
    _write(target / "results.csv", HEADER)
    predictions = source / "tsml" / "tsd" / "Predictions" / "A"
    predictions.mkdir(parents=True)
    _write(predictions / "testResample2.csv", "A,tsd\n1,1\n")
    ucr_merge.merge(str(source / "results.csv"), str(target / "results.csv"),
                    tsml=str(source / "tsml"))
    assert _read(target / "tsml" / "tsd" / "Predictions" / "A" / "testResample2.csv") == (
        "A,tsd\n1,1\n")


def test_tables_of_other_columns_are_refused(ucr_merge, tmp_path):
    _write(tmp_path / "results.csv", HEADER)
    _write(tmp_path / "other.csv", "dataset,resample,model,f1\nA,0,kd,0.9\n")
    with pytest.raises(ValueError, match="different columns"):
        ucr_merge.merge(str(tmp_path / "other.csv"), str(tmp_path / "results.csv"))
    assert _read(tmp_path / "results.csv") == HEADER


def test_a_missing_destination_is_created(ucr_merge, tmp_path):
    _write(tmp_path / "new.csv", HEADER + "A,0,tsd,0.7\r\n")
    assert ucr_merge.merge(str(tmp_path / "new.csv"), str(tmp_path / "fresh.csv")) == [
        ("A", 0, "tsd")]
    assert _read(tmp_path / "fresh.csv") == HEADER + "A,0,tsd,0.7\r\n"
