"""The study design as data: the corpus, the periods, the comparisons and the focus themes.

``data/study.toml`` names what the notebooks read (``[corpus]``), the periods as date ranges
with labels (``[[periods]]``; default: one per calendar year found in the data), the comparisons
the notebooks make (``[[comparisons]]``, e.g. 2016 against 2025), the themes each research
question focuses on (``[focus]``), the Vietnam-Laos selection and the components of cooperation
(``[cooperation]``) and the target patterns (``[targets]``). :func:`load_study` validates it as
:func:`analysis.themes.load_codebook` validates the codebook: every error is a
:class:`~analysis.errors.StudyError` naming the file and the key.

:func:`assign_periods` labels dates with the study's periods and :func:`comparison_groups` gives
the two groups and their labels of a comparison, so keyness tables, figure titles and legends take
their groups from the study rather than from the code.

:func:`corpus_fingerprint` hashes what the notebook outputs depend on (the pinned checksums and
page names, the metadata table, the codebook and the study file); ``python -m analysis.study
stamp`` records it beside the notebooks after ``make figures``, and the root ``conftest.py``
stops ``make test`` with "run make figures" when the stored outputs are older than the corpus.

Importing the module reads no file and prints nothing.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import os
import re
import sys
import tempfile
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.errors import StudyError
from analysis.userfiles import check_keys, read_bytes
from analysis.paths import CHECKSUMS, CODEBOOK, METADATA, NOTEBOOKS, PROJ_ROOT, RAW, STUDY

__all__ = [
    "Period", "Comparison", "Study", "StudyError", "load_study", "assign_periods",
    "comparison_groups", "corpus_fingerprint", "write_stamp", "stale_outputs", "FINGERPRINT",
    "UNDATED", "UNASSIGNED",
]

#: Where ``python -m analysis.study stamp`` records the fingerprint of the corpus the stored
#: notebook outputs come from.
FINGERPRINT = NOTEBOOKS / ".corpus-fingerprint"
#: Period label of undated units (teasers, links, pages without a date).
UNDATED = "undated"
#: Period label of dated units outside every explicit period.
UNASSIGNED = "unassigned"

_KEYS = {
    "top": ({"study", "corpus", "periods", "comparisons", "focus", "cooperation", "targets"}, {"corpus"}),
    "study": ({"title", "description"}, set()),
    "corpus": ({"source", "metadata", "codebook"}, {"source", "metadata", "codebook"}),
    "period": ({"label", "start", "end", "description"}, {"label", "start", "end"}),
    "comparison": ({"id", "target", "reference", "target_label", "reference_label", "description"},
                   {"id", "target", "reference"}),
    "cooperation": ({"documents", "components"}, set()),
    "component": ({"name", "theme", "subframes"}, {"name", "theme"}),
    "target": ({"case", "regex", "note"}, {"case", "regex"}),
}
_CASES = {"sensitive": 0, "insensitive": re.IGNORECASE}
_ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*\Z")


@dataclass(frozen=True)
class Period:
    """A labelled date range, both ends included."""

    label: str
    start: pd.Timestamp
    end: pd.Timestamp
    description: str = ""


@dataclass(frozen=True)
class Comparison:
    """Target period(s) against reference period(s), with the labels figures and tables show."""

    id: str
    target: tuple[str, ...]
    reference: tuple[str, ...]
    target_label: str
    reference_label: str
    description: str = ""

    @property
    def labels(self) -> tuple[str, str]:
        """``(target_label, reference_label)``."""
        return self.target_label, self.reference_label


@dataclass(frozen=True)
class Study:
    """A validated study file. Paths are absolute; ``periods`` is empty for calendar years."""

    path: Path
    title: str
    source: Path
    metadata: Path
    codebook: Path
    periods: tuple[Period, ...]
    comparisons: dict = field(default_factory=dict)
    focus: dict = field(default_factory=dict)
    cooperation_pattern: str = ""
    components: dict = field(default_factory=dict)
    targets: dict = field(default_factory=dict)

    def comparison(self, comparison_id: str) -> Comparison:
        """The comparison ``comparison_id``; :class:`StudyError` naming the known ones if absent."""
        try:
            return self.comparisons[comparison_id]
        except KeyError:
            raise StudyError(f"{self.path}: comparisons: no comparison {comparison_id!r} "
                             f"(defined: {', '.join(self.comparisons) or 'none'})") from None

    def focus_themes(self, question: str) -> list[str]:
        """The focus themes of research question ``question`` (a key of ``[focus]``)."""
        try:
            return list(self.focus[question])
        except KeyError:
            raise StudyError(f"{self.path}: focus: no focus list {question!r} "
                             f"(defined: {', '.join(self.focus) or 'none'})") from None

    @property
    def period_labels(self) -> list[str]:
        """Labels of the explicit periods, in file order (empty for calendar years)."""
        return [p.label for p in self.periods]


# ---------------------------------------------------------------------------------------------
# Loading and validation
# ---------------------------------------------------------------------------------------------

def _fail(path, key: str, message: str):
    raise StudyError(f"{path}: {key}: {message}")


def _check_keys(path, key: str, table, kind: str) -> None:
    allowed, required = _KEYS[kind]
    check_keys(path, key, table, allowed, required, StudyError)


def _string(path, key, value, *, empty=False) -> str:
    if not isinstance(value, str) or (not empty and not value.strip()):
        _fail(path, key, f"expected a non-empty string, got {value!r}")
    return value


def _strings(path, key, value) -> tuple[str, ...]:
    """A string or a non-empty list of strings, as a tuple."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        _fail(path, key, f"expected a string or a non-empty list of strings, got {value!r}")
    return tuple(_string(path, f"{key}[{i}]", v) for i, v in enumerate(value))


