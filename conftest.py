"""Root pytest hook: stop at once, with one line, when the stored notebook outputs are stale.

``make test`` runs strict nbval on notebooks whose outputs were stored by ``make figures``. After a
page, the metadata table, the codebook or the study file changes, every notebook would fail with
pages of diffs. Instead, when notebooks are collected under ``--nbval`` (or ``--nbval-lax``) and
the corpus fingerprint recorded by ``python -m analysis.study stamp`` (at the end of ``make
figures``) differs from the current one, the session exits before running anything with
"notebook outputs are older than the corpus (...): run make figures" (return code 1).
"""
import pytest


def pytest_collection_modifyitems(session, config, items):
    """Exit with "run make figures" when notebooks are validated against stale outputs."""
    if not (config.getoption("nbval", default=False) or config.getoption("nbval_lax", default=False)):
        return
    if not any(str(getattr(item, "path", item.fspath)).endswith(".ipynb") for item in items):
        return
    from analysis.study import stale_outputs

    reason = stale_outputs()
    if reason:
        pytest.exit(reason, returncode=1)
