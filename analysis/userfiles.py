"""Checks shared by every loader of a file a researcher edits or brings (codebook, study file,
metadata table, IRaMuTeQ corpus): the file exists and can be read, and a TOML table has the keys
its schema allows. Each caller passes its own error type, so the message names the file (and key)
and the exception says which kind of input is wrong. Importing this module creates nothing.
"""
from __future__ import annotations

from pathlib import Path


def read_bytes(path: Path | str, error: type[Exception], what: str, hint: str = "") -> bytes:
    """The bytes of a user file, or ``error`` naming it (not found, a folder, unreadable).

    Parameters
    ----------
    path : path-like
    error : exception class
        Raised with a message that starts with the path (e.g. ``CodebookError``).
    what : str
        What the file is, for the message ("codebook", "study file", "metadata table").
    hint : str
        Appended to the "not found" message (e.g. "pass metadata=None to load without it").

    Returns
    -------
    bytes
    """
    path = Path(path)
    if not path.is_file():
        kind = "is a folder, not a file" if path.is_dir() else "not found"
        raise error(f"{path}: {what} {kind}" + (f" ({hint})" if hint else ""))
    try:
        return path.read_bytes()
    except OSError as exc:
        raise error(f"{path}: {what} cannot be read: {exc.strerror or exc}") from None


def check_keys(path, where: str, table, allowed: set, required: set, error: type[Exception]) -> None:
    """Raise ``error`` naming the file and key unless ``table`` is a dict with only ``allowed``
    keys and every ``required`` one.

    Parameters
    ----------
    path : path-like
        The file, for the message.
    where : str
        The key or table within the file (``[codebook]``, ``themes[3]``, ``comparisons[0]``).
    table : object
        What the file holds there.
    allowed, required : set of str
    error : exception class
    """
    if not isinstance(table, dict):
        raise error(f"{path}: {where}: expected a table, got {type(table).__name__}")
    unknown = sorted(set(table) - set(allowed))
    if unknown:
        raise error(f"{path}: {where}: unknown key(s) {', '.join(map(repr, unknown))}; allowed: "
                    f"{', '.join(sorted(allowed))}")
    missing = sorted(set(required) - set(table))
    if missing:
        raise error(f"{path}: {where}: missing key(s) {', '.join(map(repr, missing))}")
