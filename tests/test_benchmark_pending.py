"""benchmarks/ucr_pending.py: pending rows are compared on every pair they share."""

import sys

import pandas as pd

from tests.conftest import load_benchmark_script


def _table(path, rows):
    pd.DataFrame(rows, columns=["dataset", "resample", "model", "accuracy",
                                "fit_seconds"]).to_csv(path, index=False)  # fmt: skip


def test_superseded_rows_of_fewer_resamples_do_not_drop_pending_pairs(tmp_path, monkeypatch):
    results, pending, old = (tmp_path / f"{n}.csv" for n in ("results", "pending", "old"))
    rows = []
    for dataset, base in (("A", 0.8), ("B", 0.6)):
        for resample in (0, 1):
            rows += [(dataset, resample, "teacher-quant", base + 0.1, 1.0),
                     (dataset, resample, "none", base, 1.0),
                     (dataset, resample, "kd", base + 0.01, 1.0)]  # fmt: skip
    _table(results, rows + [("A", 0, "tsd", 0.85, 5.0), ("B", 0, "tsd", 0.55, 5.0)])
    _table(pending, [("A", 1, "tsd", 0.9, 6.0), ("B", 1, "tsd", 0.65, 7.0)])
    _table(old, [("A", 0, "tsd", 0.5, 5.0), ("B", 0, "tsd", 0.5, 5.0)])
    out = tmp_path / "report.md"
    monkeypatch.setattr(sys, "argv", [
        "ucr_pending.py", "--results", str(results), "--pending", str(pending),
        "--superseded", str(old), "--models", "tsd", "--out", str(out)])  # fmt: skip
    load_benchmark_script("ucr_pending").main()
    report = out.read_text()
    # all four pairs, though the superseded rows hold resample 0 only
    assert "4 pairs (2 problems, resamples [0, 1])" in report
    assert "`tsd` vs `none`: 3 wins, 0 ties, 1 losses" in report
    # per problem: A 0.875 vs 0.8 (win), B 0.6 vs 0.6 (tie)
    assert "Per problem (mean over its resamples): `tsd` vs `none`: 1 wins, 1 ties" in report
    assert "`tsd` vs `tsd (superseded)`: 2 wins, 0 ties, 0 losses" in report