def _date(path, key, value) -> pd.Timestamp:
    if isinstance(value, _dt.datetime) or not isinstance(value, (_dt.date, str)):
        _fail(path, key, f"expected a date (2016-01-01), got {value!r}")
    if isinstance(value, str):
        try:
            value = _dt.date.fromisoformat(value)
        except ValueError:
            _fail(path, key, f"expected a date YYYY-MM-DD, got {value!r}")
    return pd.Timestamp(value)


def _read_toml(path: Path) -> dict:
    data = read_bytes(path, StudyError, "study file")
    if data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        raise StudyError(f"{path}: starts with a byte-order mark; save it as UTF-8 without BOM")
    if b"\x00" in data:
        raise StudyError(f"{path}: contains NUL bytes: binary data, not a TOML file")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise StudyError(f"{path}: not valid UTF-8 (byte {exc.start}); save it as UTF-8") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise StudyError(f"{path}: not valid TOML: {exc}") from None


def _periods(path, tables) -> tuple[Period, ...]:
    if not isinstance(tables, list):
        _fail(path, "periods", "expected an array of tables [[periods]]")
    periods, seen = [], set()
    for i, table in enumerate(tables):
        key = f"periods[{i}]"
        _check_keys(path, key, table, "period")
        label = _string(path, f"{key}.label", table["label"])
        if label in (UNDATED, UNASSIGNED):
            _fail(path, f"{key}.label", f"{label!r} is reserved")
        if label in seen:
            _fail(path, f"{key}.label", f"duplicate period label {label!r}")
        seen.add(label)
        start, end = _date(path, f"{key}.start", table["start"]), _date(path, f"{key}.end", table["end"])
        if end < start:
            _fail(path, key, f"period {label!r} ends ({end:%Y-%m-%d}) before it starts ({start:%Y-%m-%d})")
        periods.append(Period(label, start, end, table.get("description", "")))
    ordered = sorted(periods, key=lambda p: p.start)
    for a, b in zip(ordered, ordered[1:]):
        if b.start <= a.end:
            _fail(path, "periods", f"periods {a.label!r} ({a.start:%Y-%m-%d} to {a.end:%Y-%m-%d}) and "
                  f"{b.label!r} ({b.start:%Y-%m-%d} to {b.end:%Y-%m-%d}) overlap")
    return tuple(periods)


def _comparisons(path, tables, periods) -> dict:
    if not isinstance(tables, list):
        _fail(path, "comparisons", "expected an array of tables [[comparisons]]")
    labels = {p.label for p in periods}
    out = {}
    for i, table in enumerate(tables):
        key = f"comparisons[{i}]"
        _check_keys(path, key, table, "comparison")
        cid = _string(path, f"{key}.id", table["id"])
        if not _ID_RE.match(cid):
            _fail(path, f"{key}.id", f"{cid!r}: use letters, digits, _ . - only")
        if cid in out:
            _fail(path, f"{key}.id", f"duplicate comparison id {cid!r}")
        groups = {}
        for side in ("target", "reference"):
            names = _strings(path, f"{key}.{side}", table[side])
            for name in names:
                known = name in labels if periods else bool(re.fullmatch(r"\d{4}", name))
                if not known:
                    hint = (f"periods: {', '.join(sorted(labels))}" if periods
                            else "with no [[periods]], periods are calendar years such as '2016'")
                    _fail(path, f"{key}.{side}", f"comparison {cid!r} names unknown period {name!r} ({hint})")
            groups[side] = names
        overlap = set(groups["target"]) & set(groups["reference"])
        if overlap:
            _fail(path, key, f"comparison {cid!r} puts {sorted(overlap)} on both sides")
        labels_ = {}
        for side in ("target", "reference"):
            given = table.get(f"{side}_label")
            labels_[side] = (_string(path, f"{key}.{side}_label", given) if given is not None
                             else " + ".join(groups[side]))
        out[cid] = Comparison(cid, groups["target"], groups["reference"], labels_["target"],
                              labels_["reference"], _string(path, f"{key}.description",
                                                            table.get("description", ""), empty=True))
    return out


