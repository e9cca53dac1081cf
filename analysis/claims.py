"""Claims that check themselves: a notebook sentence about the data, checked where it is written.

A sentence that states a count, a rank or an absence ("souveraineté occurs only in teasers",
"two articles against three") is a claim about the data. In a notebook it is followed by one
short claim cell::

    claims.check("05-1", "souveraineté occurs only in teasers",
                 kwic_hits["kind"].eq("related").all(), kinds=kwic_hits["kind"])

**When the claim holds, nothing is printed and nothing is returned** (``check`` returns None),
so a claim cell has no output and strict nbval compares nothing for it. When it no longer holds,
:class:`~analysis.errors.ClaimError` is raised with the notebook (from the id's prefix: ``"05-1"``
-> notebook 05), the claim, and the values given as keywords, so that ``make figures`` on a
changed corpus stops at the first sentence to revise and says which one.

Claim ids are ``NN-M``: ``NN`` the notebook number, ``M`` the claim's number in that notebook.
The registry of every claim of notebooks 01-08, each computed from the corpus, is
:mod:`analysis.findings`. Importing this module reads no file and prints nothing.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from analysis.errors import ClaimError

__all__ = ["check", "notebook_of", "format_values", "ClaimError"]

_ID_RE = re.compile(r"(?P<notebook>\d{2})-(?P<number>[0-9A-Za-z_.]+)\Z")
#: Longest rendering of one value in an error message.
MAX_VALUE_CHARS = 300


def notebook_of(claim_id: str) -> str:
    """The notebook number of a claim id (``"05-1"`` -> ``"05"``).

    Raises
    ------
    ValueError
        When the id is not ``NN-M``.
    """
    match = _ID_RE.match(str(claim_id))
    if not match:
        raise ValueError(f"claim id {claim_id!r} must be 'NN-M': the notebook number, a dash, the claim's number")
    return match["notebook"]


def _render(value) -> str:
    if isinstance(value, pd.DataFrame):
        shown = value.to_dict(orient="records")
    elif isinstance(value, pd.Series):
        shown = value.tolist() if isinstance(value.index, pd.RangeIndex) else value.to_dict()
    elif isinstance(value, np.ndarray):
        shown = value.tolist()
    elif isinstance(value, (set, frozenset)):
        shown = sorted(value, key=str)
    elif isinstance(value, np.generic):
        shown = value.item()
    else:
        shown = value
    text = repr(shown)
    return text if len(text) <= MAX_VALUE_CHARS else text[: MAX_VALUE_CHARS - 3] + "..."


def format_values(values: dict) -> str:
    """``name=value`` pairs, each value shortened to :data:`MAX_VALUE_CHARS` characters."""
    return "; ".join(f"{name}={_render(value)}" for name, value in values.items())


def _truth(holds) -> bool:
    """``holds`` as one bool: a Series or array holds when all its elements do."""
    if isinstance(holds, (pd.Series, pd.DataFrame, np.ndarray)):
        return bool(np.asarray(holds, dtype=bool).all())
    if holds is None:
        raise TypeError("a claim's `holds` must be a bool (or a boolean Series), not None")
    return bool(holds)


def check(claim_id: str, statement: str, holds, **values) -> None:
    """Check one claim of a notebook's prose; silent when it holds.

    Parameters
    ----------
    claim_id : str
        ``NN-M``: the notebook number and the claim's number in it (``"05-1"``).
    statement : str
        The claim, as the prose makes it (short).
    holds : bool or boolean array-like
        Whether the data support it; an array or Series holds when all its elements are true.
    **values
        The numbers the claim rests on, shown in the error (DataFrames and long values are
        shortened).

    Returns
    -------
    None
        Nothing is printed or returned when the claim holds.

    Raises
    ------
    ClaimError
        ``notebook NN, claim NN-M no longer holds: "statement" (values: ...); revise this
        sentence of notebook NN or check the data``.
    """
    notebook = notebook_of(claim_id)
    if _truth(holds):
        return None
    shown = f" (values: {format_values(values)})" if values else ""
    raise ClaimError(f"notebook {notebook}, claim {claim_id} no longer holds: \"{statement}\"{shown}; "
                     f"revise this sentence of notebook {notebook} or check the data")
