"""Evidence for the theme notebooks (05-08): the tables that answer the research questions.

:mod:`analysis.themes` codes themes and measures their prevalence. The research questions also ask
*which* passages carry a theme and *how*: where sovereignty or AI appears and in which units; which
resolutions are cited beside Resolution 57-NQ/TW and by whom they were issued; which targets
(deadlines, rankings, quantities) stand near it; what Vietnam-Laos cooperation is made of in each
period; who speaks of what. This module holds the small functions (and the explicit pattern tables)
that build those tables, so that the notebooks only call functions and show tables:

- sub-corpora and units: :func:`theme_paragraphs` (the paragraphs the notebooks code),
  :func:`select_documents` (e.g. the Vietnam-Laos documents, the study file's ``cooperation_pattern``),
  :func:`with_theme`, :func:`theme_units`;
- prevalence at three levels that never mix articles and teasers over time:
  :func:`prevalence_levels`;
- evidence and sub-frames: :func:`theme_evidence` (KWIC lines by sub-frame), :func:`subframe_table`,
  :func:`co_mentions`, :func:`resolution_companions` with :func:`issuer_of`,
  :func:`component_table` (the study file's cooperation components);
- sentences and targets: :func:`split_sentences`, :func:`sentences`, :func:`target_statements`
  (the study file's target patterns);
- speakers: :func:`themes_by_speaker` on :func:`analysis.speakers.attribute_speech`.

Functions that quote sentences keep the *original* text of the units (faithful quotes) and match
their patterns on :func:`analysis.text.normalize` of it; KWIC lines from
:func:`theme_evidence` come from the normalized text, as in :func:`analysis.themes.theme_kwic`.
Importing the module reads no file and prints nothing.
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd

from analysis import corpus
from analysis import matches as _matches
from analysis import themestats as _themestats
from analysis.text import normalize, split_sentences

# The research questions' own constants (the Laos selection pattern, the cooperation components,
# the target expressions) live in the study file, data/study.toml; every function below takes
# them as parameters and, when they are not given, reads them from there (analysis.study).

#: Issuer of a Vietnamese legal instrument, read from its code: ``NQ/TW`` resolutions are the
#: Party's (Politburo or Central Committee), ``NQ-CP`` the Government's, ``/QH15`` the National
#: Assembly's (15th legislature), ``QĐ-TTg`` decisions the Prime Minister's.
ISSUERS = (
    (re.compile(r"NQ\s*[-/]\s*TW", re.IGNORECASE), "Party (Politburo / Central Committee)"),
    (re.compile(r"NQ\s*[-/]\s*CP", re.IGNORECASE), "Government"),
    (re.compile(r"/\s*QH\s*\d*", re.IGNORECASE), "National Assembly"),
    (re.compile(r"Q[ĐD]\s*[-/]\s*TTg", re.IGNORECASE), "Prime Minister"),
)


def _study():
    """The project's study file (defaults of the research-question parameters)."""
    from analysis.study import load_study

    return load_study()


# --------------------------------------------------------------------------------------------
# Sentences
# --------------------------------------------------------------------------------------------

def sentences(units: pd.DataFrame, *, text_col: str = "text") -> pd.DataFrame:
    """One row per sentence of each unit, original text kept.

    Parameters
    ----------
    units : pandas.DataFrame
        Units or paragraphs with ``doc_id`` and ``text_col``; ``kind`` and ``para_id`` are carried
        over when present.
    text_col : str
        Column holding the text.

    Returns
    -------
    pandas.DataFrame
        Columns ``doc_id``, (``kind``), (``para_id``), ``sent_id`` (0-based within the row),
        ``sentence``. Rows follow the input order.
    """
    keep = [c for c in ("doc_id", "kind", "para_id") if c in units.columns]
    rows = []
    for _, unit in units.iterrows():
        for sent_id, sentence in enumerate(split_sentences(unit[text_col])):
            row = {c: unit[c] for c in keep}
            row["sent_id"] = sent_id
            row["sentence"] = sentence
            rows.append(row)
    return pd.DataFrame(rows, columns=[*keep, "sent_id", "sentence"])


