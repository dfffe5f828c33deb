"""The documentation stays in step with the code, without building Sphinx.

* every public name (the ``__all__`` lists) is in the API reference source,
  docs/api.rst, and every name listed there exists;
* every public class and function has an ``Examples`` section with doctest lines
  (``--doctest-modules`` runs them with the suite);
* every gallery script in examples/ runs to the end in a fresh interpreter, so the
  examples cannot rot even where the documentation is not built.
"""

import importlib
import importlib.util
import inspect
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
API_RST = ROOT / "docs" / "api.rst"
EXAMPLES = sorted((ROOT / "examples").glob("plot_*.py"))

PUBLIC_MODULES = [
    "aeon_kd",
    "aeon_kd.methods",
    "aeon_kd.students",
    "aeon_kd.teachers",
    "aeon_kd.datasets",
    "aeon_kd.deploy",
    "aeon_kd.benchmarking",
    "aeon_kd.testing",
    "aeon_kd.classification",
    "aeon_kd.forecasting",
    "aeon_kd.training",
    "aeon_kd.transfer",
]
#: public names outside an ``__all__``: the command line and the sktime adapter
EXTRA_NAMES = ["aeon_kd.cli.main", "aeon_kd.sktime.SktimeDistilledClassifier"]
#: names that are not API documentation (the version is on every page)
NOT_DOCUMENTED = {"__version__"}

#: optional packages an example needs, beyond the test requirements
EXAMPLE_NEEDS = {
    "plot_01_quant_teacher.py": ["matplotlib"],
    "plot_06_export_report.py": ["onnx", "onnxruntime"],
}


def _documented_names(text):
    """Fully qualified names listed in autosummary blocks and as re-exports."""
    names = set()
    module = None
    in_autosummary = False
    for line in text.splitlines():
        directive = re.match(r"\.\. currentmodule:: (\S+)", line)
        if directive:
            module = directive.group(1)
            continue
        if line.startswith(".. autosummary::"):
            in_autosummary = True
            continue
        if in_autosummary:
            entry = re.match(r"   (\S+)$", line)
            if line.strip() == "" or line.strip().startswith(":"):
                continue
            if entry:
                names.add(f"{module}.{entry.group(1)}")
                continue
            in_autosummary = False
        reexport = re.match(r"- ``([\w.]+)``: :obj:`([\w.]+)`", line)
        if reexport:
            names.add(reexport.group(1))
    return names


def _public_names():
    names = set(EXTRA_NAMES)
    for module in PUBLIC_MODULES:
        mod = importlib.import_module(module)
        names.update(f"{module}.{n}" for n in mod.__all__ if n not in NOT_DOCUMENTED)
    return names


def test_every_public_name_is_in_the_api_reference():
    documented = _documented_names(API_RST.read_text())
    missing = sorted(_public_names() - documented)
    assert not missing, (
        f"public names missing from docs/api.rst: {missing}; "
        "run `python docs/update_api_rst.py`"
    )


def test_every_api_reference_entry_exists():
    documented = _documented_names(API_RST.read_text())
    stale = []
    for qualified in sorted(documented):
        module, _, name = qualified.rpartition(".")
        try:
            mod = importlib.import_module(module)
        except ImportError:  # an optional extra (sktime) that is not installed
            if importlib.util.find_spec(module.split(".")[0]) is None:
                stale.append(qualified)
            continue
        if not hasattr(mod, name):
            stale.append(qualified)
    assert not stale, f"docs/api.rst lists names that do not exist: {stale}"


def test_the_api_reference_parser_reads_both_forms():
    text = (
        ".. currentmodule:: pkg.mod\n\n.. autosummary::\n   :toctree: generated/\n\n"
        "   Alpha\n   beta\n\nAlso exported here:\n\n- ``pkg.other.gamma``: :obj:`pkg.gamma`\n"
    )
    assert _documented_names(text) == {"pkg.mod.Alpha", "pkg.mod.beta", "pkg.other.gamma"}


#: modules whose ``__all__`` must document every class and function with an example
EXAMPLE_MODULES = [*PUBLIC_MODULES, "aeon_kd.sktime", "aeon_kd.cli"]


def _examples_section(doc):
    """Text of the numpydoc ``Examples`` section of ``doc``, or None when it has none."""
    match = re.search(r"^Examples\n-{3,}\n(.*?)(?=^\w[\w ]*\n-{3,}\n|\Z)", doc, re.M | re.S)
    return match.group(1) if match else None


def test_the_examples_section_parser():
    doc = "Summary.\n\nExamples\n--------\n>>> 1 + 1\n2\n\nNotes\n-----\n>>> not here\n"
    assert _examples_section(doc) == ">>> 1 + 1\n2\n\n"
    assert _examples_section("Summary.\n\nNotes\n-----\n>>> 1\n") is None


def test_every_public_callable_has_a_runnable_example():
    lacking = []
    for module in EXAMPLE_MODULES:
        if module == "aeon_kd.sktime" and importlib.util.find_spec("sktime") is None:
            continue  # the optional sktime extra is not installed
        mod = importlib.import_module(module)
        for name in mod.__all__:
            obj = getattr(mod, name)
            if not (inspect.isclass(obj) or inspect.isroutine(obj)):
                continue  # constants: dicts of settings, tuples of names, the version
            examples = _examples_section(inspect.getdoc(obj) or "")
            if examples is None or ">>>" not in examples:
                lacking.append(f"{module}.{name}")
    assert not lacking, (
        f"public classes and functions without a runnable Examples section: {lacking}"
    )


def test_there_are_examples():
    assert len(EXAMPLES) >= 6
    assert (ROOT / "examples" / "README.txt").is_file()


@pytest.mark.parametrize("script", EXAMPLES, ids=lambda p: p.name)
def test_example_runs(script, tmp_path):
    for package in EXAMPLE_NEEDS.get(script.name, []):
        pytest.importorskip(package)
    env = dict(os.environ, MPLBACKEND="Agg", OMP_NUM_THREADS="2")
    result = subprocess.run(
        [sys.executable, str(script)], cwd=tmp_path, env=env, capture_output=True,
        text=True, timeout=300,
    )
    assert result.returncode == 0, (
        f"{script.name} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
    )
