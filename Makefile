# Quick start: `make demo` (set up + main job) and `make test` (set up + test suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test lint clean

setup: $(STAMP)

# torch first, pinned to the CPU wheel on disk: an unpinned torch pulls a multi-GB CUDA
# build. pyproject.toml keeps a lower bound only, so users get their own build.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e ".[dev,benchmarks]"
	touch $(STAMP)

demo: setup
	$(BIN)/python benchmarks/demo.py

test: setup
	$(BIN)/ruff check aeon_kd tests benchmarks
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check aeon_kd tests benchmarks

clean:
	rm -rf $(VENV) build *.egg-info