# --------------------------------------------------------------------------------------------
# Documents about a subject
# --------------------------------------------------------------------------------------------


def mentions(units: pd.DataFrame, pattern: str, *, text_col: str = "text",
             ignore_case: bool = False) -> pd.Series:
    """Boolean mask: which units mention ``pattern`` (a regular expression) in their text.

    Used to select a sub-corpus explicitly, e.g. the Vietnam-Laos documents with
    ``pattern=r"\\bLa(?:os|otien|otienne|o)\\b"``. The pattern is matched on the normalized text.

    Parameters
    ----------
    units : pandas.DataFrame
        Units with ``text_col``.
    pattern : str
        Regular expression.
    text_col : str
        Column holding the text; other useful columns are ``title`` or ``lead``.
    ignore_case : bool
        Case-insensitive matching.

    Returns
    -------
    pandas.Series of bool
        Aligned with ``units``.
    """
    regex = re.compile(pattern, re.IGNORECASE if ignore_case else 0)
    found = units[text_col].fillna("").map(lambda text: regex.search(normalize(text)) is not None)
    return found.astype(bool)


def select_documents(paragraphs: pd.DataFrame, pattern: str, *, text_col: str = "text",
                     ignore_case: bool = False) -> pd.DataFrame:
    """Every paragraph of the documents in which one paragraph (or title) matches ``pattern``.

    Selects a sub-corpus explicitly, e.g. the Vietnam-Laos documents with the study file's
    ``cooperation_pattern`` (``analysis.study.load_study().cooperation_pattern``).

    Parameters
    ----------
    paragraphs : pandas.DataFrame
        Paragraphs with ``doc_id`` and ``text_col`` (titles included if the selection should see
        them, as in :func:`theme_paragraphs`).
    pattern : str
        Regular expression, matched on the normalized text.
    text_col : str
        Column holding the text.
    ignore_case : bool
        Case-insensitive matching.

    Returns
    -------
    pandas.DataFrame
        A subset of ``paragraphs`` (same columns, index and order).
    """
    hit = mentions(paragraphs, pattern, text_col=text_col, ignore_case=ignore_case)
    docs = set(paragraphs.loc[hit, "doc_id"])
    return paragraphs[paragraphs["doc_id"].isin(docs)]




# --------------------------------------------------------------------------------------------
# The paragraphs the theme notebooks code, and prevalence at three levels
# --------------------------------------------------------------------------------------------


def theme_paragraphs(units: pd.DataFrame, *, include_titles: bool = True) -> pd.DataFrame:
    """The paragraphs coded in notebooks 05-08: headlines included, period added, no duplicates.

    Headlines are where a page frames its subject most visibly ("Convention de Hanoï : protéger
    la souveraineté ..."), and a teaser can carry a theme in its headline only ("Quelques
    réalisations dans la mise en oeuvre de la Résolution 57-NQ/TW"), so each unit's title is
    kept as a paragraph of its own (``part="title"``). A related unit whose headline is the
    headline of an article of the corpus (``same_as``) is dropped, so the text is counted once.

    Parameters
    ----------
    units : pandas.DataFrame
        Output of :func:`analysis.corpus.load_corpus`.
    include_titles : bool
        Keep titles as paragraphs (default True).

    Returns
    -------
    pandas.DataFrame
        :func:`analysis.corpus.paragraphs` columns plus ``period``
        (:func:`analysis.themes.add_period`: the year for articles, ``"undated"`` for related
        units).
    """
    if "same_as" in units.columns:
        units = units[units["same_as"].fillna("") == ""]
    return _themestats.add_period(corpus.paragraphs(units, include_titles=include_titles))


