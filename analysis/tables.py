"""Tables to cite: result tables written as deterministic CSV files under ``tables/``.

A paper cites the keyness, prevalence and KWIC tables as files. :func:`save_table` writes
``tables/NN_name.csv`` so that the same table gives the same bytes on every run and machine:
UTF-8 without BOM, ``\\n`` line ends, one fixed float format, and an atomic write (temporary
file in the same folder, then a rename), so a reader never sees half a table.
"""
from __future__ import annotations

import io
import re
from pathlib import Path

import pandas as pd

from analysis.paths import TABLES

_NAME_RE = re.compile(r"^[0-9]{2}_[A-Za-z0-9][A-Za-z0-9_.-]*$")


def table_csv(df: pd.DataFrame, *, float_format: str = "%.6g", index: bool = False) -> str:
    """The CSV text of ``df`` as :func:`save_table` writes it.

    Parameters
    ----------
    df : pandas.DataFrame
    float_format : str
        printf-style format of every float (``"%.6g"``: six significant digits).
    index : bool
        Whether to write the index (a named index is written as a first column).

    Returns
    -------
    str
    """
    buffer = io.StringIO()
    df.to_csv(buffer, index=index, float_format=float_format, lineterminator="\n",
              date_format="%Y-%m-%d")
    return buffer.getvalue()


def save_table(df: pd.DataFrame, name: str, tables_dir: Path | str = TABLES, *,
               float_format: str = "%.6g", index: bool = False) -> Path:
    """Write ``df`` to ``tables_dir/<name>.csv`` deterministically and return the path.

    Parameters
    ----------
    df : pandas.DataFrame
    name : str
        File stem named after the notebook, ``NN_name`` (``"03_keyness-period"``); a trailing
        ``.csv`` is accepted.
    tables_dir : path-like
        Output folder (created if missing); default :data:`analysis.paths.TABLES`.
    float_format : str
        printf-style float format.
    index : bool
        Whether to write the index.

    Returns
    -------
    pathlib.Path
        The written file.

    Raises
    ------
    ValueError
        When ``name`` is not ``NN_name`` (two digits, an underscore, letters, digits, ``-_.``).
    """
    from analysis.plots import write_atomic

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"save_table needs a pandas DataFrame, not {type(df).__name__}")
    stem = name[:-4] if name.endswith(".csv") else name
    if not _NAME_RE.match(stem):
        raise ValueError(f"table name {name!r} is not 'NN_name' (e.g. '03_keyness-period')")
    tables_dir = Path(tables_dir)
    tables_dir.mkdir(parents=True, exist_ok=True)
    text = table_csv(df, float_format=float_format, index=index)
    return write_atomic(tables_dir / f"{stem}.csv", text.encode("utf-8"))
