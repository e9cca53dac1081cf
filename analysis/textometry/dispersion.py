"""Where chosen terms occur in the ordered corpus, and their frequency by period."""
from __future__ import annotations

import numpy as np
import pandas as pd

from analysis.errors import AnalysisError
from analysis.inference import cluster_bootstrap
from analysis.text import count_words, tokenize

#: Token options for locating terms: lemmas and multiword terms, nothing dropped, so that a
#: token's position counts every word before it.
POSITION_OPTIONS = {"lemmatize": True, "remove_stopwords": False, "remove_boilerplate": False}


def term_token(term: str) -> str:
    """The single token a term becomes (``"Résolution 57"`` -> ``"résolution_57"``).

    Raises
    ------
    AnalysisError
        When the term gives no token or several (write it as the multiword list does).
    """
    tokens = tokenize(term, **POSITION_OPTIONS)
    if len(tokens) != 1:
        raise AnalysisError(f"term {term!r} gives the tokens {tokens}, not one token: "
                            "use a single word or a multiword term of analysis/resources/multiwords_fr.txt")
    return tokens[0]


def _matches(token: str, wanted: str) -> bool:
    """True when ``token`` is ``wanted`` or a multiword token with ``wanted`` among its words."""
    return token == wanted or ("_" in token and wanted in token.split("_"))


def order_units(units: pd.DataFrame, *, date_col: str = "date") -> pd.DataFrame:
    """Units sorted by date (undated last), ties and undated units in their table order."""
    dates = pd.to_datetime(units[date_col]) if date_col in units.columns else pd.Series(pd.NaT, index=units.index)
    key = pd.DataFrame({"undated": dates.isna().to_numpy(), "date": dates.to_numpy(),
                        "pos": np.arange(len(units))})
    order = key.sort_values(["undated", "date", "pos"], kind="stable")["pos"].to_numpy()
    return units.iloc[order]