#: The three levels of :func:`prevalence_levels`: name -> (rows kept, grouping column).
LEVELS = {
    "kind": (None, "kind"),
    "period": ("article", "period"),
    "article": ("article", "doc_id"),
}


def prevalence_levels(paragraphs: pd.DataFrame, *, themes: list | str | None = None,
                      codebook=None, n_boot: int = 2000, ci: float = 0.95,
                      random_state=0, matches: pd.DataFrame | None = None,
                      design: str = "cluster", min_docs: int = 5) -> pd.DataFrame:
    """Theme prevalence by unit kind, by period (articles only) and by article, in one table.

    Calls :func:`analysis.themes.prevalence` three times with the same seed:

    - ``level="kind"``: every paragraph, grouped by ``kind`` (articles and teasers side by
      side, each group on its own);
    - ``level="period"``: article paragraphs only, grouped by ``period`` (teasers are undated
      and were published at other times, so they never enter a comparison over time);
    - ``level="article"``: article paragraphs only, grouped by ``doc_id``.

    Parameters
    ----------
    paragraphs : pandas.DataFrame
        Output of :func:`theme_paragraphs` (``doc_id``, ``kind``, ``period``, ``text``,
        ``n_words``).
    themes : str or list of str, optional
        Theme ids (default: all themes of the codebook).
    codebook : Codebook, path or None
        None reads :data:`analysis.paths.CODEBOOK`.
    n_boot : int
        Bootstrap replicates.
    ci : float
        Coverage of the percentile interval.
    random_state : int
        Seed passed to each :func:`analysis.themes.prevalence` call.
    matches : pandas.DataFrame, optional
        The matches table of ``paragraphs`` (:func:`analysis.matches.code_themes`, same rows in
        the same order); by default computed once through the coding cache.
    design : {"cluster", "two_stage", "within"}
        Resampling design of the intervals (:func:`analysis.themes.prevalence`).
    min_docs : int
        Groups with fewer documents get no interval (and a ``note``).

    Returns
    -------
    pandas.DataFrame
        Columns ``level``, ``group``, ``theme``, ``n_matches``, ``n_words``,
        ``rate_per_1000``, ``ci_low``, ``ci_high``, ``n_paragraphs``, ``n_docs``, ``design``,
        ``note``; levels in the order of :data:`LEVELS`, groups sorted within a level. At the
        ``article`` level every group is one document, so no interval is drawn there.
    """
    matches = _matches.matches_for(paragraphs, codebook, matches=matches)
    tables = []
    for level, (kind, by) in LEVELS.items():
        keep = (np.ones(len(paragraphs), dtype=bool) if kind is None
                else (paragraphs["kind"] == kind).to_numpy())
        rows = paragraphs[keep]
        if rows.empty:
            continue
        table = _themestats.prevalence(rows, by, codebook=codebook, n_boot=n_boot, ci=ci,
                                       random_state=random_state, themes=themes,
                                       matches=_matches.subset_matches(matches, keep),
                                       design=design, min_docs=min_docs)
        table = table.rename(columns={by: "group"})
        table.insert(0, "level", level)
        table["group"] = table["group"].astype(str)
        tables.append(table)
    return pd.concat(tables, ignore_index=True)


# --------------------------------------------------------------------------------------------
# Documents and paragraphs that carry a theme; themes that travel together
# --------------------------------------------------------------------------------------------


