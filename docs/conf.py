"""Sphinx configuration for the aeon-kd documentation (offline, warnings are errors)."""

import os
import shutil
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(ROOT))

# Examples run on the CPU with few threads; keep torch quiet and deterministic.
os.environ.setdefault("OMP_NUM_THREADS", "2")

import aeon_kd  # noqa: E402

project = "aeon-kd"
author = "aeon-kd developers"
copyright = "aeon-kd developers"
version = release = aeon_kd.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "sphinx.ext.viewcode",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

# Offline build: no inventories are fetched.
intersphinx_mapping = {}

templates_path = ["_templates"]
exclude_patterns = ["_build", "Thumbs.db", ".DS_Store", "auto_examples/*.ipynb",
                    "auto_examples/*.py", "auto_examples/*.zip", "auto_examples/*.md5",
                    "auto_examples/*.json", "auto_examples/*.codeobj.json"]

autosummary_generate = True
autosummary_imported_members = True
autodoc_default_options = {"members": True, "inherited-members": False}
autodoc_typehints = "none"

numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_validation_checks = set()

html_theme = "pydata_sphinx_theme"
html_title = f"aeon-kd {release}"
html_theme_options = {"navigation_with_keys": False, "show_toc_level": 2}
html_static_path = []

# The committed benchmark pictures live in benchmarks/results/; copy them next to the
# page that shows them so the source tree stays the single place they are kept.
_BENCH_SRC = ROOT / "benchmarks" / "results"
_BENCH_DST = DOCS / "_generated_images"
_BENCH_DST.mkdir(exist_ok=True)
for _png in sorted(_BENCH_SRC.glob("ucr_*.png")):
    shutil.copy2(_png, _BENCH_DST / _png.name)

sphinx_gallery_conf = {
    "examples_dirs": str(ROOT / "examples"),
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    "download_all_examples": False,
    "remove_config_comments": True,
    "abort_on_example_error": True,
    "show_memory": False,
    "reset_modules": ("matplotlib",),
    "within_subsection_order": "FileNameSortKey",
}


def _skip_foreign_members(app, what, name, obj, skip, options):
    """Hide members that aeon_kd does not define (scikit-learn's ``set_*_request``...).

    Their docstrings point at scikit-learn's own glossary and labels, which do not exist
    in this offline build; they are documented by scikit-learn.
    """
    if what != "class" or skip:
        return skip
    module = getattr(obj, "__module__", None) or ""
    if not module.startswith("aeon_kd"):
        return True
    return skip


def setup(app):
    """Register the member filter."""
    app.connect("autodoc-skip-member", _skip_foreign_members)
