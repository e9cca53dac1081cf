"""Every path the project reads or writes, in one place.

Functions that read or write take a path parameter whose default comes from here, so that a
test or a researcher can point them elsewhere. Importing this module creates nothing.
"""
from pathlib import Path

PROJ_ROOT = Path(__file__).resolve().parents[1]
DATA = PROJ_ROOT / "data"
RAW = DATA / "raw"
PROCESSED = DATA / "processed"
METADATA = DATA / "metadata.csv"
CHECKSUMS = RAW / "SHA256SUMS"
CODEBOOK = DATA / "codebook.toml"
FIGURES = PROJ_ROOT / "figures"
NOTEBOOKS = PROJ_ROOT / "notebooks"
RESOURCES = Path(__file__).resolve().parent / "resources"
BENCHMARKS = PROJ_ROOT / "benchmarks"
STUDY = DATA / "study.toml"
TABLES = PROJ_ROOT / "tables"
TESTS = PROJ_ROOT / "tests"
FIXTURES = TESTS / "fixtures"
# A frozen copy of the five seed pages and their metadata: tests that need the seed corpus read
# this, so that nothing in the test suite changes when a researcher adds a page to data/raw/.
SEED = FIXTURES / "seed"
SEED_RAW = SEED / "raw"
SEED_METADATA = SEED / "metadata.csv"
REPORT = PROJ_ROOT / "report"
REPORT_BUILD = REPORT / "_build"
REPORT_TEMPLATES = REPORT / "templates"
README = PROJ_ROOT / "README.md"
