"""Text segments for the Reinert classification."""
import pandas as pd
import pytest

from analysis.errors import AnalysisError
from analysis.text import count_words, split_sentences
from analysis.textometry import split_segments

ARTICLE = (
    "Hanoï, 12 mars (VNA) – Le ministère de l’Information et des Communications a présenté mardi "
    "son programme de transformation numérique pour les provinces du Nord. "
    "Selon le vice-ministre, les collectivités locales devront numériser leurs services publics d’ici 2030. "
    "Les entreprises du secteur seront invitées à investir dans les centres de données. "
    "La cybersécurité reste une priorité. "
    "Le gouvernement entend aussi former des milliers d’ingénieurs en intelligence artificielle, "
    "en coopération avec les universités nationales et les partenaires étrangers, "
    "afin de renforcer la souveraineté numérique du pays et de réduire sa dépendance technologique. "
    "Ce programme s’inscrit dans la mise en œuvre de la Résolution 57-NQ/TW du Bureau politique."
)


def units_table():
    return pd.DataFrame({
        "doc_id": ["a1", "t1", "e1"],
        "kind": ["article", "related", "related"],
        "date": pd.to_datetime(["2025-03-12", None, None]),
        "title": ["Programme numérique", "Teaser court", "Lien"],
        "text": [ARTICLE, "Le Vietnam accueille la Convention de Hanoï sur la cybercriminalité.", ""],
    })


def test_segments_end_at_sentence_ends_and_keep_metadata():
    seg = split_segments(units_table(), segment_size=40, min_segment_size=10)
    article = seg[seg.doc_id == "a1"]
    sentences = split_sentences(ARTICLE)
    # every segment is a run of whole sentences (no sentence of this text exceeds 40 words)
    assert " ".join(article.text) == " ".join(sentences)
    for text in article.text:
        assert text.endswith(".")
        assert any(text.startswith(s) for s in sentences)
    assert (article.n_words <= 40).all()
    assert article.n_words.tolist() == [count_words(t) for t in article.text]
    assert list(article.segment_rank) == list(range(len(article)))
    assert (article.kind == "article").all() and (article.title == "Programme numérique").all()
    assert article.date.iloc[0] == pd.Timestamp("2025-03-12")
    assert list(seg.columns[:5]) == ["segment_id", "doc_id", "segment_rank", "kind", "date"]
    assert "e1" not in set(seg.doc_id)  # empty text: no segment
    assert seg.segment_id.is_unique


def test_short_segments_are_merged():
    units = units_table().iloc[:1]
    small = split_segments(units, segment_size=12, min_segment_size=0)
    merged = split_segments(units, segment_size=12, min_segment_size=8)
    assert (small.n_words < 8).any()  # "La cybersécurité reste une priorité." alone
    assert (merged.n_words >= 8).all()
    assert " ".join(merged.text) == " ".join(small.text)
    assert len(merged) < len(small)


def test_long_sentence_is_cut_at_weak_punctuation():
    long = ("Le forum a réuni des responsables, des chercheurs et des entreprises, " * 6).strip()[:-1] + "."
    seg = split_segments(pd.DataFrame({"doc_id": ["x"], "text": [long]}), segment_size=20, min_segment_size=5)
    assert len(seg) > 1
    assert (seg.n_words <= 20).all()
    assert sum(seg.n_words) == count_words(long)


def test_bad_parameters_raise():
    with pytest.raises(AnalysisError):
        split_segments(units_table(), segment_size=10, min_segment_size=20)
    with pytest.raises(AnalysisError, match="'body'"):
        split_segments(units_table(), text_col="body")
