"""The aeon-kd command line, run as a user runs it: in a subprocess, on bundled data."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from aeon.datasets import load_italy_power_demand

from aeon_kd.deploy import load_student


def run(*args, cwd=None):
    return subprocess.run(
        [sys.executable, "-m", "aeon_kd", *map(str, args)],
        capture_output=True, text=True, cwd=cwd, timeout=600,
    )


def test_console_script_is_installed():
    script = Path(sys.executable).parent / "aeon-kd"
    assert script.exists(), "pip install -e . creates the aeon-kd command"
    out = subprocess.run([str(script), "--version"], capture_output=True, text=True)
    assert out.returncode == 0 and out.stdout.startswith("aeon-kd ")


@pytest.mark.parametrize("command", [[], ["distill"], ["bench"], ["methods"], ["students"]])
def test_help_everywhere(command):
    out = run(*command, "--help")
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith("usage: aeon-kd")


def test_methods_and_students_list_what_exists():
    methods = run("methods")
    assert methods.returncode == 0
    for name in ("kd", "memkd", "tsd", "unikd", "timedistill"):
        assert f"\n{name} " in methods.stdout
    assert "arXiv:2601.04264" in methods.stdout  # MemKD's paper
    assert "hidden" in methods.stdout and "--teacher" in methods.stdout
    students = run("students")
    assert students.returncode == 0
    for name in ("lstm", "gru", "cnn", "adatime_cnn", "dmlp"):
        assert f"\n{name} " in students.stdout


def test_distill_prints_the_report_and_exports(tmp_path):
    target = tmp_path / "student.onnx"
    out = run("distill", "--dataset", "ItalyPowerDemand", "--teacher", "quant",
              "--method", "kd", "--student", "cnn", "--max-epochs", "3",
              "--export", target, "--budget", "0.02")
    assert out.returncode == 0, out.stderr
    text = out.stdout
    assert "ItalyPowerDemand: 67 train / 1029 test series" in text
    assert "epoch" in text  # per-epoch progress table
    assert "teacher test accuracy" in text and "student test accuracy" in text
    assert "MACs/series" in text and "smaller on disk" in text
    assert f"exported onnx student to {target}" in text
    X_test, y_test = load_italy_power_demand(split="test")
    accuracy = float(text.split("student test accuracy: ")[1].split()[0])
    assert load_student(target).score(X_test, y_test) == pytest.approx(accuracy, abs=1e-4)


@pytest.mark.parametrize(
    "args, message",
    [
        (["--dataset", "NoSuchProblem"], "No classification problem named 'NoSuchProblem'"),
        (["--dataset", "GunPoint", "--teacher", "quant", "--method", "memkd"],
         "needs ['hidden'] from the teacher"),
        (["--dataset", "GunPoint", "--method", "nope"], "unknown method 'nope'"),
        (["--dataset", "GunPoint", "--method", "timedistill"], "'distill' trains classifiers"),
        (["--dataset", "GunPoint", "--method", "unikd"], "needs unlabelled target-domain"),
        (["--dataset", "GunPoint", "--export", "missing/folder/s.onnx"], "does not exist"),
        (["--dataset", "GunPoint", "--max-epochs", "0", "--export", "s.onnx"], "--max-epochs"),
    ],
)
def test_distill_errors_are_one_line_with_exit_status_2(args, message, tmp_path):
    out = run("distill", *args, "--quiet", cwd=tmp_path)
    assert out.returncode == 2
    assert message in out.stderr
    assert "Traceback" not in out.stderr
    assert list(tmp_path.iterdir()) == []  # nothing written


def test_bad_choice_is_rejected_by_the_parser():
    out = run("distill", "--dataset", "GunPoint", "--format", "tflite")
    assert out.returncode == 2 and "invalid choice: 'tflite'" in out.stderr


def test_bench_runs_and_resumes(tmp_path):
    out_dir = tmp_path / "ucr"
    args = ["bench", "--datasets", "Chinatown", "ItalyPowerDemand", "--methods", "none", "kd",
            "--students", "default", "--resamples", "0", "--max-epochs", "2",
            "--n-jobs", "1", "--backend", "sequential", "--out", out_dir]
    first = run(*args)
    assert first.returncode == 0, first.stderr
    results = pd.read_csv(out_dir / "results.csv")
    assert set(results["dataset"]) == {"Chinatown", "ItalyPowerDemand"}
    assert {"none", "kd"} <= set(results["method"])
    assert np.all(results["accuracy"].between(0, 1))
    summary = (tmp_path / "ucr_summary.md").read_text()
    assert "Command: `aeon-kd bench --datasets Chinatown" in summary
    second = run(*args)  # everything finished: nothing is refitted
    assert second.returncode == 0
    assert "0 tasks to run" in second.stdout or "nothing to run" in second.stdout.lower()
    assert len(pd.read_csv(out_dir / "results.csv")) == len(results)
