"""Pinning the raw pages: ``SHA256SUMS`` only grows, and never silently accepts a change.

Raw data is immutable (the house guide): a checksum file pins every page of ``data/raw/``, and a
changed byte must be noticed, not re-pinned away. :func:`pin` therefore

- adds the pages that are not pinned yet, and nothing else;
- refuses a pinned page whose bytes changed (or that disappeared) with a :class:`ChecksumError`
  naming the page and saying how to accept the change deliberately
  (``python -m analysis.pinning pin --accept-changed NAME``, or ``make pin ACCEPT=NAME``); an
  accepted change is recorded as a ``#`` comment line in ``SHA256SUMS`` (``sha256sum -c``
  ignores such lines, even with ``--strict``);
- considers exactly the files the loader reads as pages: names whose suffix, lowercased, is
  ``.txt`` (so ``005_new.TXT`` is pinned too);
- refuses, by name and before writing anything, what it cannot pin faithfully: a symbolic link
  (dangling or not), a directory or special file named ``*.txt``, an unreadable file, and a file
  name that cannot be written in the checksum format (not valid UTF-8, or holding a line break
  or a backslash);
- writes atomically (a temporary file in the same folder, then :func:`os.replace`), so a failure
  at any point leaves the previous ``SHA256SUMS`` byte for byte.

:func:`verify` lists the problems instead of raising. Importing the module reads no file.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import hashlib
import os
import re
import stat
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from analysis.errors import ChecksumError
from analysis.paths import CHECKSUMS, RAW

__all__ = ["PinResult", "page_files", "read_checksums", "pin", "verify", "ChecksumError"]

#: Suffix of a page, compared lowercased, as :mod:`analysis.corpus` does.
PAGE_SUFFIX = ".txt"
#: How to accept a change deliberately (``{name}`` is filled in).
ACCEPT_HINT = ("if the change is deliberate, accept it: `python -m analysis.pinning pin --accept-changed "
               "{name}` (or `make pin ACCEPT={name}`); the acceptance is recorded in {checksums}")
_LINE_RE = re.compile(r"^(?P<digest>[0-9a-f]{64}) [ *](?P<name>.+)$")
_BAD_NAME_CHARS = {"\n": "a line break", "\r": "a carriage return", "\\": "a backslash"}


@dataclass
class PinResult:
    """What :func:`pin` did: the checksum file, and the pages added, accepted and kept."""

    checksums: Path
    added: list[str] = field(default_factory=list)
    accepted: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def summary(self) -> str:
        """One line for the command line."""
        parts = [f"pinned {len(self.added)} new page(s)"]
        if self.accepted:
            parts.append(f"accepted changes to {', '.join(self.accepted)}")
        parts.append(f"{len(self.unchanged)} already pinned and unchanged")
        return f"{'; '.join(parts)} ({self.checksums})"


def _is_page_name(name: str) -> bool:
    return Path(name).suffix.lower() == PAGE_SUFFIX


def _name_problem(name: str) -> str | None:
    """Why ``name`` cannot be written as a line of the checksum file, or None."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return "its file name is not valid UTF-8 and cannot be written in the checksum file; rename it"
    for char, what in _BAD_NAME_CHARS.items():
        if char in name:
            return f"its file name contains {what}, which the checksum format cannot hold; rename it"
    return None


def _file_problem(path: Path) -> str | None:
    """Why ``path`` is not a regular, readable file, or None."""
    try:
        info = path.lstat()
    except OSError as exc:
        return f"cannot be examined ({exc.strerror or exc})"
    if stat.S_ISLNK(info.st_mode):
        target = "dangling symbolic link" if not path.exists() else "symbolic link"
        return f"is a {target}; only regular files inside the corpus folder are pages"
    if stat.S_ISDIR(info.st_mode):
        return "is a directory, not a page"
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file (device, pipe or socket)"
    try:
        with open(path, "rb") as handle:
            handle.read(1)
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    return None


def _display(name: str) -> str:
    """A file name as it can be printed (undecodable bytes shown as escapes)."""
    shown = os.fsencode(name).decode("utf-8", "backslashreplace")
    return shown.replace("\n", "\\n").replace("\r", "\\r")


