"""Shared fixtures.

Tests that need the five seed pages read the frozen copy in ``tests/fixtures/seed/`` (never
``data/raw/``), so that nothing in the suite changes when a researcher adds a page to the corpus.
"""
import pytest

from analysis.paths import SEED_METADATA, SEED_RAW


@pytest.fixture(scope="session")
def seed_raw():
    """Folder of the five frozen seed pages (with their SHA256SUMS)."""
    return SEED_RAW


@pytest.fixture(scope="session")
def seed_metadata():
    """The seed pages' metadata table."""
    return SEED_METADATA
