# Two commands do everything on a fresh clone (Python 3.11+, make, PyPI reachable):
#   make figures   install what is missing, execute every notebook in order, regenerate figures/
#   make test      install what is missing, run the unit tests and strict nbval on every notebook
# Everything is installed into .venv (pinned by requirements.txt); nothing is registered globally.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))

# Same hash seed everywhere, so that nothing printed can depend on set/dict ordering by chance.
export PYTHONHASHSEED := 0
# No network at run time: the code never downloads; these keep third-party libraries quiet too.
export HF_HUB_OFFLINE := 1
export MPLBACKEND := Agg
export JUPYTER_PLATFORM_DIRS := 1

.PHONY: install figures test bench bench-smoke pin clean-venv help

help:
	@echo "make figures  - execute notebooks/NN_*.ipynb in order and regenerate figures/"
	@echo "make test     - unit tests + strict nbval (what CI runs)"
	@echo "make bench    - benchmarks at 1k/10k/100k pages (about 15 min), JSON in benchmarks/results/"
	@echo "make pin      - record checksums of data/raw/*.txt after adding an article"

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; run: make PYTHON=python3.11 ...")'
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	touch $(STAMP)

install: $(STAMP)

figures: $(STAMP)
	@for nb in $(NOTEBOOKS); do \
	  echo "executing $$nb"; \
	  $(PY) -m jupyter nbconvert --to notebook --execute --inplace \
	    --ExecutePreprocessor.record_timing=False --ExecutePreprocessor.timeout=1800 \
	    --ExecutePreprocessor.kernel_name=python3 "$$nb" || exit 1; \
	done

test: $(STAMP)
	$(PY) -m pytest tests notebooks --nbval --nbval-sanitize-with notebooks/sanitize.cfg --nbval-kernel-name python3

bench: $(STAMP)
	$(PY) -m benchmarks.run --sizes 1000 10000 100000 --dask-sizes 10000
	$(PY) -m benchmarks.large_page --megabytes 10
	$(PY) -m benchmarks.notebooks

bench-smoke: $(STAMP)
	$(PY) -m benchmarks.run --sizes 100 --dask-sizes 100 --nltk-max-pages 100 --no-save --no-progress
	$(PY) -m benchmarks.notebooks --n 2 --floor-only --no-save

pin: $(STAMP)
	$(PY) -m analysis.corpus pin

clean-venv:
	rm -rf $(VENV)
