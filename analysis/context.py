"""The context of the notebooks' claims: the corpus, the codebook and the study file, coded once.

:class:`Context` is what every claim of :mod:`analysis.findings` reads and what a notebook builds
in its first cell (``findings.Context.build()``); each table it offers is computed on first use
and kept. Importing the module reads no file.
"""
from __future__ import annotations

from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from analysis.study import Study, assign_periods, comparison_groups, load_study

#: Notebook 04's candidate numbers of topics and pooled stability seeds.
TOPIC_K_VALUES = tuple(range(3, 11))
TOPIC_SEEDS = tuple(range(1, 61))


# ---------------------------------------------------------------------------------------------
# The context: the corpus, coded once
# ---------------------------------------------------------------------------------------------

class Context:
    """Everything the claims read, computed once from the corpus.

    Build it with :meth:`build`. Attributes: ``study``, ``codebook``, ``units`` (all units),
    ``articles``, ``related``, ``paragraphs`` (:func:`analysis.evidence.theme_paragraphs`, with
    ``period`` from the study), ``matches`` (every theme match of ``paragraphs``, with the
    paragraph's ``doc_id``, ``kind``, ``part``, ``period``), ``article_periods`` (period of
    each article, indexed by ``doc_id``). Heavier tables (key terms, co-occurrence, the page
    composition, the topic model's k) are computed on first use.
    """

    def __init__(self, study: Study, units: pd.DataFrame, codebook, source: Path, metadata: Path):
        from analysis import evidence

        self.study, self.codebook, self.source, self.metadata = study, codebook, Path(source), metadata
        self.units = units
        self.articles = units[units["kind"] == "article"].reset_index(drop=True)
        self.related = units[units["kind"] == "related"].reset_index(drop=True)
        self.article_periods = pd.Series(assign_periods(self.articles["date"], study).to_numpy(),
                                         index=self.articles["doc_id"], name="period")
        paragraphs = evidence.theme_paragraphs(units).reset_index(drop=True)
        paragraphs["period"] = assign_periods(paragraphs["date"], study).to_numpy()
        self.paragraphs = paragraphs

    @cached_property
    def matches(self) -> pd.DataFrame:
        """Every theme match of :attr:`paragraphs`, with the paragraph's ``doc_id``, ``kind``, ``part``, ``period``.

        Coded on first use (:func:`analysis.themes.theme_matches`, whose coding cache then serves
        the notebook's own calls on the same paragraphs): notebooks 01-04 check no theme claim
        and never pay for it.
        """
        from analysis import themes

        matches = themes.theme_matches(self.paragraphs["text"], self.codebook)
        info = self.paragraphs[["doc_id", "para_id", "kind", "part", "period"]]
        return matches.join(info, on="index")

    @classmethod
    def build(cls, source=None, metadata=None, codebook=None, study=None) -> "Context":
        """Load the corpus named by the study file (or the paths given); it is coded on first use.

        Parameters
        ----------
        source, metadata, codebook : path-like, optional
            Override the study's ``[corpus]`` entries.
        study : Study or path-like, optional
            Default :data:`analysis.paths.STUDY`.
        """
        from analysis import corpus, themes

        if not isinstance(study, Study):
            study = load_study(study) if study is not None else load_study()
        source = Path(source) if source is not None else study.source
        metadata = Path(metadata) if metadata is not None else study.metadata
        cb = themes.get_codebook(codebook if codebook is not None else study.codebook)
        units = corpus.load_corpus(source, metadata)
        return cls(study, units, cb, source, metadata)

    # -- selections ----------------------------------------------------------------------------

    def theme(self, theme: str, *, kind: str | None = None, period: str | None = None,
              subframe=None, docs=None) -> pd.DataFrame:
        """Matches of one theme, optionally of one unit kind, period, sub-frame(s), documents."""
        m = self.matches[self.matches["theme"] == theme]
        if kind is not None:
            m = m[m["kind"] == kind]
        if period is not None:
            m = m[m["period"] == period]
        if subframe is not None:
            m = m[m["subframe"].isin([subframe] if isinstance(subframe, str) else subframe)]
        if docs is not None:
            m = m[m["doc_id"].isin(list(docs))]
        return m

    def theme_docs(self, theme: str, **where) -> list[str]:
        """Sorted ids of the documents with at least one match of ``theme``."""
        return sorted(self.theme(theme, **where)["doc_id"].unique())

    def kwic(self, pattern: str, *, ignore_case: bool = True, window: int = 60) -> pd.DataFrame:
        """Concordance of ``pattern`` in the coded paragraphs (:func:`analysis.concordance.kwic`)."""
        from analysis.concordance import kwic

        return kwic(self.paragraphs, pattern, ignore_case=ignore_case, window=window)

    def period_counts(self) -> dict[str, int]:
        """Articles per period (dated periods only), sorted by label."""
        counts = self.article_periods.value_counts()
        return {label: int(counts[label]) for label in sorted(counts.index) if label != "undated"}

    def comparison_sizes(self, comparison_id: str | None = None) -> tuple[int, int, tuple[str, str]]:
        """Articles in the target and reference groups of a comparison, and their labels."""
        cid = comparison_id or next(iter(self.study.comparisons))
        target, reference, labels = comparison_groups(self.articles, self.study, cid)
        return int(target.sum()), int(reference.sum()), labels

    @cached_property
    def laos_docs(self) -> list[str]:
        """Documents of the Vietnam-Laos sub-corpus (the study's ``[cooperation] documents``)."""
        from analysis import evidence

        selected = evidence.select_documents(self.paragraphs, self.study.cooperation_pattern)
        return sorted(selected["doc_id"].unique())

    @cached_property
    def laos_articles(self) -> pd.Series:
        """Period of each Vietnam-Laos article, indexed by ``doc_id``."""
        return self.article_periods[self.article_periods.index.isin(self.laos_docs)]

    @cached_property
    def cooccurrence(self) -> pd.DataFrame:
        """:func:`analysis.themes.cooccurrence_stats` of the coded paragraphs."""
        from analysis import themes

        return themes.cooccurrence_stats(self.paragraphs, codebook=self.codebook)

    def pairs(self, theme: str) -> pd.DataFrame:
        """Co-occurrence rows of ``theme`` with every other theme, indexed by the other theme."""
        c = self.cooccurrence
        rows = c[(c["theme_a"] == theme) | (c["theme_b"] == theme)].copy()
        rows["other"] = np.where(rows["theme_a"] == theme, rows["theme_b"], rows["theme_a"])
        return rows.set_index("other")

    @cached_property
    def article_dtm(self):
        """Token counts of the article bodies: ``(X, vocabulary)`` (notebook 03's matrix)."""
        from analysis import text

        return text.document_term_matrix(self.articles["text"])

    @cached_property
    def related_dtm(self):
        """Token counts of the related units' text (teaser leads)."""
        from analysis import text

        return text.document_term_matrix(self.related["text"])

    def term_count(self, term: str, rows=None, *, related: bool = False) -> int:
        """Occurrences of a token in the article bodies (or teaser leads), optionally some rows."""
        X, vocabulary = self.related_dtm if related else self.article_dtm
        where = np.flatnonzero(np.asarray(vocabulary) == term)
        if not len(where):
            return 0
        column = X[:, where[0]]
        if rows is not None:
            column = column[np.asarray(rows)]
        return int(column.sum())

    def term_docs(self, term: str) -> list[str]:
        """Articles whose body holds the token."""
        X, vocabulary = self.article_dtm
        where = np.flatnonzero(np.asarray(vocabulary) == term)
        if not len(where):
            return []
        rows = np.flatnonzero(np.asarray(X[:, where[0]].todense()).ravel() > 0)
        return sorted(self.articles["doc_id"].iloc[rows])

    def keyness(self, comparison_id: str | None = None, measure: str = "G2") -> pd.DataFrame:
        """Keyness of the comparison's target articles against its reference articles."""
        from analysis.features import keyness

        cid = comparison_id or next(iter(self.study.comparisons))
        key = (cid, measure)
        cache = self.__dict__.setdefault("_keyness", {})
        if key not in cache:
            target, reference, _ = comparison_groups(self.articles, self.study, cid)
            X, vocabulary = self.article_dtm
            keep = target | reference
            cache[key] = keyness(X[keep], vocabulary, target=target[keep], measure=measure)
        return cache[key]

    @cached_property
    def composition(self) -> pd.DataFrame:
        """:func:`analysis.corpus.page_composition` of the corpus folder, with each page's outlet."""
        from analysis import corpus

        table = corpus.page_composition(self.source)
        outlets = dict(zip(self.articles["source_file"], self.articles["outlet"]))
        return table.assign(outlet=table["file"].map(outlets).fillna(""))

    @cached_property
    def topic_units(self) -> pd.DataFrame:
        """Notebook 04's units: article paragraphs and teaser leads."""
        from analysis import corpus, topics

        return topics.select_units(corpus.paragraphs(self.units), kinds=("article", "related"))

    @cached_property
    def suggested_k(self) -> int:
        """Notebook 04's choice of k: NMF, k in :data:`TOPIC_K_VALUES`, stability runs of
        :data:`TOPIC_SEEDS` pooled, least stable topic (10% quantile) at 0.8 or more."""
        from analysis import text, topics

        units = self.topic_units
        tokens = text.tokenize_series(units["text"])
        tfidf, vocabulary = text.document_term_matrix(units["text"], weighting="tfidf", min_df=2)
        selection, _ = topics.select_k(tfidf, vocabulary, tokens, k_values=TOPIC_K_VALUES, method="nmf",
                                       random_state=0, random_states=TOPIC_SEEDS, n_top_words=10)
        return int(topics.suggest_k(selection, min_stability=0.8))
