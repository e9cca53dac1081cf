# Two commands do everything on a fresh clone (Python 3.11+, make, PyPI reachable):
#   make figures   install what is missing, execute every notebook, regenerate figures/ (and tables/)
#   make test      install what is missing, run the unit tests and strict nbval on every notebook
# Everything is installed into .venv (pinned by requirements.txt), including the Jupyter kernel
# "vn-digital-discourse"; nothing is registered globally. `make help` lists every target.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp
NOTEBOOKS := $(sort $(wildcard notebooks/[0-9][0-9]_*.ipynb))
# The project's kernel, registered inside .venv (ipykernel install --sys-prefix): from JupyterLab
# or VS Code pick "Python (vn-digital-discourse)" and `import analysis` works.
KERNEL      := vn-digital-discourse
KERNEL_SPEC := $(VENV)/share/jupyter/kernels/$(KERNEL)/kernel.json
# Notebooks executed at once by `make figures` (each reads only the module and data/).
JOBS ?= 2

# Same hash seed everywhere, so that nothing printed can depend on set/dict ordering by chance.
export PYTHONHASHSEED := 0
# No network at run time: the code never downloads; these keep third-party libraries quiet too.
export HF_HUB_OFFLINE := 1
export MPLBACKEND := Agg
# Jupyter's platform-standard folders (silences jupyter_core's deprecation warning).
export JUPYTER_PLATFORM_DIRS := 1

.PHONY: help install kernel figures test report report-check bench bench-smoke pin clean-report clean-venv

help:
	@echo "make install       - create .venv, install the pinned requirements and the analysis package"
	@echo "make kernel        - register the Jupyter kernel '$(KERNEL)' inside .venv (nothing global)"
	@echo "make figures       - execute notebooks/NN_*.ipynb ($(JOBS) at a time), regenerate figures/ and tables/"
	@echo "make test          - unit tests + strict nbval on every notebook (what CI runs)"
	@echo "make report        - static HTML site of the executed notebooks in report/_build/ (offline)"
	@echo "make report-check  - open every report page in headless Chromium, screenshots, fail on errors"
	@echo "make bench         - benchmarks at 1k/10k/100k pages (about 25 min), JSON in benchmarks/results/"
	@echo "make bench-smoke   - the benchmarks at 100 pages, nothing saved"
	@echo "make pin           - record checksums of data/raw/*.txt after adding an article"
	@echo "make clean-report  - delete report/_build/"
	@echo "make clean-venv    - delete .venv/"
	@echo "make help          - this list"

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed; run: make PYTHON=python3.11 ...")'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@echo "installing the pinned requirements into $(VENV)"
	@$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	@$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	@touch $(STAMP)

install: $(STAMP)

$(KERNEL_SPEC): $(STAMP)
	@$(PY) -m ipykernel install --sys-prefix --name $(KERNEL) --display-name "Python ($(KERNEL))" >/dev/null
	@echo "registered kernel $(KERNEL) in $(VENV)"

kernel: $(KERNEL_SPEC)

figures: $(KERNEL_SPEC)
	@$(PY) scripts/run_notebooks.py --jobs $(JOBS) --kernel $(KERNEL) $(NOTEBOOKS)
	@$(PY) -m analysis.study stamp

test: $(KERNEL_SPEC)
	$(PY) -m pytest tests notebooks --nbval --nbval-sanitize-with notebooks/sanitize.cfg --nbval-kernel-name $(KERNEL)

report: $(STAMP)
	@$(PY) -m analysis.report build

report-check: $(STAMP)
	@command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 || { \
	  echo "installing Debian's chromium (apt-get install -y chromium)"; \
	  apt-get install -y chromium >/dev/null || { echo "could not install chromium: run 'sudo apt-get install -y chromium'"; exit 1; }; }
	@$(PY) -m analysis.report check --browser

bench: $(STAMP)
	$(PY) -m benchmarks.run --sizes 1000 10000 100000 --dask-sizes 10000
	$(PY) -m benchmarks.large_page --megabytes 10
	$(PY) -m benchmarks.notebooks

bench-smoke: $(STAMP)
	$(PY) -m benchmarks.run --sizes 100 --dask-sizes 100 --nltk-max-pages 100 --no-save --no-progress
	$(PY) -m benchmarks.notebooks --n 2 --floor-only --no-save

# make pin adds new pages only; a deliberate change to a pinned page: make pin ACCEPT=NAME[,NAME...]
pin: $(STAMP)
	$(PY) -m analysis.pinning pin $(if $(ACCEPT),--accept-changed $(ACCEPT))

clean-report:
	rm -rf report/_build

clean-venv:
	rm -rf $(VENV)