def page_files(raw_dir: Path | str = RAW) -> tuple[list[Path], list[str]]:
    """The pages of ``raw_dir`` (names ending in ``.txt``, any case) and why others are refused.

    Parameters
    ----------
    raw_dir : path-like
        Folder of raw pages.

    Returns
    -------
    pages : list of pathlib.Path
        Regular, readable files with a valid name, sorted by name.
    problems : list of str
        One message per refused ``*.txt`` entry, naming it (symbolic links, directories, special
        or unreadable files, names the checksum format cannot hold).

    Raises
    ------
    ChecksumError
        When ``raw_dir`` is not a folder.
    """
    pages, refused = _scan(raw_dir)
    return pages, list(refused.values())


def _scan(raw_dir) -> tuple[list[Path], dict[str, str]]:
    """Pages of ``raw_dir`` and refused ``*.txt`` entries (name -> message naming it)."""
    raw_dir = Path(raw_dir)
    if not raw_dir.is_dir():
        raise ChecksumError(f"{raw_dir}: raw folder not found")
    pages, refused = [], {}
    for name in sorted(os.listdir(raw_dir)):
        if not _is_page_name(name):
            continue
        path = raw_dir / name
        problem = _name_problem(name) or _file_problem(path)
        if problem:
            refused[name] = f"{raw_dir / _display(name)}: {problem}"
        else:
            pages.append(path)
    return pages, refused


