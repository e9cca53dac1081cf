"""Dispersion of terms across the ordered corpus, and their trends by period."""
import matplotlib
import numpy as np
import pandas as pd
import pytest

from analysis.errors import AnalysisError
from analysis.text import count_words
from analysis.textometry import dispersion_plot, occurrences, term_trends
from analysis.textometry.dispersion import term_token

matplotlib.use("Agg")

UNITS = pd.DataFrame({
    "doc_id": ["b", "a", "c", "t"],
    "title": ["Forum sur l’IA", "Coopération cybernétique", "Résolution 57", "Teaser"],
    "date": pd.to_datetime(["2025-05-02", "2016-10-31", "2025-01-15", None]),
    "text": [
        "L’IA au service de la souveraineté numérique. L’IA générative progresse.",
        "Le Laos et le Vietnam coopèrent dans la cybersécurité. La cybersécurité est essentielle.",
        "La Résolution 57-NQ/TW fixe le cap. La résolution n°57 vise la souveraineté.",
        "Un teaser sans date sur l’IA.",
    ],
})


def test_term_token():
    assert term_token("Résolution 57") == "résolution_57"
    assert term_token("IA") == "IA"
    assert term_token("souverainetés") == "souveraineté"
    with pytest.raises(AnalysisError, match="one token"):
        term_token("la souveraineté")  # two words that are not a multiword term


def test_occurrences_positions_follow_date_order():
    occ, docs = occurrences(UNITS, ["IA", "cybersécurité", "Résolution 57", "souveraineté"])
    assert docs.doc_id.tolist() == ["a", "c", "b", "t"]  # 2016, 2025-01, 2025-05, undated
    assert (docs.start == np.r_[0, np.cumsum(docs.n_tokens)[:-1]]).all()
    counts = occ.term.value_counts().to_dict()
    assert counts == {"IA": 3, "cybersécurité": 2, "Résolution 57": 2, "souveraineté": 2}
    # every occurrence lies inside its document's span
    spans = docs.set_index("doc_id")
    for row in occ.itertuples():
        start, n = spans.loc[row.doc_id, ["start", "n_tokens"]]
        assert start <= row.position < start + n
    assert set(occ.loc[occ.term == "cybersécurité", "doc_id"]) == {"a"}
    # "souveraineté numérique" is one multiword token, and counts for "souveraineté"
    assert occ.loc[occ.term == "souveraineté", "doc_id"].tolist() == ["c", "b"]
    assert occ.loc[occ.term == "IA", "doc_id"].tolist() == ["b", "b", "t"]


def test_term_trends_rates_and_bootstrap():
    units = UNITS[UNITS.date.notna()]
    trends = term_trends(units, ["IA", "souveraineté"], n_boot=200, random_state=0)
    row = trends[(trends.term == "IA") & (trends.period == "2025")].iloc[0]
    words_2025 = sum(count_words(t) for t in units.text[units.date.dt.year == 2025])
    assert row["count"] == 2 and row.n_words == words_2025 and row.n_docs == 2
    assert row.per_1000 == pytest.approx(1000 * 2 / words_2025)
    assert row.low <= row.per_1000 <= row.high
    single = trends[(trends.term == "IA") & (trends.period == "2016")].iloc[0]
    assert single["count"] == 0 and np.isnan(single.low)  # one document: no interval
    again = term_trends(units, ["IA", "souveraineté"], n_boot=200, random_state=0)
    pd.testing.assert_frame_equal(trends, again)


def test_dispersion_plot_labels_documents():
    fig = dispersion_plot(UNITS, ["IA", "cybersécurité"])
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_xticklabels()]
    assert labels[0] == "Coopération cybernétique (2016-10-31)"
    assert labels[-1] == "Teaser (undated)"
    assert [t.get_text() for t in ax.get_yticklabels()] == ["IA (3)", "cybersécurité (2)"]
    matplotlib.pyplot.close(fig)


def test_term_trend_plot_draws_error_bars_only_where_there_is_an_interval():
    from analysis.plots.textometry import plot_term_trends

    units = pd.concat([UNITS[UNITS.date.notna()]] * 2, ignore_index=True)
    units["doc_id"] = [f"d{i}" for i in range(len(units))]
    trends = term_trends(units, ["IA", "cybersécurité"], n_boot=50, min_docs=3, random_state=0)
    assert trends.loc[trends.period == "2016", "low"].isna().all()  # two 2016 documents
    assert trends.loc[trends.period == "2025", "low"].notna().all()  # four 2025 documents
    fig = plot_term_trends(trends)
    ax = fig.axes[0]
    bars = [c for c in ax.containers if type(c).__name__ == "ErrorbarContainer"]
    assert len(bars) == 2 and all(len(c.lines[2][0].get_segments()) == 1 for c in bars)  # 2025 only
    caption = " ".join(t.get_text() for t in ax.texts)
    assert "cluster bootstrap over documents" in caption and "No error bar for 2016" in caption
    assert ax.get_title() == "Terms per 1,000 words by period"
    matplotlib.pyplot.close(fig)
