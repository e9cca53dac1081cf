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