def with_theme(paragraphs: pd.DataFrame, theme: str, *, level: str = "doc_id", codebook=None,
               text_col: str = "text", matches: pd.DataFrame | None = None) -> pd.DataFrame:
    """The rows of the documents (or the paragraphs) where ``theme`` occurs.

    Parameters
    ----------
    paragraphs : pandas.DataFrame
        Paragraphs (or units) with ``doc_id`` and ``text_col``.
    theme : str
        Theme id of the codebook.
    level : {"doc_id", "paragraph"}
        ``"doc_id"``: every row of a document where the theme occurs in at least one row;
        ``"paragraph"``: only the rows where it occurs.
    codebook : Codebook, path or None
        None reads :data:`analysis.paths.CODEBOOK`.
    text_col : str
        Column holding the text.
    matches : pandas.DataFrame, optional
        The matches table of ``paragraphs`` (:func:`analysis.matches.code_themes`, same rows in
        the same order); by default computed once through the coding cache.

    Returns
    -------
    pandas.DataFrame
        A subset of ``paragraphs`` (same columns and index, same order).
    """
    if level not in ("doc_id", "paragraph"):
        raise ValueError("level must be 'doc_id' or 'paragraph'")
    present = _matches.count_themes(paragraphs[text_col], codebook, themes=[theme],
                                     matches=matches)[theme] > 0
    if level == "paragraph":
        return paragraphs[present]
    docs = set(paragraphs.loc[present, "doc_id"])
    return paragraphs[paragraphs["doc_id"].isin(docs)]


def theme_units(paragraphs: pd.DataFrame, units: pd.DataFrame, theme: str, *, codebook=None,
                columns: tuple = ("kind", "date", "n_pages", "source_files", "title"),
                text_col: str = "text", matches: pd.DataFrame | None = None) -> pd.DataFrame:
    """The units that carry a theme, with its number of matches and where the units come from.

    Useful to see *which* articles and teasers a rate rests on, and on which pages a teaser was
    found (a teaser on a 2016 page may have been published in 2025).

    Parameters
    ----------
    paragraphs : pandas.DataFrame
        Paragraphs with ``doc_id`` and ``text_col`` (e.g. :func:`theme_paragraphs`).
    units : pandas.DataFrame
        Output of :func:`analysis.corpus.load_corpus`, for the unit columns.
    theme : str
        Theme id of the codebook.
    codebook : Codebook, path or None
        None reads :data:`analysis.paths.CODEBOOK`.
    columns : tuple of str
        Columns of ``units`` to show (those missing are skipped).
    text_col : str
        Column holding the text.
    matches : pandas.DataFrame, optional
        The matches table of ``paragraphs`` (:func:`analysis.matches.code_themes`, same rows in
        the same order); by default computed once through the coding cache.

    Returns
    -------
    pandas.DataFrame
        One row per unit with at least one match: ``doc_id``, ``n_matches``,
        ``n_paragraphs`` (paragraphs with the theme), then ``columns``; in the order of
        ``units``.
    """
    counts = _matches.count_themes(paragraphs[text_col], codebook, themes=[theme],
                                    matches=matches)[theme]
    table = pd.DataFrame({"doc_id": paragraphs["doc_id"].to_numpy(),
                          "n_matches": counts.to_numpy(),
                          "n_paragraphs": (counts > 0).astype("int64").to_numpy()})
    table = table.groupby("doc_id", sort=False).sum()
    table = table[table["n_matches"] > 0]
    keep = ["doc_id"] + [c for c in columns if c in units.columns]
    out = units[keep].merge(table, left_on="doc_id", right_index=True, how="inner")
    return out[["doc_id", "n_matches", "n_paragraphs"] + keep[1:]].reset_index(drop=True)