def occurrences(units: pd.DataFrame, terms, *, text_col: str = "text", doc_col: str = "doc_id",
                date_col: str = "date") -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every occurrence of ``terms`` with its position in the corpus ordered by date.

    Texts are tokenized with :data:`POSITION_OPTIONS` (every word kept, lemmatized, multiword
    terms joined) and each term is matched as the token it gives (:func:`term_token`), so
    ``souverainetés`` counts for ``souveraineté`` and ``l'IA`` for ``IA``. A multiword token
    counts for each of its words: ``souveraineté_numérique`` is an occurrence of
    ``souveraineté``.

    Parameters
    ----------
    units : pandas.DataFrame
        With ``doc_col``, ``text_col`` and optionally ``date_col`` and ``title``.
    terms : list of str
    text_col, doc_col, date_col : str

    Returns
    -------
    (pandas.DataFrame, pandas.DataFrame)
        Occurrences: ``term``, ``doc_id``, ``position`` (token offset in the whole ordered
        corpus), ``relative`` (offset within the document divided by its length). Documents:
        ``doc_id``, ``start``, ``n_tokens``, ``date``, ``title`` in corpus order.
    """
    if isinstance(terms, str):
        terms = [terms]
    for col in (doc_col, text_col):
        if col not in units.columns:
            raise AnalysisError(f"occurrences: units have no {col!r} column")
    wanted = {term_token(t): t for t in terms}
    if len(wanted) < len(terms):
        raise AnalysisError(f"occurrences: two of the terms {list(terms)} give the same token")
    ordered = order_units(units, date_col=date_col)
    occ, docs, start = [], [], 0
    for record in ordered.to_dict("records"):
        text = record[text_col] if isinstance(record[text_col], str) else ""
        tokens = tokenize(text, **POSITION_OPTIONS)
        for i, tok in enumerate(tokens):
            for key, term in wanted.items():
                if _matches(tok, key):
                    occ.append({"term": term, "doc_id": record[doc_col], "position": start + i,
                                "relative": i / len(tokens)})
        docs.append({"doc_id": record[doc_col], "start": start, "n_tokens": len(tokens),
                     "date": record.get(date_col, pd.NaT), "title": record.get("title", "")})
        start += len(tokens)
    occ = pd.DataFrame(occ, columns=["term", "doc_id", "position", "relative"])
    return occ.astype({"position": "int64"}), pd.DataFrame(docs, columns=["doc_id", "start", "n_tokens", "date", "title"])


def term_trends(units: pd.DataFrame, terms, *, by: str = "period", n_boot: int = 1000, ci: float = 0.95,
                text_col: str = "text", doc_col: str = "doc_id", min_docs: int = 2,
                random_state=None) -> pd.DataFrame:
    """Relative frequency of terms per 1,000 words by group, with document-bootstrap intervals.

    Occurrences are found as in :func:`occurrences` (a multiword token counts for each of its
    words); words are counted with
    :func:`analysis.text.count_words`. The interval resamples the documents of each group with
    replacement (:func:`analysis.inference.cluster_bootstrap`, ``n_boot`` replicates, percentile
    interval); a group with fewer than ``min_docs`` documents gets no interval (NaN) and a
    ``note``. Each group draws from a stream seeded from ``random_state`` and its label (the
    same document draws for every term), so an interval does not change when groups are added.

    Parameters
    ----------
    units : pandas.DataFrame
        One row per document. When ``by="period"`` and the column is missing, it is made from
        ``date`` with :func:`analysis.themes.add_period`.
    terms : list of str
    by : str
        Grouping column.
    n_boot : int
    ci : float
        Confidence level of the interval.
    text_col, doc_col : str
    min_docs : int
    random_state : int, numpy.random.Generator or None
        Seeds the bootstrap (a generator or None is turned into an integer seed first).

    Returns
    -------
    pandas.DataFrame
        ``term``, ``<by>``, ``n_docs``, ``count``, ``n_words``, ``per_1000``, ``low``, ``high``,
        ``design`` (the resampling design in words) and ``note`` (why a group has no interval),
        sorted by term (in the order given) then group.
    """
    if isinstance(terms, str):
        terms = [terms]
    if by not in units.columns:
        if by == "period":
            from analysis.themes import add_period

            units = add_period(units)
        else:
            raise AnalysisError(f"term_trends: units have no {by!r} column")
    if not 0 < ci < 1:
        raise AnalysisError(f"term_trends: ci must lie in (0, 1), not {ci!r}")
    if random_state is None or isinstance(random_state, np.random.Generator):
        random_state = int(np.random.default_rng(random_state).integers(2**31))
    units = units.reset_index(drop=True)
    words = np.array([count_words(t) if isinstance(t, str) else 0 for t in units[text_col]], dtype=float)
    tokens = [tokenize(t, **POSITION_OPTIONS) if isinstance(t, str) else [] for t in units[text_col]]
    rows = []
    for term in terms:
        tok = term_token(term)
        counts = np.array([sum(1 for x in ts if _matches(x, tok)) for ts in tokens], dtype=float)
        for group in sorted(units[by].astype(str).unique()):
            mask = (units[by].astype(str) == group).to_numpy()
            c, w = counts[mask], words[mask]
            table = pd.DataFrame({"count": c, "words": w, "group": group,
                                  "doc": units.loc[mask, doc_col].astype(str).to_numpy()})
            boot = cluster_bootstrap(table, value="count", weight="words", cluster="doc", group="group",
                                     n_boot=n_boot, ci=ci,
                                     min_clusters=min_docs, random_state=random_state,
                                     unit_name="documents").iloc[0]
            rows.append({"term": term, by: group, "n_docs": int(mask.sum()), "count": int(c.sum()),
                         "n_words": int(w.sum()), "per_1000": 1000 * c.sum() / w.sum() if w.sum() else np.nan,
                         "low": boot["low"], "high": boot["high"], "design": boot["design"], "note": boot["note"]})
    return pd.DataFrame(rows, columns=["term", by, "n_docs", "count", "n_words", "per_1000", "low", "high",
                                       "design", "note"])


def dispersion_plot(units: pd.DataFrame, terms, ax=None, **kwargs):
    """Lexical dispersion plot; see :func:`analysis.plots.textometry.dispersion_plot`."""
    from analysis.plots.textometry import dispersion_plot as _plot

    return _plot(units, terms, ax=ax, **kwargs)