def _focus(path, table, theme_ids) -> dict:
    if not isinstance(table, dict):
        _fail(path, "focus", "expected a table of lists of theme ids")
    out = {}
    for question, themes in table.items():
        key = f"focus.{question}"
        if not isinstance(themes, list) or not themes:
            _fail(path, key, f"expected a non-empty list of theme ids, got {themes!r}")
        for i, theme in enumerate(themes):
            _string(path, f"{key}[{i}]", theme)
            if theme not in theme_ids:
                _fail(path, f"{key}[{i}]", f"{theme!r} is not a theme of the codebook "
                      f"(themes: {', '.join(theme_ids)})")
        if len(set(themes)) != len(themes):
            _fail(path, key, "a theme is listed twice")
        out[question] = tuple(themes)
    return out


def _cooperation(path, table, theme_ids) -> tuple[str, dict]:
    _check_keys(path, "cooperation", table, "cooperation")
    pattern = table.get("documents", "")
    if pattern:
        _string(path, "cooperation.documents", pattern)
        try:
            re.compile(pattern)
        except re.error as exc:
            _fail(path, "cooperation.documents", f"bad regex {pattern!r}: {exc}")
    components = {}
    tables = table.get("components", [])
    if not isinstance(tables, list):
        _fail(path, "cooperation.components", "expected an array of tables [[cooperation.components]]")
    for i, comp in enumerate(tables):
        key = f"cooperation.components[{i}]"
        _check_keys(path, key, comp, "component")
        name = _string(path, f"{key}.name", comp["name"])
        if name in components:
            _fail(path, f"{key}.name", f"duplicate component {name!r}")
        theme = _string(path, f"{key}.theme", comp["theme"])
        if theme not in theme_ids:
            _fail(path, f"{key}.theme", f"{theme!r} is not a theme of the codebook")
        subframes = comp.get("subframes")
        if subframes is not None:
            subframes = list(_strings(path, f"{key}.subframes", subframes))
        components[name] = (theme, subframes)
    return pattern, components


def _targets(path, table) -> dict:
    if not isinstance(table, dict):
        _fail(path, "targets", "expected a table of [targets.NAME] tables")
    out = {}
    for name, spec in table.items():
        key = f"targets.{name}"
        _check_keys(path, key, spec, "target")
        if spec["case"] not in _CASES:
            _fail(path, f"{key}.case", f"must be 'sensitive' or 'insensitive', got {spec['case']!r}")
        regex = _string(path, f"{key}.regex", spec["regex"])
        try:
            compiled = re.compile(regex, _CASES[spec["case"]])
        except re.error as exc:
            _fail(path, f"{key}.regex", f"bad regex: {exc}")
        if compiled.search("") is not None:
            _fail(path, f"{key}.regex", "matches the empty string")
        out[name] = compiled
    return out


def _resolve(root: Path, path, key, value) -> Path:
    value = Path(_string(path, key, value))
    return value if value.is_absolute() else root / value