def theme_evidence(paragraphs: pd.DataFrame, theme: str, *, subframe: str | list | None = None,
                   kind: str | None = None, window: int = 80, codebook=None,
                   text_col: str = "text", extra: tuple = ("period",),
                   matches: pd.DataFrame | None = None) -> pd.DataFrame:
    """KWIC lines of one theme, optionally restricted to sub-frames and a unit kind.

    A thin layer over :func:`analysis.themes.theme_kwic` (context from the normalized text:
    apostrophes shown as ``'``), so that a notebook can show the lines behind a claim in one call.

    Parameters
    ----------
    paragraphs : pandas.DataFrame
        Paragraphs with ``doc_id``, ``para_id``, ``kind`` and ``text_col``.
    theme : str
        Theme id of the codebook.
    subframe : str or list of str, optional
        Keep only these sub-frames.
    kind : {"article", "related"}, optional
        Keep only this unit kind.
    window : int
        Characters of context on each side.
    codebook : Codebook, path or None
        None reads :data:`analysis.paths.CODEBOOK`.
    text_col : str
        Column holding the text.
    extra : tuple of str
        Columns of ``paragraphs`` copied to each line when present (default ``period``, so that
        lines can be grouped by period).
    matches : pandas.DataFrame, optional
        The matches table of ``paragraphs`` (:func:`analysis.matches.code_themes`, same rows in
        the same order); by default computed once through the coding cache.

    Returns
    -------
    pandas.DataFrame
        ``doc_id``, ``para_id``, ``kind``, ``left``, ``match``, ``right``, ``subframe`` (the
        regex of the pattern is left out), then the ``extra`` columns, in text order, with a
        fresh RangeIndex.
    """
    if matches is not None and kind is not None:
        matches = _matches.subset_matches(matches, (paragraphs["kind"] == kind).to_numpy())
    rows = paragraphs if kind is None else paragraphs[paragraphs["kind"] == kind]
    lines = _matches.theme_kwic(rows, theme, window=window, codebook=codebook, text_col=text_col,
                                 matches=matches)
    if subframe is not None:
        wanted = [subframe] if isinstance(subframe, str) else list(subframe)
        lines = lines[lines["subframe"].isin(wanted)]
    lines = lines.drop(columns="pattern").reset_index(drop=True)
    extra = [c for c in extra if c in rows.columns and c not in lines.columns]
    if extra:
        keys = rows[["doc_id", "para_id", *extra]].drop_duplicates(["doc_id", "para_id"])
        lines = lines.merge(keys, on=["doc_id", "para_id"], how="left")
    return lines


def co_mentions(paragraphs: pd.DataFrame, focal: str, other: str, *, codebook=None,
                text_col: str = "text", matches: pd.DataFrame | None = None) -> pd.DataFrame:
    """What theme ``other`` says in the documents where theme ``focal`` occurs.

    For instance, with ``focal="resolution_57"`` and ``other="companion_resolutions"``: which
    other resolutions are cited in the same units as Resolution 57-NQ/TW, and whether in the
    very same paragraph.

    Parameters
    ----------
    paragraphs : pandas.DataFrame
        Paragraphs with ``doc_id`` and ``text_col`` (a document is the set of its rows).
    focal, other : str
        Theme ids of the codebook.
    codebook : Codebook, path or None
        None reads :data:`analysis.paths.CODEBOOK`.
    text_col : str
        Column holding the text.
    matches : pandas.DataFrame, optional
        The matches table of ``paragraphs`` (:func:`analysis.matches.code_themes`, same rows in
        the same order); by default computed once through the coding cache.

    Returns
    -------
    pandas.DataFrame
        One row per (sub-frame, matched text) of ``other``: ``subframe``, ``match`` (as
        normalized), ``n_matches``, ``n_docs`` (documents citing both), ``n_same_paragraph``
        (matches in a paragraph where ``focal`` also occurs), ``doc_ids`` (sorted, joined with
        ", "). Sorted by ``n_docs`` descending, then sub-frame and match.
    """
    columns = ["subframe", "match", "n_matches", "n_docs", "n_same_paragraph", "doc_ids"]
    doc_ids = paragraphs["doc_id"].reset_index(drop=True)
    _matches.theme_ids(_matches.get_codebook(codebook), [focal, other])
    matches = _matches.matches_for(paragraphs, codebook, text_col=text_col, matches=matches)
    focal_rows = set(matches.loc[matches["theme"] == focal, "row"])
    focal_docs = set(doc_ids.iloc[sorted(focal_rows)])
    hits = matches[matches["theme"] == other].copy()
    hits["doc_id"] = doc_ids.iloc[hits["row"].to_numpy()].to_numpy()
    hits = hits[hits["doc_id"].isin(focal_docs)]
    if hits.empty:
        return pd.DataFrame(columns=columns)
    hits["same"] = hits["row"].isin(focal_rows)
    table = hits.groupby(["subframe", "match"], sort=True).agg(
        n_matches=("doc_id", "size"), n_docs=("doc_id", "nunique"),
        n_same_paragraph=("same", "sum"),
        doc_ids=("doc_id", lambda s: ", ".join(sorted(set(s))))).reset_index()
    table["n_same_paragraph"] = table["n_same_paragraph"].astype("int64")
    table = table.sort_values(["n_docs", "subframe", "match"], ascending=[False, True, True])
    return table[columns].reset_index(drop=True)




