# Quick start: `make demo` (set up + main job) and `make test` (set up + test suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: setup demo test lint bench-paper bench-forecast bench-cross-domain clean

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

# Issue 3's table (benchmarks/results/paper_protocol.{csv,md}): ~3 h on 2 cores; resumable.
bench-paper: setup
	$(BIN)/python benchmarks/paper_protocol.py --max-epochs 200 --threads 1 \
		--out benchmarks/results/paper_protocol.csv

# Issue 4's table (benchmarks/results/forecasting.{csv,md}): lookback 336, four horizons.
bench-forecast: setup
	$(BIN)/python benchmarks/forecasting.py --out benchmarks/results/forecasting.csv

# Issue 5's table (benchmarks/results/cross_domain.{csv,md}): 5 scenarios x 3 seeds; resumable.
bench-cross-domain: setup
	$(BIN)/python benchmarks/cross_domain.py --out benchmarks/results/cross_domain.csv

lint: setup
	$(BIN)/ruff check aeon_kd tests benchmarks

clean:
	rm -rf $(VENV) build *.egg-info
