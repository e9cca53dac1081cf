"""Text segments: the unit of Reinert's classification (about 40 words, cut at sentence ends)."""
from __future__ import annotations

import re

import pandas as pd

from analysis.errors import AnalysisError
from analysis.text import count_words, split_sentences

#: Weak punctuation at which a sentence longer than the segment size may be cut.
CLAUSE_END_RE = re.compile(r"(?<=[,;:])\s+")

SEGMENT_FIRST_COLUMNS = ["segment_id", "doc_id", "segment_rank", "kind", "date"]


def _pieces(text: str, segment_size: int) -> list[str]:
    """Sentences of ``text``; a sentence longer than ``segment_size`` words is cut at ``, ; :``
    into clauses, and a clause longer than 1.5 x ``segment_size`` words every ``segment_size``
    words."""
    out = []
    for sentence in split_sentences(text):
        if count_words(sentence) <= segment_size:
            out.append(sentence)
            continue
        for clause in CLAUSE_END_RE.split(sentence):
            if count_words(clause) <= 1.5 * segment_size:
                out.append(clause)
                continue
            words = clause.split()
            # cut on whitespace, every ``segment_size`` whitespace-separated words
            for start in range(0, len(words), segment_size):
                out.append(" ".join(words[start:start + segment_size]))
    return [p for p in out if p.strip()]


def _pack(pieces: list[str], segment_size: int, min_segment_size: int) -> list[list[str]]:
    """Greedy packing of pieces into segments, then merging of segments that are too short."""
    segments, current, n_current = [], [], 0
    for piece in pieces:
        n = count_words(piece)
        if current and n_current + n > segment_size:
            segments.append(current)
            current, n_current = [], 0
        current.append(piece)
        n_current += n
    if current:
        segments.append(current)
    merged: list[list[str]] = []
    pending: list[str] = []
    for seg in segments:
        seg = pending + seg
        if sum(count_words(p) for p in seg) < min_segment_size:
            pending = seg
            continue
        merged.append(seg)
        pending = []
    if pending:
        if merged:
            merged[-1] = merged[-1] + pending
        else:
            merged.append(pending)
    return merged


def split_segments(units: pd.DataFrame, *, segment_size: int = 40, min_segment_size: int = 10,
                   text_col: str = "text", doc_col: str = "doc_id") -> pd.DataFrame:
    """Split units into text segments of about ``segment_size`` words that end at sentence ends.

    Each unit's text is cut into sentences with :func:`analysis.text.split_sentences`. A
    sentence longer than ``segment_size`` words is cut at weak punctuation (``,``, ``;``,
    ``:``), and a clause still longer than 1.5 x ``segment_size`` every ``segment_size`` words.
    The pieces are then packed in reading order: a segment is closed before the piece that
    would take it beyond ``segment_size`` words. Finally a segment of fewer than
    ``min_segment_size`` words is merged with the next segment of the same unit (the last one
    with the previous segment), as IRaMuTeQ and rainette's ``min_segment_size`` do. A unit
    shorter than ``min_segment_size`` words gives one segment. Words are counted with
    :func:`analysis.text.count_words`.

    Departure from rainette: rainette's ``split_segments`` cuts at ``segment_size`` words and
    then moves the cut back to the best punctuation; here the cut is always at a sentence end
    when sentences are short enough, and rainette's merge of short segments happens at
    clustering time on term counts (see :func:`analysis.textometry.reinert`, which also takes a
    ``min_segment_size``); this function merges on word counts.

    Parameters
    ----------
    units : pandas.DataFrame
        One row per unit (e.g. :func:`analysis.corpus.load_corpus`), with ``doc_col`` and
        ``text_col``; every other column is copied to the unit's segments.
    segment_size : int
        Target number of words per segment.
    min_segment_size : int
        Segments with fewer words are merged with a neighbour of the same unit.
    text_col, doc_col : str
        Columns holding the text and the unit id.

    Returns
    -------
    pandas.DataFrame
        One row per segment in unit order then reading order: ``segment_id``
        (``<doc_id>-<rank>``, rank on three digits), ``doc_id``, ``segment_rank`` (0-based within
        the unit), ``kind`` and ``date`` when present, the other metadata columns, ``text`` (the
        pieces joined by one space) and ``n_words``. Units with an empty or missing text give no
        segment.

    Raises
    ------
    AnalysisError
        When a column is missing or the sizes are not positive integers with
        ``min_segment_size <= segment_size``.
    """
    for col in (doc_col, text_col):
        if col not in units.columns:
            raise AnalysisError(f"split_segments: units have no {col!r} column")
    if not (int(segment_size) == segment_size and segment_size >= 1):
        raise AnalysisError(f"split_segments: segment_size must be a positive integer, not {segment_size!r}")
    if not (0 <= min_segment_size <= segment_size):
        raise AnalysisError(f"split_segments: min_segment_size must lie in [0, segment_size], "
                            f"not {min_segment_size!r}")
    meta_cols = [c for c in units.columns if c not in (text_col, "n_words", doc_col)]
    first = [c for c in SEGMENT_FIRST_COLUMNS if c in meta_cols]
    meta_cols = first + [c for c in meta_cols if c not in first]
    rows = []
    for record in units.to_dict("records"):
        text = record[text_col]
        if not isinstance(text, str) or not text.strip():
            continue
        segments = _pack(_pieces(text, int(segment_size)), int(segment_size), int(min_segment_size))
        for rank, seg in enumerate(segments):
            seg_text = " ".join(seg)
            row = {"segment_id": f"{record[doc_col]}-{rank:03d}", doc_col: record[doc_col],
                   "segment_rank": rank}
            row.update({c: record[c] for c in meta_cols})
            row[text_col] = seg_text
            row["n_words"] = count_words(seg_text)
            rows.append(row)
    columns = ["segment_id", doc_col, "segment_rank"] + [c for c in meta_cols if c != "segment_rank"]
    columns += [text_col, "n_words"]
    out = pd.DataFrame(rows, columns=columns)
    for col in meta_cols:
        if col in units.columns and len(out):
            try:
                out[col] = out[col].astype(units[col].dtype)
            except (TypeError, ValueError):
                pass
    return out.astype({"segment_rank": "int64", "n_words": "int64"}).reset_index(drop=True)