def component_table(paragraphs: pd.DataFrame, components: dict | None = None, *,
                    by: str = "period", codebook=None, text_col: str = "text",
                    matches: pd.DataFrame | None = None) -> pd.DataFrame:
    """Matches of named components (a theme, or some of its sub-frames) in each group.

    Parameters
    ----------
    paragraphs : pandas.DataFrame
        Paragraphs with ``doc_id``, ``text_col`` and the column ``by``.
    components : dict, optional
        Label -> (theme id, list of sub-frames or None for all); default
        the study file's (``analysis.study.load_study().components``).
    by : str
        Grouping column, e.g. ``"period"`` (pass article paragraphs only for periods).
    codebook : Codebook, path or None
        None reads :data:`analysis.paths.CODEBOOK`.
    text_col : str
        Column holding the text.
    matches : pandas.DataFrame, optional
        The matches table of ``paragraphs`` (:func:`analysis.matches.code_themes`, same rows in
        the same order); by default computed once through the coding cache.

    Returns
    -------
    pandas.DataFrame
        One row per component, in the order given: ``component``, ``theme``, ``subframes``
        (``"all"`` when not restricted), then for each group ``g`` (sorted) ``n_matches_g`` and
        ``n_docs_g``, then ``matches`` (distinct matched strings, sorted, joined with " | ").
    """
    components = _study().components if components is None else components
    rows = paragraphs.reset_index(drop=True)
    theme_ids = list(dict.fromkeys(theme for theme, _ in components.values()))
    _matches.theme_ids(_matches.get_codebook(codebook), theme_ids)
    matches = _matches.matches_for(rows, codebook, text_col=text_col, matches=matches)
    matches = matches[matches["theme"].isin(theme_ids)].copy()
    positions = matches["row"].to_numpy(dtype="int64")
    matches[by] = rows[by].to_numpy()[positions]
    matches["doc_id"] = rows["doc_id"].to_numpy()[positions]
    groups = sorted(rows[by].astype(str).unique())
    matches[by] = matches[by].astype(str)
    out = []
    for label, (theme, subframes) in components.items():
        hits = matches[matches["theme"] == theme]
        if subframes is not None:
            hits = hits[hits["subframe"].isin(subframes)]
        row = {"component": label, "theme": theme,
               "subframes": "all" if subframes is None else ", ".join(subframes)}
        for group in groups:
            in_group = hits[hits[by] == group]
            row[f"n_matches_{group}"] = len(in_group)
            row[f"n_docs_{group}"] = in_group["doc_id"].nunique()
        row["matches"] = " | ".join(sorted(set(hits["match"])))
        out.append(row)
    return pd.DataFrame(out)




def issuer_of(reference: str, issuers: tuple | None = None) -> str:
    """Issuer of a legal instrument from the code in its reference.

    Parameters
    ----------
    reference : str
        The reference as written, e.g. ``"Résolution n° 81/2023/QH15"``.
    issuers : tuple of (compiled regex, str), optional
        Code pattern -> issuer label, tried in order; default :data:`ISSUERS`.

    Returns
    -------
    str
        A label of :data:`ISSUERS`, or ``"not stated"`` when the reference carries no code
        (``"résolution 59"``).

    Examples
    --------
    >>> issuer_of("Résolution n° 81/2023/QH15")
    'National Assembly'
    >>> issuer_of("Résolution n°68-NQ/TW")
    'Party (Politburo / Central Committee)'
    >>> issuer_of("résolution 59")
    'not stated'
    """
    for regex, label in (ISSUERS if issuers is None else issuers):
        if regex.search(reference):
            return label
    return "not stated"