def read_checksums(checksums: Path | str) -> dict[str, str]:
    """Read a ``sha256sum``-format file: page name -> hex digest.

    Blank lines and ``#`` comment lines are skipped.

    Raises
    ------
    ChecksumError
        Naming the file and line of a malformed or duplicate entry, or when the file is not
        UTF-8.
    """
    checksums = Path(checksums)
    try:
        text = checksums.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ChecksumError(f"{checksums}: not UTF-8 (byte {exc.start})") from None
    pinned: dict[str, str] = {}
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        match = _LINE_RE.match(line)
        if not match:
            raise ChecksumError(f"{checksums} line {number}: not a `DIGEST  NAME` line: {line[:80]!r}")
        if match["name"] in pinned:
            raise ChecksumError(f"{checksums} line {number}: {match['name']} is pinned twice")
        pinned[match["name"]] = match["digest"]
    return pinned


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _atomic_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` through a temporary file in the same folder and a rename."""
    handle = tempfile.NamedTemporaryFile("wb", dir=path.parent, prefix=f".{path.name}.", suffix=".tmp",
                                         delete=False)
    try:
        with handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(handle.name, path)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise


def _comments(checksums: Path) -> list[str]:
    if not checksums.is_file():
        return []
    text = checksums.read_bytes().decode("utf-8")
    return [line for line in text.split("\n") if line.startswith("#")]


def pin(raw_dir: Path | str = RAW, checksums: Path | str | None = None, accept_changed=(),
        *, today: str | None = None) -> PinResult:
    """Pin the pages of ``raw_dir`` that are not pinned yet; refuse any change to pinned ones.

    Parameters
    ----------
    raw_dir : path-like
        Folder of raw pages (default ``data/raw``).
    checksums : path-like, optional
        Checksum file; default ``raw_dir/SHA256SUMS``. Created when missing.
    accept_changed : iterable of str
        Names of pinned pages whose change (new bytes, or removal) is deliberate: their new
        checksum replaces the old one (a removed page is unpinned), and a ``#`` comment line
        records the acceptance with both digests.
    today : str, optional
        Date written in the acceptance record (default: today's UTC date, ISO format).

    Returns
    -------
    PinResult

    Raises
    ------
    ChecksumError
        Before anything is written: naming every refused ``*.txt`` entry (see
        :func:`page_files`), every changed or missing pinned page not in ``accept_changed``
        (with the command that accepts it), and every name in ``accept_changed`` that is not a
        changed or missing pinned page.
    """
    raw_dir = Path(raw_dir)
    checksums = Path(checksums) if checksums else raw_dir / CHECKSUMS.name
    accept = set(accept_changed)
    pages, refused = _scan(raw_dir)
    problems = list(refused.values())
    pinned = read_checksums(checksums) if checksums.exists() else {}
    current = {p.name: _sha256(p) for p in pages}
    result = PinResult(checksums)
    records = []
    for name in sorted(set(pinned) | set(current)):
        old, new = pinned.get(name), current.get(name)
        if old is None:
            if name in accept:
                problems.append(f"{raw_dir / name}: --accept-changed names a page that is not pinned yet "
                                f"(a new page is pinned without it)")
            result.added.append(name)
        elif new == old:
            if name in accept:
                problems.append(f"{raw_dir / name}: --accept-changed names a page that has not changed")
            result.unchanged.append(name)
        elif name in accept:
            result.accepted.append(name)
            records.append(f"# accepted {'removal' if new is None else 'change'} of {name} on "
                           f"{today or _dt.datetime.now(_dt.timezone.utc).date().isoformat()}: "
                           f"{old} -> {new or 'removed'}")
        elif name in refused:
            continue  # already refused by name (e.g. it became a symbolic link)
        else:
            what = ("bytes differ from the pinned checksum" if new is not None
                    else f"pinned in {checksums.name} but missing")
            problems.append(f"{raw_dir / name}: {what} (raw data must not be edited); "
                            + ACCEPT_HINT.format(name=name, checksums=checksums.name))
    for name in sorted(accept - set(pinned) - set(current)):
        problems.append(f"{raw_dir / name}: --accept-changed names a page that is neither pinned nor present")
    if problems:
        raise ChecksumError(f"nothing pinned, {checksums} left as it was:\n  " + "\n  ".join(problems))
    lines = [f"{current[name]}  {name}" for name in sorted(current)]
    text = "\n".join(_comments(checksums) + records + lines) + "\n"
    _atomic_write(checksums, text)
    return result


def verify(raw_dir: Path | str = RAW, checksums: Path | str | None = None) -> list[str]:
    """Compare the pages of ``raw_dir`` with their pinned checksums.

    Parameters
    ----------
    raw_dir : path-like
        Folder of raw pages.
    checksums : path-like, optional
        Checksum file; default ``raw_dir/SHA256SUMS``.

    Returns
    -------
    list of str
        One message per problem, each naming the page: a refused entry (see :func:`page_files`),
        a changed page, a page not pinned, a pinned page missing; or the checksum file missing
        or malformed. Empty when everything matches.
    """
    raw_dir = Path(raw_dir)
    checksums = Path(checksums) if checksums else raw_dir / CHECKSUMS.name
    if not checksums.is_file():
        return [f"{checksums}: no checksum file; pin the pages with `make pin`"]
    try:
        pinned = read_checksums(checksums)
        pages, refused = _scan(raw_dir)
    except ChecksumError as exc:
        return [str(exc)]
    problems = list(refused.values())
    present = {p.name for p in pages}
    for page in pages:
        if page.name not in pinned:
            problems.append(f"{page}: not pinned in {checksums.name}; add its metadata row, then `make pin`")
        elif _sha256(page) != pinned[page.name]:
            problems.append(f"{page}: bytes differ from the pinned checksum (raw data must not be edited); "
                            + ACCEPT_HINT.format(name=page.name, checksums=checksums.name))
    for name in sorted(set(pinned) - present - set(refused)):
        problems.append(f"{raw_dir / name}: pinned in {checksums.name} but missing; "
                        + ACCEPT_HINT.format(name=name, checksums=checksums.name))
    return problems


def _main(argv: list[str]) -> int:
    """Command line: ``python -m analysis.pinning pin [--accept-changed NAME ...] | verify``."""
    parser = argparse.ArgumentParser(prog="python -m analysis.pinning", description=__doc__.split("\n")[0])
    parser.add_argument("command", choices=["pin", "verify"])
    parser.add_argument("--raw", default=str(RAW), help="folder of raw pages (default data/raw)")
    parser.add_argument("--accept-changed", action="append", default=[], metavar="NAME",
                        help="accept a deliberate change to (or removal of) this pinned page")
    args = parser.parse_args(argv)
    if args.command == "verify":
        problems = verify(args.raw)
        print("\n".join(problems) or "all raw pages match their checksums")
        return 1 if problems else 0
    try:
        result = pin(args.raw, accept_changed=[n for value in args.accept_changed for n in value.split(",") if n])
    except ChecksumError as exc:
        print(exc, file=sys.stderr)
        return 1
    print(result.summary())
    return 0


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
