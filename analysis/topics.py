"""Topic models that can be trusted on a small corpus: NMF and LDA, NPMI coherence, stability, choice of k.

On a handful of pages a topic model is easy to run and easy to over-read: topics change with the
seed, with the number of topics ``k`` and with the unit of analysis. This module answers by default
the three questions every user of a topic model asks:

- *which k?* :func:`select_k` tabulates coherence, stability and fit over a range of k;
- *how stable?* :func:`topic_stability` refits the model from several random starts (seeds)
  and matches topics across runs one to one by the Hungarian algorithm (Kuhn 1955) on the
  cosine similarity of topic-term vectors; the choice of k rests on the least stable topic, and
  :func:`k_choice_frequency` shows how often each k would be chosen with other seed sets;
- *how coherent?* :func:`npmi_coherence` (:mod:`analysis.coherence`) computes NPMI coherence as Röder et al. (2015) and
  gensim's ``c_npmi`` define it, on the project's own tokens.

Inputs are a document-term matrix (rows: units, usually paragraphs; columns: terms) with its
vocabulary, and the units' token lists as reference texts for coherence. Every output is a tidy
:class:`pandas.DataFrame`. Topics are numbered from 1 in tables (row ``i`` of a components matrix
is topic ``i + 1``) and ordered by prevalence (topic 1 has the largest total share of the units).

References
----------
Röder, M., Both, A. & Hinneburg, A. (2015). Exploring the space of topic coherence measures.
WSDM '15, 399-408.
Bouma, G. (2009). Normalized (pointwise) mutual information in collocation extraction. GSCL.
Kuhn, H. W. (1955). The Hungarian method for the assignment problem. *Naval Research Logistics
Quarterly* 2, 83-97 (``scipy.optimize.linear_sum_assignment``).

The stability computed here (cosine similarity of topic-term vectors across random restarts on
the same units) is not the measure of Greene, O'Callaghan & Cunningham (2014, "How many
topics? Stability analysis for topic models", ECML PKDD), who refit on random subsamples of the
documents and compare the top-term rankings of matched topics by average Jaccard agreement.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import sparse
from scipy.optimize import linear_sum_assignment
from sklearn.decomposition import NMF, LatentDirichletAllocation

from analysis.coherence import EPSILON, npmi, npmi_coherence, window_counts  # noqa: F401  (re-exported)
from analysis.kept_transpose import TransposeOnceCSR
from analysis.topic_memo import (  # noqa: F401  (clear_memo and RUN_MEMO_SIZE re-exported)
    RUN_MEMO_SIZE, _RUN_MEMO, _inputs_key, clear_memo)

#: Methods understood by :func:`fit_topics`.
METHODS = ("nmf", "lda")
#: Unit kinds produced by :func:`analysis.corpus.paragraphs`.
KINDS = ("article", "related")
#: Quantile of a topic's matched similarities over runs that the choice of k rests on: a topic
#: must be found in (about) 90% of the runs, not only on average.
STABILITY_QUANTILE = 0.1
#: Seeds of the stability runs when none are given: at least 20.
N_SEEDS = 20
#: Default seed sets of :func:`k_choice_frequency`: three disjoint sets of 20 seeds.
SEED_SETS = (range(1, 21), range(21, 41), range(41, 61))

#: Default estimator settings. NMF: deterministic NNDSVDa start and enough iterations that the
#: coordinate-descent solver converges (no ConvergenceWarning) on paragraph-level matrices.
NMF_DEFAULTS = {"init": "nndsvda", "solver": "cd", "beta_loss": "frobenius", "max_iter": 2000, "tol": 1e-4}
#: LDA: batch variational Bayes (deterministic given ``random_state``), priors left at 1 / k.
LDA_DEFAULTS = {"learning_method": "batch", "max_iter": 50}


# --------------------------------------------------------------------------- units


def select_units(paragraphs: pd.DataFrame, *, kinds=("article",), min_words: int = 1) -> pd.DataFrame:
    """Choose the units a topic model is fitted on, explicitly.

    Parameters
    ----------
    paragraphs : pandas.DataFrame
        Output of :func:`analysis.corpus.paragraphs`: at least ``doc_id``, ``para_id``, ``kind``,
        ``text`` and ``n_words``.
    kinds : sequence of {"article", "related"}
        ``("article",)`` for article paragraphs only (the default, and the only choice for
        comparisons over time: related teasers are undated), ``("article", "related")`` to add
        the related-article teasers.
    min_words : int
        Drop paragraphs with fewer words than this (``n_words``).

    Returns
    -------
    pandas.DataFrame
        The kept rows in their original order, index reset, with a ``unit_id`` column
        ``"<doc_id>#<para_id>"``.
    """
    kinds = tuple(kinds)
    unknown = sorted(set(kinds) - set(KINDS))
    if unknown or not kinds:
        raise ValueError(f"kinds must be a non-empty subset of {KINDS}, got {kinds}")
    keep = paragraphs["kind"].isin(kinds) & (paragraphs["n_words"] >= min_words)
    units = paragraphs.loc[keep].reset_index(drop=True).copy()
    units.insert(0, "unit_id", units["doc_id"].astype(str) + "#" + units["para_id"].astype(str))
    return units


def unit_groups(units: pd.DataFrame, related_label: str = "teasers (undated)") -> pd.Series:
    """A readable document label per unit: ``"000 · 2016-10-31"`` for articles, one group for teasers.

    Parameters
    ----------
    units : pandas.DataFrame
        Units with ``doc_id``, ``kind`` and ``date``.
    related_label : str
        Label shared by every related unit (teasers are undated and recur across pages).

    Returns
    -------
    pandas.Series of str, aligned with ``units``
    """
    dates = pd.to_datetime(units["date"]).dt.strftime("%Y-%m-%d")
    labels = units["doc_id"].astype(str).str[:3] + " · " + dates.fillna("undated")
    return labels.where(units["kind"] == "article", related_label).rename("group")


def nonempty_rows(dtm) -> np.ndarray:
    """Boolean mask of the rows of ``dtm`` that hold at least one non-zero term weight.

    A unit whose tokens all fell outside the vocabulary (``min_df``, stopwords) has no topic
    shares; drop such rows (and the matching units) before fitting.

    Parameters
    ----------
    dtm : scipy.sparse matrix or numpy.ndarray, shape (n_units, n_terms)

    Returns
    -------
    numpy.ndarray of bool, shape (n_units,)
    """
    return np.asarray(abs(dtm).sum(axis=1)).ravel() > 0


# --------------------------------------------------------------------------- fitting


@dataclass(frozen=True)
class TopicFit:
    """A fitted topic model in plain arrays.

    Attributes
    ----------
    method : str
        ``"nmf"`` or ``"lda"``.
    n_components : int
        Number of topics k.
    random_state : int
        Seed passed to the estimator.
    components : numpy.ndarray, shape (k, n_terms)
        Topic-term weights, each row normalized to sum to 1, rows ordered by prevalence.
    doc_topic : numpy.ndarray, shape (n_units, k)
        Unit-topic shares, each row summing to 1 (NaN for a unit with no weight at all).
    unit_weights : numpy.ndarray, shape (n_units, k)
        The estimator's raw unit-topic weights (NMF's W; LDA's unnormalized topic
        distribution), same topic order; they break ties between equal shares.
    vocabulary : numpy.ndarray of str
        Term of each column.
    score : float
        Frobenius reconstruction error (NMF) or perplexity on the fitted matrix (LDA).
    estimator : object
        The fitted scikit-learn estimator (topics in its own, unsorted order).
    """

    method: str
    n_components: int
    random_state: int
    components: np.ndarray
    doc_topic: np.ndarray
    unit_weights: np.ndarray
    vocabulary: np.ndarray
    score: float
    estimator: object


def _estimator(method, n_components, random_state, params):
    """Build the scikit-learn estimator for ``method`` with the module defaults and ``params``."""
    if method == "nmf":
        return NMF(n_components=n_components, random_state=random_state, **{**NMF_DEFAULTS, **params})
    if method == "lda":
        return LatentDirichletAllocation(
            n_components=n_components, random_state=random_state, **{**LDA_DEFAULTS, **params}
        )
    raise ValueError(f"method must be one of {METHODS}, got {method!r}")


def _row_shares(matrix: np.ndarray) -> np.ndarray:
    """Divide each row by its sum; rows summing to 0 become NaN."""
    matrix = np.asarray(matrix, dtype=float)
    totals = matrix.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(totals > 0, matrix / np.where(totals > 0, totals, 1.0), np.nan)


def _fit_input(dtm, method):
    """The matrix handed to scikit-learn: a plain CSR matrix becomes a :class:`TransposeOnceCSR` for NMF."""
    if method == "nmf" and type(dtm) is sparse.csr_matrix:
        return TransposeOnceCSR(dtm)
    return dtm


def fit_topics(dtm, vocabulary, n_components: int = 5, *, method: str = "nmf", random_state: int = 0, **params) -> TopicFit:
    """Fit NMF or LDA and return topics and unit shares as plain arrays.

    NMF (default) uses ``init="nndsvda"``, which makes the fit deterministic; feed it a TF-IDF
    matrix. LDA uses batch variational Bayes; feed it raw counts. The same inputs and
    ``random_state`` give the same output.

    Parameters
    ----------
    dtm : scipy.sparse matrix, shape (n_units, n_terms)
        Document-term matrix (rows: units, e.g. paragraphs).
    vocabulary : array-like of str, length n_terms
    n_components : int
        Number of topics k.
    method : {"nmf", "lda"}
    random_state : int
        Seed of the estimator.
    **params
        Overrides of :data:`NMF_DEFAULTS` / :data:`LDA_DEFAULTS` (e.g. ``init="random"``).

    Returns
    -------
    TopicFit
        Topics ordered by prevalence (total share over the units, largest first; ties keep the
        estimator's order).
    """
    vocabulary = np.asarray(vocabulary, dtype=object)
    if dtm.shape[1] != len(vocabulary):
        raise ValueError(f"dtm has {dtm.shape[1]} columns but the vocabulary has {len(vocabulary)} terms")
    estimator = _estimator(method, n_components, random_state, params)
    weights = estimator.fit_transform(_fit_input(dtm, method))
    shares = _row_shares(weights)
    order = np.argsort(-np.nansum(shares, axis=0), kind="stable")
    if method == "nmf":
        score = float(estimator.reconstruction_err_)
    else:
        # the fit's own final perplexity on the training matrix: ``perplexity(dtm)`` would repeat
        # the same deterministic E-step on the same matrix for the same number
        score = float(estimator.bound_)
    return TopicFit(
        method=method,
        n_components=n_components,
        random_state=random_state,
        components=_row_shares(estimator.components_)[order],
        doc_topic=shares[:, order],
        unit_weights=np.asarray(weights, dtype=float)[:, order],
        vocabulary=vocabulary,
        score=score,
        estimator=estimator,
    )


# --------------------------------------------------------------------------- tidy tables


def top_terms(components, vocabulary, n_top_words: int = 10) -> pd.DataFrame:
    """Topic x top terms with their weights, one row per (topic, term).

    Parameters
    ----------
    components : numpy.ndarray, shape (k, n_terms)
        Topic-term weights (e.g. :attr:`TopicFit.components`).
    vocabulary : array-like of str
    n_top_words : int
        Terms kept per topic.

    Returns
    -------
    pandas.DataFrame
        Columns ``topic`` (1-based), ``rank`` (1-based), ``term``, ``weight`` (the term's share of
        the topic's total weight). Within a topic, terms are sorted by weight, ties by term.
    """
    components = np.asarray(components, dtype=float)
    vocabulary = np.asarray(vocabulary, dtype=object)
    weights = _row_shares(components)
    rows = []
    for t, row in enumerate(weights):
        order = np.lexsort((vocabulary.astype(str), -row))[:n_top_words]
        for rank, j in enumerate(order, start=1):
            rows.append({"topic": t + 1, "rank": rank, "term": str(vocabulary[j]), "weight": float(row[j])})
    return pd.DataFrame(rows, columns=["topic", "rank", "term", "weight"])


def topic_words(terms: pd.DataFrame) -> list[list[str]]:
    """Top-word lists, one per topic in topic order, from a :func:`top_terms` table.

    Parameters
    ----------
    terms : pandas.DataFrame
        Output of :func:`top_terms`.

    Returns
    -------
    list of list of str
    """
    terms = terms.sort_values(["topic", "rank"])
    return [list(group["term"]) for _, group in terms.groupby("topic", sort=True)]


def topic_labels(terms: pd.DataFrame, n_words: int = 3) -> dict[int, str]:
    """Short labels ``"T1 numérique · données · souveraineté"`` from a :func:`top_terms` table.

    Parameters
    ----------
    terms : pandas.DataFrame
        Output of :func:`top_terms`.
    n_words : int
        Top words in each label.

    Returns
    -------
    dict of int to str
        Topic number to label.
    """
    words = topic_words(terms)
    return {t + 1: f"T{t + 1} " + " · ".join(w[:n_words]) for t, w in enumerate(words)}


def topic_shares(doc_topic, units: pd.DataFrame, columns=("unit_id", "doc_id", "para_id", "kind"),
                 unit_weights=None) -> pd.DataFrame:
    """Unit x topic shares in long form, one row per (unit, topic).

    Parameters
    ----------
    doc_topic : numpy.ndarray, shape (n_units, k)
        Unit-topic shares (e.g. :attr:`TopicFit.doc_topic`), rows aligned with ``units``.
    units : pandas.DataFrame
        The units the model was fitted on, in the same order.
    columns : sequence of str
        Columns of ``units`` copied into the table (those present are kept).
    unit_weights : numpy.ndarray, shape (n_units, k), optional
        Raw weights (:attr:`TopicFit.unit_weights`), added as a ``weight`` column.

    Returns
    -------
    pandas.DataFrame
        The chosen unit columns, then ``topic`` (1-based), ``share`` (and ``weight``); sorted by
        unit order then topic.
    """
    doc_topic = np.asarray(doc_topic, dtype=float)
    if doc_topic.shape[0] != len(units):
        raise ValueError(f"doc_topic has {doc_topic.shape[0]} rows for {len(units)} units")
    keep = [c for c in columns if c in units.columns]
    n_units, k = doc_topic.shape
    table = units[keep].iloc[np.repeat(np.arange(n_units), k)].reset_index(drop=True)
    table["topic"] = np.tile(np.arange(1, k + 1), n_units)
    table["share"] = doc_topic.ravel()
    if unit_weights is not None:
        table["weight"] = np.asarray(unit_weights, dtype=float).ravel()
    return table


def shares_by(shares: pd.DataFrame, units: pd.DataFrame, by: str = "doc_id", weight: str | None = "n_words") -> pd.DataFrame:
    """Mean topic share per group of units (e.g. per article), weighted by unit length.

    Parameters
    ----------
    shares : pandas.DataFrame
        Output of :func:`topic_shares` (needs ``unit_id``, ``topic``, ``share``).
    units : pandas.DataFrame
        Units with ``unit_id``, the grouping column ``by`` and the ``weight`` column.
    by : str
        Grouping column of ``units``.
    weight : str or None
        Column of ``units`` weighting each unit (``"n_words"``: a group's share is the share of
        its words); None for an unweighted mean.

    Returns
    -------
    pandas.DataFrame
        Groups (sorted) x topics; each row sums to 1 (up to rounding) when the unit rows do.
    """
    extra = [by] if weight is None else [by, weight]
    table = shares[["unit_id", "topic", "share"]].merge(units[["unit_id", *extra]], on="unit_id", how="left")
    table = table.dropna(subset=["share"])
    w = np.ones(len(table)) if weight is None else table[weight].to_numpy(dtype=float)
    table = table.assign(_w=w, _ws=w * table["share"].to_numpy(dtype=float))
    sums = table.groupby([by, "topic"], sort=True)[["_ws", "_w"]].sum()
    mean = (sums["_ws"] / sums["_w"]).unstack("topic")
    mean.columns.name = "topic"
    return mean


def shares_by_period(shares: pd.DataFrame, units: pd.DataFrame, weight: str | None = "n_words") -> pd.DataFrame:
    """Mean topic share per publication year, on dated article units only.

    Related teasers are undated and were published at other times than the page that carries
    them; mixing them into a comparison over time would be wrong, so this function refuses
    units that are not dated articles instead of dropping them silently.

    Parameters
    ----------
    shares : pandas.DataFrame
        Output of :func:`topic_shares`.
    units : pandas.DataFrame
        Units with ``unit_id``, ``kind``, ``date`` and the ``weight`` column.
    weight : str or None
        See :func:`shares_by`.

    Returns
    -------
    pandas.DataFrame
        Years (``period``) x topics.

    Raises
    ------
    ValueError
        If any unit in ``shares`` is not an article or has no date.
    """
    used = units[units["unit_id"].isin(shares["unit_id"])]
    bad = used[(used["kind"] != "article") | used["date"].isna()]
    if len(bad):
        raise ValueError(
            f"{len(bad)} units are not dated articles (e.g. {bad['unit_id'].iloc[0]!r}); "
            "fit or select article units only for comparisons over time"
        )
    units = units.assign(period=pd.to_datetime(units["date"]).dt.year.astype("Int64"))
    table = shares_by(shares, units, by="period", weight=weight)
    table.index = table.index.astype(int)
    return table


def typical_units(shares: pd.DataFrame, units: pd.DataFrame, n_units: int = 3, *, min_words: int = 20, max_chars: int | None = 400) -> pd.DataFrame:
    """The most typical units of each topic: those with the highest share of it.

    NMF often gives a paragraph its whole weight on one topic (share 1); ties in share are broken
    by the raw weight when ``shares`` has a ``weight`` column (the paragraph the topic
    reconstructs most strongly comes first), then by unit order.

    Parameters
    ----------
    shares : pandas.DataFrame
        Output of :func:`topic_shares`.
    units : pandas.DataFrame
        Units with ``unit_id``, ``text`` and ``n_words``.
    n_units : int
        Units kept per topic.
    min_words : int
        Only units with at least this many words compete (a three-word paragraph reaches a share
        of 1 too easily to be typical of anything).
    max_chars : int or None
        Cut quoted texts longer than this at a word boundary and add ``" […]"``; None keeps
        them whole.

    Returns
    -------
    pandas.DataFrame
        Columns ``topic``, ``rank``, ``unit_id``, ``share``, ``text``.
    """
    if "weight" in shares.columns:
        table = shares[["unit_id", "topic", "share", "weight"]]
    else:
        table = shares[["unit_id", "topic", "share"]].assign(weight=0.0)
    table = table.merge(units[["unit_id", "text", "n_words"]], on="unit_id", how="left")
    table = table[(table["n_words"] >= min_words) & table["share"].notna()]
    table = table.assign(_order=np.arange(len(table)))
    table = table.sort_values(["topic", "share", "weight", "_order"], ascending=[True, False, False, True],
                              kind="stable")
    table = table.groupby("topic", sort=True).head(n_units).copy()
    table["rank"] = table.groupby("topic").cumcount() + 1
    if max_chars is not None:
        table["text"] = [_shorten(t, max_chars) for t in table["text"]]
    return table[["topic", "rank", "unit_id", "share", "text"]].reset_index(drop=True)


def _shorten(text: str, max_chars: int) -> str:
    """Cut ``text`` at the last space before ``max_chars`` and mark the cut with ``" […]"``."""
    text = " ".join(str(text).split())
    if len(text) <= max_chars:
        return text
    cut = text[:max_chars].rsplit(" ", 1)[0]
    return cut + " […]"


# --------------------------------------------------------------------------- stability


def cosine_similarity_matrix(components_a, components_b) -> np.ndarray:
    """Cosine similarity between every topic of ``components_a`` and every topic of ``components_b``.

    Parameters
    ----------
    components_a : numpy.ndarray, shape (k_a, n_terms)
    components_b : numpy.ndarray, shape (k_b, n_terms)

    Returns
    -------
    numpy.ndarray, shape (k_a, k_b)
        Zero where a topic vector is all zeros.
    """
    a = np.asarray(components_a, dtype=float)
    b = np.asarray(components_b, dtype=float)
    norm_a = np.linalg.norm(a, axis=1, keepdims=True)
    norm_b = np.linalg.norm(b, axis=1, keepdims=True)
    a = np.divide(a, norm_a, out=np.zeros_like(a), where=norm_a > 0)
    b = np.divide(b, norm_b, out=np.zeros_like(b), where=norm_b > 0)
    return np.clip(a @ b.T, 0.0, 1.0)


def match_topics(components_a, components_b):
    """Match the topics of two runs one to one, maximizing total cosine similarity (Hungarian).

    Parameters
    ----------
    components_a, components_b : numpy.ndarray, shape (k, n_terms)
        Topic-term matrices over the same vocabulary (same column order).

    Returns
    -------
    matched : numpy.ndarray of int, shape (k,)
        ``matched[i]`` is the row of ``components_b`` matched to row ``i`` of ``components_a``.
    similarity : numpy.ndarray of float, shape (k,)
        Cosine similarity of each matched pair.
    """
    sim = cosine_similarity_matrix(components_a, components_b)
    if sim.shape[0] != sim.shape[1]:
        raise ValueError(f"both runs need the same number of topics, got {sim.shape}")
    rows, cols = linear_sum_assignment(sim, maximize=True)
    matched = np.empty(sim.shape[0], dtype=int)
    matched[rows] = cols
    return matched, sim[np.arange(sim.shape[0]), matched]


def align_components(components, vocabulary, target_vocabulary) -> np.ndarray:
    """Reorder (and zero-fill) topic-term columns to follow ``target_vocabulary``.

    Use it to compare models fitted on matrices whose vocabularies differ (e.g. NMF on TF-IDF
    and LDA on counts built with other options).

    Parameters
    ----------
    components : numpy.ndarray, shape (k, n_terms)
    vocabulary : array-like of str, length n_terms
    target_vocabulary : array-like of str

    Returns
    -------
    numpy.ndarray, shape (k, len(target_vocabulary))
    """
    components = np.asarray(components, dtype=float)
    position = {str(term): j for j, term in enumerate(vocabulary)}
    out = np.zeros((components.shape[0], len(target_vocabulary)))
    for j, term in enumerate(target_vocabulary):
        if str(term) in position:
            out[:, j] = components[:, position[str(term)]]
    return out


def best_matches(fit_a: TopicFit, fit_b: TopicFit) -> pd.DataFrame:
    """For each topic of ``fit_a``, the most similar topic of ``fit_b`` (not one to one).

    Unlike :func:`compare_models`, two topics of ``fit_a`` may pick the same topic of ``fit_b``,
    so the models may have different k (e.g. does a topic persist from k to k + 1?).

    Parameters
    ----------
    fit_a, fit_b : TopicFit

    Returns
    -------
    pandas.DataFrame
        One row per topic of ``fit_a``: ``topic_a``, ``topic_b`` (1-based) and ``similarity``.
    """
    b = align_components(fit_b.components, fit_b.vocabulary, fit_a.vocabulary)
    sim = cosine_similarity_matrix(fit_a.components, b)
    best = sim.argmax(axis=1)
    return pd.DataFrame({"topic_a": np.arange(1, sim.shape[0] + 1), "topic_b": best + 1,
                         "similarity": sim[np.arange(sim.shape[0]), best]})


def topic_stability(dtm, n_components: int, *, method: str = "nmf", reference=None, random_state: int = 0,
                    random_states=range(1, 11), run_params=None, **params) -> pd.DataFrame:
    """Refit with several seeds and match each reference topic to its best counterpart in every run.

    The reference is the model one reports (by default :func:`fit_topics` with ``random_state``).
    Each run is refitted on the same units with one of ``random_states``; its topics are matched
    one to one to the reference topics (:func:`match_topics`: the Hungarian algorithm on the
    cosine similarity of topic-term vectors). This measures dependence on the random start,
    not on the sample of documents (the subsampling design of Greene et al. 2014 is not what
    is computed here). NMF's default NNDSVDa start ignores the seed, so for NMF the runs start from
    random factors (``run_params={"init": "random"}``): that is what measures whether the
    reported solution depends on where the optimization starts. For LDA the seed drives the
    variational initialization directly.

    Each run is deterministic given its inputs, so its matched topics and similarities are
    remembered in memory for the rest of the process, keyed by the exact matrix, reference,
    seed and estimator settings: calling this again with the same inputs (as :func:`select_k`
    and :func:`k_choice_frequency` do for the same seeds) refits nothing and returns the same
    table. :func:`clear_memo` forgets the remembered runs.

    Parameters
    ----------
    dtm : scipy.sparse matrix
    n_components : int
    method : {"nmf", "lda"}
    reference : numpy.ndarray, shape (k, n_terms), optional
        Reference topic-term matrix; when None it is fitted with ``random_state`` and ``params``.
    random_state : int
        Seed of the reference fit.
    random_states : iterable of int
        Seeds of the runs (at least 20 advised; keep them distinct from ``random_state`` so LDA
        is not compared with itself).
    run_params : dict, optional
        Extra estimator settings for the runs only; default ``{"init": "random"}`` for NMF and
        ``{}`` for LDA.
    **params
        Estimator settings shared by the reference and the runs.

    Returns
    -------
    pandas.DataFrame
        One row per (run, reference topic): ``n_components``, ``random_state`` (of the run),
        ``topic`` (1-based, reference order), ``matched_topic`` (1-based, in the run's own
        prevalence order) and ``similarity`` (cosine, in [0, 1]).
    """
    vocabulary = np.arange(dtm.shape[1]).astype(str)
    if reference is None:
        reference = fit_topics(dtm, vocabulary, n_components, method=method, random_state=random_state, **params).components
    if run_params is None:
        run_params = {"init": "random"} if method == "nmf" else {}
    run_settings = {**params, **run_params}
    inputs = _inputs_key(dtm, reference)
    rows = []
    for seed in random_states:
        key = _run_key(inputs, method, n_components, seed, run_settings)
        matched, similarity = _RUN_MEMO.get(key) if key is not None else (None, None)
        if matched is None:
            run = fit_topics(dtm, vocabulary, n_components, method=method, random_state=seed, **run_settings)
            matched, similarity = match_topics(reference, run.components)
            if key is not None:
                _RUN_MEMO.put(key, (matched, similarity))
        for t in range(n_components):
            rows.append({"n_components": n_components, "random_state": int(seed), "topic": t + 1,
                         "matched_topic": int(matched[t]) + 1, "similarity": float(similarity[t])})
    return pd.DataFrame(rows, columns=["n_components", "random_state", "topic", "matched_topic", "similarity"])


# --------------------------------------------------------------------------- memo of stability runs
# (the store and the keys of the matrix and reference: analysis.topic_memo)


def _run_key(inputs, method, n_components, seed, settings):
    """Key of one seeded run: the inputs and every setting of the estimator (or None).

    The settings are the estimator's own :meth:`get_params`, so the module defaults in force are
    part of the key; a run with a setting that is not a plain number, string or None is not
    remembered.
    """
    if inputs is None:
        return None
    try:
        estimator = _estimator(method, n_components, seed, settings)
    except (TypeError, ValueError):
        return None
    items = []
    for name, value in sorted(estimator.get_params().items()):
        if value is not None and not isinstance(value, (bool, int, float, str, np.integer, np.floating)):
            return None
        items.append((name, type(value).__name__, repr(value)))
    return inputs, method, tuple(items)


def summarize_stability(runs: pd.DataFrame, *, quantile: float = STABILITY_QUANTILE) -> pd.DataFrame:
    """Per-topic stability from :func:`topic_stability`: mean, low quantile and minimum similarity.

    Parameters
    ----------
    runs : pandas.DataFrame
        Output of :func:`topic_stability` (one or several k).
    quantile : float
        Quantile of the matched similarities over runs reported as ``low_similarity``.

    Returns
    -------
    pandas.DataFrame
        One row per (``n_components``, ``topic``): ``stability`` (mean similarity over runs),
        ``min_similarity``, ``n_runs`` and ``low_similarity`` (the ``quantile`` quantile over
        runs: a topic found in most runs but missed in a few has a high mean and a low
        ``low_similarity``).
    """
    grouped = runs.groupby(["n_components", "topic"], sort=True)["similarity"]
    table = grouped.agg(stability="mean", min_similarity="min", n_runs="count").reset_index()
    table["low_similarity"] = grouped.quantile(quantile).to_numpy()
    return table


# --------------------------------------------------------------------------- choosing k


def _k_row(k, fit, coherence, runs, score_name, quantile):
    """One row of the :func:`select_k` table from a reference fit, its coherence and runs."""
    per_topic = runs.groupby("topic")["similarity"]
    return {"n_components": k, "coherence": float(coherence.mean()),
            "min_coherence": float(coherence.min()), "stability": float(per_topic.mean().mean()),
            "min_stability": float(per_topic.mean().min()),
            "least_stable": float(per_topic.quantile(quantile).min()),
            "min_units": int(dominant_counts(fit.doc_topic).min()), score_name: fit.score}


def _seeds(random_states, random_state, n_seeds):
    if random_states is None:
        return list(range(random_state + 1, random_state + 1 + n_seeds))
    return [int(s) for s in random_states]


def select_k(dtm, vocabulary, texts, *, k_values=range(3, 13), method: str = "nmf", random_state: int = 0,
             random_states=None, n_seeds: int = N_SEEDS, n_top_words: int = 10, window_size: int = 10,
             stability_quantile: float = STABILITY_QUANTILE, **params):
    """Coherence, stability and fit of the model for each k in ``k_values``.

    For each k: the reference model (:func:`fit_topics` with ``random_state``), its NPMI coherence
    on ``texts`` (:func:`npmi_coherence` of its ``n_top_words`` top words), its stability over
    the seeded runs (:func:`topic_stability`) and its fit (reconstruction error for NMF,
    perplexity on the fitted matrix for LDA; both improve with k and cannot choose k alone).

    Parameters
    ----------
    dtm : scipy.sparse matrix
    vocabulary : array-like of str
    texts : list of list of str
        Reference token lists for coherence (the units' tokens).
    k_values : iterable of int
    method : {"nmf", "lda"}
    random_state : int
        Seed of the reference model at each k.
    random_states : iterable of int, optional
        Seeds of the stability runs; default ``n_seeds`` seeds following ``random_state``.
    n_seeds : int
        Number of runs when ``random_states`` is None (20: with 10, the chosen k moved from
        one seed set to another on the seed corpus).
    n_top_words : int
        Top words per topic for coherence.
    window_size : int
        NPMI sliding window.
    stability_quantile : float
        Quantile over runs of a topic's matched similarity used for ``least_stable``.
    **params
        Estimator settings (see :func:`fit_topics`).

    Returns
    -------
    table : pandas.DataFrame
        One row per k: ``n_components``, ``coherence`` (mean topic NPMI), ``min_coherence``,
        ``stability`` (mean best-match similarity over topics and runs), ``min_stability`` (mean
        over runs of the least stable topic), ``least_stable`` (the least stable topic's
        ``stability_quantile`` quantile over runs: low when a topic is missed in a tenth of the
        runs, whatever its mean; the column :func:`suggest_k` uses), ``min_units`` (units whose
        dominant topic is the smallest topic: a topic leading in one or two paragraphs
        describes those paragraphs, not the corpus), and ``reconstruction_error`` (NMF) or
        ``perplexity`` (LDA). ``table.attrs`` records ``stability_quantile`` and ``n_runs``.
    runs : pandas.DataFrame
        Every matched pair, for all k (:func:`topic_stability`), for per-topic summaries.
    """
    texts = [list(t) for t in texts]
    random_states = _seeds(random_states, random_state, n_seeds)
    score_name = "reconstruction_error" if method == "nmf" else "perplexity"
    rows, all_runs = [], []
    for k in k_values:
        fit = fit_topics(dtm, vocabulary, k, method=method, random_state=random_state, **params)
        words = topic_words(top_terms(fit.components, fit.vocabulary, n_top_words))
        coherence = npmi_coherence(words, texts, window_size=window_size)["coherence"]
        runs = topic_stability(dtm, k, method=method, reference=fit.components,
                               random_states=random_states, **params)
        rows.append(_k_row(k, fit, coherence, runs, score_name, stability_quantile))
        all_runs.append(runs)
    table = pd.DataFrame(rows)
    table.attrs.update(stability_quantile=stability_quantile, n_runs=len(random_states))
    return table, pd.concat(all_runs, ignore_index=True)


def k_choice_frequency(dtm, vocabulary, texts, k_values=range(3, 13), seed_sets=SEED_SETS, *,
                       method: str = "nmf", random_state: int = 0, n_top_words: int = 10,
                       window_size: int = 10, min_stability: float = 0.8,
                       stability_quantile: float = STABILITY_QUANTILE, column: str | None = None,
                       **params) -> pd.DataFrame:
    """How often each k would be chosen by :func:`suggest_k` with other sets of seeds.

    The reference model and its coherence at each k do not depend on the seeds; the stability
    runs do. Each seed set gives its own :func:`select_k` table (the runs of all sets are fitted
    once) and its own choice. A k chosen by every set is a choice of the data; a k that moves
    between sets is a choice of the seeds.

    Parameters
    ----------
    dtm, vocabulary, texts
        As in :func:`select_k`.
    k_values : iterable of int
    seed_sets : sequence of iterables of int
        The seed sets compared (default: three disjoint sets of 20 seeds, 1-20, 21-40, 41-60).
    method, random_state, n_top_words, window_size, stability_quantile, **params
        As in :func:`select_k`.
    min_stability : float
        Threshold of :func:`suggest_k`.
    column : str, optional
        Column of :func:`suggest_k`'s rule (default ``least_stable``; ``"min_stability"`` for
        the older rule on the mean over runs).

    Returns
    -------
    pandas.DataFrame
        One row per k in ``k_values``: ``n_components``, ``n_chosen`` (seed sets choosing it),
        ``n_seed_sets``, ``share`` and ``seed_sets`` (the sets choosing it, as
        ``"first-last"`` seed ranges, ``"; "``-separated). ``attrs["choices"]`` maps each seed
        set's label to its k.
    """
    texts = [list(t) for t in texts]
    seed_sets = [[int(s) for s in seeds] for seeds in seed_sets]
    all_seeds = sorted({s for seeds in seed_sets for s in seeds})
    score_name = "reconstruction_error" if method == "nmf" else "perplexity"
    per_set_rows = [[] for _ in seed_sets]
    for k in k_values:
        fit = fit_topics(dtm, vocabulary, k, method=method, random_state=random_state, **params)
        words = topic_words(top_terms(fit.components, fit.vocabulary, n_top_words))
        coherence = npmi_coherence(words, texts, window_size=window_size)["coherence"]
        runs = topic_stability(dtm, k, method=method, reference=fit.components,
                               random_states=all_seeds, **params)
        for rows, seeds in zip(per_set_rows, seed_sets):
            subset = runs[runs["random_state"].isin(seeds)]
            rows.append(_k_row(k, fit, coherence, subset, score_name, stability_quantile))
    labels = [f"{min(seeds)}-{max(seeds)}" if seeds == list(range(min(seeds), max(seeds) + 1))
              else ",".join(map(str, seeds)) for seeds in seed_sets]
    choices = {label: suggest_k(pd.DataFrame(rows), min_stability=min_stability, column=column)
               for label, rows in zip(labels, per_set_rows)}
    k_values = list(k_values)
    table = pd.DataFrame({
        "n_components": k_values,
        "n_chosen": [sum(c == k for c in choices.values()) for k in k_values],
        "n_seed_sets": len(seed_sets),
    })
    table["share"] = table["n_chosen"] / len(seed_sets)
    table["seed_sets"] = ["; ".join(label for label, c in choices.items() if c == k) for k in k_values]
    table.attrs["choices"] = choices
    return table


def dominant_counts(doc_topic) -> np.ndarray:
    """Number of units whose largest share is each topic (units without shares are skipped).

    Parameters
    ----------
    doc_topic : numpy.ndarray, shape (n_units, k)

    Returns
    -------
    numpy.ndarray of int, shape (k,)
    """
    doc_topic = np.asarray(doc_topic, dtype=float)
    valid = ~np.isnan(doc_topic).any(axis=1)
    return np.bincount(doc_topic[valid].argmax(axis=1), minlength=doc_topic.shape[1])


def topic_summary(fit: TopicFit, units: pd.DataFrame, terms: pd.DataFrame, coherence: pd.DataFrame | None = None,
                  stability: pd.DataFrame | None = None, by: str = "doc_id", n_words: int = 6) -> pd.DataFrame:
    """One row per topic: its top words, prevalence, spread over documents, coherence and stability.

    Parameters
    ----------
    fit : TopicFit
    units : pandas.DataFrame
        The units the model was fitted on (same order), with the ``by`` column.
    terms : pandas.DataFrame
        :func:`top_terms` of ``fit``.
    coherence : pandas.DataFrame, optional
        :func:`npmi_coherence` of the topics (adds ``coherence``).
    stability : pandas.DataFrame, optional
        :func:`summarize_stability` for this k (adds ``stability``).
    by : str
        Column of ``units`` naming the document of each unit.
    n_words : int
        Top words listed.

    Returns
    -------
    pandas.DataFrame
        ``topic``, ``top_words`` (joined by spaces), ``share`` (mean share over units),
        ``n_units`` (units where it leads), ``n_docs`` (documents with at least one such unit).
    """
    dominant = np.asarray(fit.doc_topic).argmax(axis=1)
    rows = []
    for t, words in enumerate(topic_words(terms)):
        docs = units.loc[dominant == t, by]
        rows.append({"topic": t + 1, "top_words": " ".join(words[:n_words]),
                     "share": float(np.nanmean(fit.doc_topic[:, t])), "n_units": int((dominant == t).sum()),
                     "n_docs": int(docs.nunique())})
    table = pd.DataFrame(rows)
    if coherence is not None:
        table = table.merge(coherence[["topic", "coherence"]], on="topic", how="left")
    if stability is not None:
        table = table.merge(stability[["topic", "stability"]], on="topic", how="left")
    return table


def _rule_column(table: pd.DataFrame, column: str | None) -> str:
    if column is not None:
        return column
    return "least_stable" if "least_stable" in table.columns else "min_stability"


def suggest_k(table: pd.DataFrame, *, min_stability: float = 0.8, column: str | None = None) -> int:
    """A documented rule for k: the most coherent k among those whose every topic is stable.

    Keep the k whose least stable topic still reaches ``min_stability``, measured by
    ``column``: by default ``least_stable`` (the least stable topic's low quantile of matched
    similarity over the runs, see :func:`select_k`: the topic must be found in about 90% of the
    runs, not only on average), or ``min_stability`` (its mean over runs) for tables without
    it. Among the kept k take the highest mean NPMI coherence (ties: the smaller k). If no k
    passes, take the k with the highest value of ``column``.

    Parameters
    ----------
    table : pandas.DataFrame
        First output of :func:`select_k`.
    min_stability : float
    column : str, optional
        Column the threshold applies to.

    Returns
    -------
    int
    """
    column = _rule_column(table, column)
    stable = table[table[column] >= min_stability]
    if stable.empty:
        best = table.sort_values([column, "n_components"], ascending=[False, True], kind="stable")
    else:
        best = stable.sort_values(["coherence", "n_components"], ascending=[False, True], kind="stable")
    return int(best["n_components"].iloc[0])


def explain_k(table: pd.DataFrame, k: int, *, min_stability: float = 0.8, column: str | None = None) -> str:
    """One sentence stating the :func:`suggest_k` rule and the numbers behind the choice of ``k``.

    Parameters
    ----------
    table : pandas.DataFrame
        First output of :func:`select_k`.
    k : int
        The chosen number of topics.
    min_stability : float
        Threshold of the rule.
    column : str, optional
        As in :func:`suggest_k`.

    Returns
    -------
    str
    """
    column = _rule_column(table, column)
    row = table.set_index("n_components").loc[k]
    passing = [int(v) for v in table.loc[table[column] >= min_stability, "n_components"]]
    if column == "least_stable":
        q = table.attrs.get("stability_quantile", STABILITY_QUANTILE)
        n_runs = table.attrs.get("n_runs")
        runs = f" of {n_runs} runs" if n_runs else " of the runs"
        measure = (f"whose least stable topic is matched with a cosine similarity of at least "
                   f"{min_stability:.2f} in {1 - q:.0%}{runs}")
        fallback = (f"no k has every topic matched at {min_stability:.2f} in {1 - q:.0%}{runs}; "
                    "the most stable k")
        numbers = f"least stable topic {row['least_stable']:.3f} at the {q:.0%} quantile"
    else:
        measure = (f"whose least stable topic keeps a mean matched similarity of at least "
                   f"{min_stability:.2f} over the seeds")
        fallback = f"no k keeps every topic at a mean matched similarity of {min_stability:.2f}; the most stable k"
        numbers = f"least stable topic {row['min_stability']:.3f}"
    rule = f"the most coherent of the k {measure} (k in {passing})" if passing else fallback
    return (
        f"k = {k}: {rule}; mean NPMI {row['coherence']:.3f}, stability {row['stability']:.3f} "
        f"({numbers}), smallest topic leads in {int(row['min_units'])} units."
    )


def compare_models(fit_a: TopicFit, fit_b: TopicFit) -> pd.DataFrame:
    """Match the topics of two fitted models (e.g. NMF and LDA with the same k) one to one.

    The topic-term matrices are compared on the terms they share (columns of ``fit_b`` are
    aligned to ``fit_a``'s vocabulary).

    Parameters
    ----------
    fit_a, fit_b : TopicFit

    Returns
    -------
    pandas.DataFrame
        One row per topic of ``fit_a``: ``topic_a``, ``topic_b`` (1-based) and ``similarity``
        (cosine).
    """
    b = align_components(fit_b.components, fit_b.vocabulary, fit_a.vocabulary)
    matched, similarity = match_topics(fit_a.components, b)
    return pd.DataFrame({"topic_a": np.arange(1, len(matched) + 1), "topic_b": matched + 1,
                         "similarity": similarity})