def resolution_companions(paragraphs: pd.DataFrame, *, focal: str = "resolution_57",
                          other: str = "companion_resolutions", codebook=None,
                          text_col: str = "text", matches: pd.DataFrame | None = None,
                          issuers: tuple | None = None) -> pd.DataFrame:
    """Resolutions cited in the same documents as Resolution 57-NQ/TW, with their issuer.

    :func:`co_mentions` of the codebook's ``companion_resolutions`` theme in the documents
    where ``resolution_57`` occurs, plus ``issuer`` (:func:`issuer_of` of the reference).

    Parameters
    ----------
    paragraphs : pandas.DataFrame
        Paragraphs with ``doc_id`` and ``text_col``.
    focal, other : str
        Theme ids (defaults: Resolution 57 and the other numbered resolutions).
    codebook : Codebook, path or None
        None reads :data:`analysis.paths.CODEBOOK`.
    text_col : str
        Column holding the text.
    matches : pandas.DataFrame, optional
        The matches table of ``paragraphs`` (:func:`analysis.matches.code_themes`, same rows in
        the same order); by default computed once through the coding cache.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`co_mentions` with ``issuer`` after ``match``.
    """
    table = co_mentions(paragraphs, focal, other, codebook=codebook, text_col=text_col,
                        matches=matches)
    table.insert(2, "issuer", [issuer_of(m, issuers) for m in table["match"]])
    return table


def subframe_table(paragraphs: pd.DataFrame, theme: str, *, by: str = "kind", codebook=None,
                   text_col: str = "text", matches: pd.DataFrame | None = None) -> pd.DataFrame:
    """Matches of one theme by sub-frame and group, with the documents that carry them.

    Parameters
    ----------
    paragraphs : pandas.DataFrame
        Paragraphs with ``doc_id``, ``text_col`` and the column ``by``.
    theme : str
        Theme id of the codebook.
    by : str
        Grouping column, e.g. ``"kind"`` or ``"period"``.
    codebook : Codebook, path or None
        None reads :data:`analysis.paths.CODEBOOK`.
    text_col : str
        Column holding the text.
    matches : pandas.DataFrame, optional
        The matches table of ``paragraphs`` (:func:`analysis.matches.code_themes`, same rows in
        the same order); by default computed once through the coding cache.

    Returns
    -------
    pandas.DataFrame
        One row per (group, sub-frame) with at least one match: ``by``, ``subframe``,
        ``n_matches``, ``n_paragraphs``, ``n_docs``, ``matches`` (distinct matched strings,
        sorted, joined with " | "). Sorted by group, then ``n_matches`` descending, then
        sub-frame.
    """
    columns = [by, "subframe", "n_matches", "n_paragraphs", "n_docs", "matches"]
    rows = paragraphs.reset_index(drop=True)
    _matches.theme_ids(_matches.get_codebook(codebook), [theme])
    matches = _matches.matches_for(rows, codebook, text_col=text_col, matches=matches)
    matches = matches[matches["theme"] == theme].copy()
    if matches.empty:
        return pd.DataFrame(columns=columns)
    positions = matches["row"].to_numpy()
    matches[by] = rows[by].to_numpy()[positions]
    matches["doc_id"] = rows["doc_id"].to_numpy()[positions]
    table = matches.groupby([by, "subframe"], sort=True).agg(
        n_matches=("match", "size"), n_paragraphs=("row", "nunique"),
        n_docs=("doc_id", "nunique"),
        matches=("match", lambda s: " | ".join(sorted(set(s))))).reset_index()
    table = table.sort_values([by, "n_matches", "subframe"], ascending=[True, False, True])
    return table[columns].reset_index(drop=True)