def load_study(path: Path | str = STUDY, *, root: Path | str | None = None, codebook=None) -> Study:
    """Read and validate the study file.

    Parameters
    ----------
    path : path-like
        The study file; default :data:`analysis.paths.STUDY` (``data/study.toml``).
    root : path-like, optional
        Folder that relative paths of ``[corpus]`` are resolved against; default the folder
        that holds the study file's folder (the project root for ``data/study.toml``).
    codebook : analysis.themes.Codebook or path, optional
        Codebook the focus themes are checked against; default the study's ``[corpus]
        codebook``.

    Returns
    -------
    Study

    Raises
    ------
    StudyError
        Naming the file and the key: a missing, unreadable, binary, BOM-prefixed, non-UTF-8 or
        invalid TOML file; an unknown or missing key; a value of the wrong type; a period that
        ends before it starts, overlaps another or reuses a label; a comparison naming an
        unknown period or putting a period on both sides; a focus or component theme that is not
        in the codebook; a malformed regular expression.
    """
    from analysis import themes as _themes  # imported here: the codebook module is heavy

    path = Path(path)
    root = Path(root) if root is not None else path.resolve().parent.parent
    data = _read_toml(path)
    _check_keys(path, "top level", data, "top")
    meta = data.get("study", {})
    _check_keys(path, "study", meta, "study")
    corpus = data["corpus"]
    _check_keys(path, "corpus", corpus, "corpus")
    source = _resolve(root, path, "corpus.source", corpus["source"])
    metadata = _resolve(root, path, "corpus.metadata", corpus["metadata"])
    codebook_path = _resolve(root, path, "corpus.codebook", corpus["codebook"])
    cb = codebook if isinstance(codebook, _themes.Codebook) else None
    if cb is None:
        cb_path = Path(codebook) if codebook is not None else codebook_path
        if not cb_path.is_file():
            _fail(path, "corpus.codebook", f"codebook {cb_path} not found")
        cb = _themes.get_codebook(cb_path)
    periods = _periods(path, data.get("periods", []))
    comparisons = _comparisons(path, data.get("comparisons", []), periods)
    focus = _focus(path, data.get("focus", {}), cb.ids)
    pattern, components = _cooperation(path, data.get("cooperation", {}), cb.ids)
    targets = _targets(path, data.get("targets", {}))
    return Study(path=path, title=_string(path, "study.title", meta.get("title", ""), empty=True),
                 source=source, metadata=metadata, codebook=codebook_path, periods=periods,
                 comparisons=comparisons, focus=focus, cooperation_pattern=pattern,
                 components=components, targets=targets)


# ---------------------------------------------------------------------------------------------
# Periods and comparisons
# ---------------------------------------------------------------------------------------------

def assign_periods(dates, study: Study) -> pd.Series:
    """Period label of each date.

    Parameters
    ----------
    dates : pandas.Series or array-like of datetime
        NaT for undated units.
    study : Study

    Returns
    -------
    pandas.Series
        Same index as ``dates`` (a RangeIndex otherwise), dtype object: the label of the period
        holding the date (both ends included); the year (``"2016"``) when the study has no
        explicit periods; :data:`UNDATED` for NaT; :data:`UNASSIGNED` for a date outside every
        explicit period.
    """
    index = dates.index if isinstance(dates, pd.Series) else None
    values = pd.to_datetime(pd.Series(np.asarray(dates), index=index)) if index is None else pd.to_datetime(dates)
    labels = pd.Series(UNDATED, index=values.index, dtype=object)
    dated = values.notna()
    if not study.periods:
        labels[dated] = values[dated].dt.year.astype(str)
        return labels
    labels[dated] = UNASSIGNED
    days = values.dt.normalize()
    for period in study.periods:
        labels[dated & (days >= period.start) & (days <= period.end)] = period.label
    return labels


def comparison_groups(units: pd.DataFrame, study: Study, comparison_id: str, *,
                      date_col: str = "date") -> tuple[np.ndarray, np.ndarray, tuple[str, str]]:
    """The two groups of a comparison, as masks over ``units``, and their labels.

    Parameters
    ----------
    units : pandas.DataFrame
        Units (or paragraphs) with a ``date_col`` column; undated rows belong to neither group.
    study : Study
    comparison_id : str
        Id of a ``[[comparisons]]`` entry.
    date_col : str
        Column of dates.

    Returns
    -------
    mask_target, mask_reference : numpy.ndarray of bool
        Rows in the target and in the reference period(s); rows in neither are in no group. For
        :func:`analysis.features.keyness`, pass the rows of either group and the target mask
        restricted to them: ``keep = t | r; keyness(X[keep], vocabulary, target=t[keep])``.
    labels : tuple of str
        ``(target_label, reference_label)`` for titles, legends and table headers.

    Raises
    ------
    StudyError
        Naming the study file and the comparison when it is unknown or a group is empty in the
        data.
    """
    comparison = study.comparison(comparison_id)
    if date_col not in units.columns:
        raise KeyError(f"units has no {date_col!r} column to take periods from")
    periods = assign_periods(units[date_col].reset_index(drop=True), study)
    target = periods.isin(comparison.target).to_numpy()
    reference = periods.isin(comparison.reference).to_numpy()
    found = sorted(set(periods) - {UNDATED})
    for side, mask, names in (("target", target, comparison.target), ("reference", reference, comparison.reference)):
        if not mask.any():
            raise StudyError(f"{study.path}: comparisons: comparison {comparison_id!r}: no dated unit in its "
                             f"{side} period(s) {', '.join(names)} (periods in the data: {', '.join(found) or 'none'})")
    return target, reference, comparison.labels


