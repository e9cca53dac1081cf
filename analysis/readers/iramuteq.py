"""IRaMuTeQ's text format: a corpus prepared for IRaMuTeQ loads as it is.

Each text opens with a star line, four stars then the text's variables::

    **** *journal_vietnamplus *annee_2016 *theme_cyber
    Le Laos souhaite coopérer avec le Vietnam dans la cybersécurité...
    -*accord
    Les deux ministres ont signé...

A variable ``*name_value`` becomes a metadata column ``name`` holding ``value`` (the text after the
first ``_``). A line ``-*thematic`` inside a text opens a thematic section: it is kept out of the
text and recorded, in order, in the column ``thematics`` (``;``-separated). The text's lines follow
until the next star line; each non-blank line is a paragraph. A malformed star line (no four stars
alone first, a variable without ``*`` or ``_``, a variable given twice) is reported with its line
number and its good variables kept; text before the first star line and texts with no words are
reported and dropped.
"""
from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from analysis.errors import CorpusError
from analysis.userfiles import read_bytes
from analysis.metadata import ACCEPTED_DATE_FORMS, decode_text, parse_iso_date
from analysis.readers.base import LoadLog, article_record, units_frame, with_report

__all__ = ["read_iramuteq", "is_iramuteq", "STAR_LINE", "VARIABLE_RE"]

#: The mark opening a text.
STAR_LINE = "****"
#: One variable of a star line: ``*name_value``.
VARIABLE_RE = re.compile(r"\*(?P<name>[^\s*_]+)_(?P<value>\S+)")
#: A thematic line inside a text: ``-*thematic``.
THEMATIC_RE = re.compile(r"-\*(?P<name>\S+)\s*")


def is_iramuteq(text: str) -> bool:
    """Whether decoded ``text`` is an IRaMuTeQ corpus: its first non-blank line starts with ``****``."""
    first = next((line for line in text.split("\n") if line.strip()), "")
    return first.lstrip().startswith(STAR_LINE)


def _star_variables(line: str, number: int, log: LoadLog) -> dict:
    """The variables of a star line; bad tokens are reported (flagged, the text is kept)."""
    tokens = line.split()
    if tokens[0] != STAR_LINE:
        log.problem("bad_star_line", f"line {number}",
                    f"malformed star line {line.strip()[:60]!r}: it must start with '****' followed by a space",
                    dropped=False)
        tokens[0] = tokens[0][len(STAR_LINE):]
        tokens = [t for t in tokens if t]
    else:
        tokens = tokens[1:]
    variables = {}
    for token in tokens:
        match = VARIABLE_RE.fullmatch(token)
        if not match:
            log.problem("bad_star_line", f"line {number}",
                        f"malformed variable {token!r} in the star line (expected *name_value); ignored",
                        dropped=False)
        elif match["name"] in variables:
            log.problem("bad_star_line", f"line {number}",
                        f"variable {match['name']!r} given twice in the star line; the first value kept",
                        dropped=False)
        else:
            variables[match["name"]] = match["value"]
    return variables


def _texts(text: str, log: LoadLog):
    """Split into ``(star line number, variables, paragraphs, thematics)``; report stray text."""
    current = None
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.strip()
        if stripped.startswith(STAR_LINE):
            if current is not None:
                yield current
            current = (number, _star_variables(stripped, number, log), [], [])
        elif not stripped:
            continue
        elif current is None:
            log.problem("before_first_text", f"line {number}",
                        "text before the first '****' line belongs to no text; dropped", dropped=False)
        elif THEMATIC_RE.fullmatch(stripped):
            current[3].append(THEMATIC_RE.fullmatch(stripped)["name"])
        else:
            current[2].append(" ".join(stripped.split()))
    if current is not None:
        yield current


def read_iramuteq(path, encoding: str | None = None, *, date: str | None = None,
                  on_error: str = "warn") -> pd.DataFrame:
    """Read an IRaMuTeQ corpus into the units table, one unit per text.

    Parameters
    ----------
    path : path-like
        The corpus file (usually ``.txt``).
    encoding : str, optional
        Default detected (UTF-8 with or without BOM, UTF-16 with a BOM, else cp1252 with a
        warning).
    date : str, optional
        A variable holding each text's date as strict ISO ``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``
        (``*annee_2016``: ``date="annee"``); a text without it, or with another form, is undated
        (the latter reported).
    on_error : {"warn", "raise"}
        ``"warn"``: each problem is warned naming the file and line; ``"raise"``: the first
        raises :class:`~analysis.errors.CorpusError`.

    Returns
    -------
    pandas.DataFrame
        The units table: ``doc_id`` ``<file stem>_<line>``, ``source_row`` the star line's number,
        ``title`` empty (``title_source="missing"``), the variables as metadata columns (in order
        of first appearance; ``""`` where a text lacks one), ``thematics`` when any text has
        thematic lines. ``units.attrs["report"]`` counts texts loaded and dropped
        (``empty_text``) and lines outside texts (``before_first_text``).

    Raises
    ------
    CorpusError
        Naming the file: not found, undecodable, no star line at all; in ``"raise"`` mode, the
        first problem.
    """
    path = Path(path)
    data = read_bytes(path, CorpusError, "IRaMuTeQ corpus")
    log = LoadLog(path.name, on_error)
    text, note = decode_text(data, str(path), encoding, error=CorpusError)
    if "fallback" in note:
        log.note(f"decoded with {note}: check accents, or state encoding=")
    if not any(line.lstrip().startswith(STAR_LINE) for line in text.split("\n")):
        raise CorpusError(f"{path}: no '****' line: not an IRaMuTeQ corpus (each text opens with "
                          f"'**** *variable_value ...')")
    records, columns, n_texts, has_thematics = [], {}, 0, False
    for number, variables, paragraphs, thematics in list(_texts(text, log)):
        n_texts += 1
        columns.update(dict.fromkeys(variables))
        has_thematics = has_thematics or bool(thematics)
        if not paragraphs:
            log.problem("empty_text", f"line {number}", "a star line with no text after it; dropped")
            continue
        stamp, precision = pd.NaT, ""
        if date is not None and date in variables:
            try:
                stamp, precision = parse_iso_date(variables[date])
            except ValueError as exc:
                log.problem("bad_date", f"line {number}", f"variable {date!r}: {exc}; accepted forms: "
                                                          f"{ACCEPTED_DATE_FORMS}; the text is kept undated",
                            dropped=False)
        metadata = dict(variables)
        metadata["thematics"] = ";".join(thematics)
        records.append(article_record(
            doc_id=f"{path.stem}_{number}", source_file=path.name, text="\n\n".join(paragraphs),
            date=stamp, date_precision=precision, date_source="metadata", source_row=number,
            metadata=metadata,
        ))
    extra = list(columns) + (["thematics"] if has_thematics else [])
    if not has_thematics:
        for record in records:
            record.pop("thematics", None)
    units = units_frame(records, extra)
    return with_report(units, log.report(n_texts, len(units)))