# --------------------------------------------------------------------------------------------
# Targets: deadlines, rankings, quantities
# --------------------------------------------------------------------------------------------




def target_statements(units: pd.DataFrame, *, patterns: dict | None = None,
                      text_col: str = "text") -> pd.DataFrame:
    """Sentences that state a target: a deadline, a ranking or a quantity, with the cues found.

    Parameters
    ----------
    units : pandas.DataFrame
        Units or paragraphs with ``doc_id`` and ``text_col``.
    patterns : dict of str to compiled regex, optional
        Target type -> pattern; default the study file's (``load_study().targets``).
    text_col : str
        Column holding the text.

    Returns
    -------
    pandas.DataFrame
        One row per sentence with at least one cue: ``doc_id``, (``kind``), (``para_id``),
        ``sent_id``, ``target_types`` (the types found, in the order of ``patterns``, joined
        with ", "), ``cues`` (``type: cue`` pairs, distinct, in order, joined with " | ") and
        ``sentence`` (original text).
    """
    patterns = _study().targets if patterns is None else patterns
    table = sentences(units, text_col=text_col)
    keep = [c for c in table.columns if c != "sentence"]
    rows = []
    for _, row in table.iterrows():
        text = normalize(row["sentence"])
        types, cues = [], []
        for target_type, regex in patterns.items():
            found = list(dict.fromkeys(m.group(0) for m in regex.finditer(text)))
            if found:
                types.append(target_type)
                cues.extend(f"{target_type}: {cue}" for cue in found)
        if types:
            rows.append({**{c: row[c] for c in keep}, "target_types": ", ".join(types),
                         "cues": " | ".join(cues), "sentence": row["sentence"]})
    return pd.DataFrame(rows, columns=[*keep, "target_types", "cues", "sentence"])


# --------------------------------------------------------------------------------------------
# Who speaks
# --------------------------------------------------------------------------------------------


def themes_by_speaker(speech: pd.DataFrame, *, by: str | list = "office", themes=None,
                      codebook=None, text_col: str = "text",
                      matches: pd.DataFrame | None = None) -> pd.DataFrame:
    """Which themes each speaker (or office, or country) carries in attributed speech.

    Parameters
    ----------
    speech : pandas.DataFrame
        Output of :func:`analysis.speakers.attribute_speech`: one row per attributed sentence,
        with ``doc_id``, the ``by`` column(s) and ``text_col``.
    by : str or list of str
        Grouping column(s), e.g. ``"office"``, ``"speaker"``, ``["country", "office"]``.
    themes : str or list of str, optional
        Theme ids (default: all themes of the codebook).
    codebook : Codebook, path or None
        None reads :data:`analysis.paths.CODEBOOK`.
    text_col : str
        Column holding the sentence.
    matches : pandas.DataFrame, optional
        The matches table of ``paragraphs`` (:func:`analysis.matches.code_themes`, same rows in
        the same order); by default computed once through the coding cache.

    Returns
    -------
    pandas.DataFrame
        One row per group (sorted): the ``by`` column(s), ``n_sentences``, ``n_docs``, then one
        int64 column per theme: the number of the group's sentences where the theme occurs.
    """
    by = [by] if isinstance(by, str) else list(by)
    rows = speech.reset_index(drop=True)
    present = (_matches.count_themes(rows[text_col], codebook, themes=themes,
                                      matches=matches) > 0).astype("int64")
    ids = list(present.columns)
    table = pd.concat([rows[list(dict.fromkeys(by + ["doc_id"]))], present], axis=1)
    grouped = table.groupby(by, sort=True)
    out = grouped[ids].sum()
    out.insert(0, "n_docs", grouped["doc_id"].nunique())
    out.insert(0, "n_sentences", grouped.size())
    return out.reset_index().astype({"n_sentences": "int64", "n_docs": "int64"})