# ---------------------------------------------------------------------------------------------
# Fingerprint of the corpus, for stale notebook outputs
# ---------------------------------------------------------------------------------------------

def _pinned_lines(raw: Path) -> list[str]:
    from analysis.pinning import read_checksums, page_files

    checksums = raw / CHECKSUMS.name
    pinned = read_checksums(checksums) if checksums.is_file() else {}
    lines = [f"pinned {digest} {name}" for name, digest in sorted(pinned.items())]
    if raw.is_dir():
        pages, _ = page_files(raw)
        lines += [f"page {p.name}" for p in pages]
    return lines


def corpus_fingerprint(raw: Path | str | None = None, metadata: Path | str | None = None,
                       codebook: Path | str | None = None, study: Path | str | None = None) -> str:
    """SHA-256 over what the notebook outputs depend on.

    Hashes the pinned checksums of ``raw/SHA256SUMS`` and the names of the pages present (so an
    unpinned new page changes it too, without reading every page), and the bytes of the
    metadata table, the codebook and the study file (a missing file hashes as missing).

    Parameters
    ----------
    raw, metadata, codebook, study : path-like, optional
        Default :data:`analysis.paths.RAW`, ``METADATA``, ``CODEBOOK``, ``STUDY``.

    Returns
    -------
    str
        64 hex digits.
    """
    raw = RAW if raw is None else raw
    metadata = METADATA if metadata is None else metadata
    codebook = CODEBOOK if codebook is None else codebook
    study = STUDY if study is None else study
    digest = hashlib.sha256()
    for line in _pinned_lines(Path(raw)):
        digest.update(line.encode("utf-8", "surrogateescape") + b"\n")
    for name, path in (("metadata", metadata), ("codebook", codebook), ("study", study)):
        path = Path(path)
        data = path.read_bytes() if path.is_file() else b"<missing>"
        digest.update(f"{name} {len(data)}\n".encode() + data)
    return digest.hexdigest()


def write_stamp(stamp: Path | str | None = None, **paths) -> str:
    """Record :func:`corpus_fingerprint` (of ``paths``) in ``stamp``, atomically; return it.

    ``stamp`` defaults to :data:`FINGERPRINT` (``notebooks/.corpus-fingerprint``).
    """
    stamp = Path(FINGERPRINT if stamp is None else stamp)
    value = corpus_fingerprint(**paths)
    handle = tempfile.NamedTemporaryFile("w", dir=stamp.parent, prefix=f".{stamp.name}.", delete=False,
                                         encoding="utf-8")
    try:
        with handle:
            handle.write(value + "\n")
        os.replace(handle.name, stamp)
    except BaseException:
        Path(handle.name).unlink(missing_ok=True)
        raise
    return value


def stale_outputs(stamp: Path | str | None = None, **paths) -> str | None:
    """Why the stored notebook outputs do not come from the current corpus, or None.

    Parameters
    ----------
    stamp : path-like, optional
        The recorded fingerprint (default :data:`FINGERPRINT`).
    **paths
        ``raw``, ``metadata``, ``codebook``, ``study`` for :func:`corpus_fingerprint`.

    Returns
    -------
    str or None
        A one-line reason ending in "run make figures", or None when the stamp matches.
    """
    stamp = Path(FINGERPRINT if stamp is None else stamp)
    current = corpus_fingerprint(**paths)
    if not stamp.is_file():
        return f"notebook outputs are older than the corpus (no record {stamp.name}): run make figures"
    recorded = stamp.read_text(encoding="utf-8").strip()
    if recorded != current:
        return (f"notebook outputs are older than the corpus (recorded {recorded[:12]}, "
                f"now {current[:12]}): run make figures")
    return None


def _main(argv: list[str]) -> int:
    """Command line: ``python -m analysis.study stamp|check|show``."""
    command = argv[0] if argv else "show"
    if command == "stamp":
        shown = FINGERPRINT.relative_to(PROJ_ROOT) if FINGERPRINT.is_relative_to(PROJ_ROOT) else FINGERPRINT
        print(f"corpus fingerprint {write_stamp()[:12]} recorded in {shown}")
        return 0
    if command == "check":
        reason = stale_outputs()
        print(reason or "notebook outputs come from the current corpus")
        return 1 if reason else 0
    if command == "show":
        study = load_study()
        print(f"{study.path}: corpus {study.source}, periods "
              f"{', '.join(study.period_labels) or 'one per calendar year'}, comparisons "
              f"{', '.join(study.comparisons) or 'none'}, focus {', '.join(study.focus) or 'none'}")
        return 0
    print("usage: python -m analysis.study [stamp|check|show]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
