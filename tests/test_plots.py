"""Figures for a paper: PNG and PDF written atomically and byte-identical, titles, colour bars,
legends that explain every mark, integer ticks on counts, dated article labels."""
import numpy as np
import pandas as pd
import pytest

from analysis.plots import (document_label, document_labels, figure_bytes, figure_files, new_axes,
                            save_figure, show_figure)
from analysis.plots import corpus as corpus_plots
from analysis.plots import lexical as lexical_plots
from analysis.plots import themes as theme_plots
from analysis.plots import topics as topic_plots


@pytest.fixture(autouse=True)
def _close_figures():
    """Close every figure a test leaves open."""
    import matplotlib.pyplot as plt

    yield
    plt.close("all")


def _figure():
    fig, ax = new_axes()
    ax.plot([0, 1, 2], [2, 1, 3], label="série")
    ax.set_title("Souveraineté numérique")
    return fig


def _has_colorbar(fig) -> bool:
    return any(getattr(ax, "_colorbar", None) is not None for ax in fig.axes)


def _legend_texts(fig) -> list[str]:
    """Texts of every legend: of the axes, the figure and its sub-figures."""
    legends = [ax.get_legend() for ax in fig.axes] + list(fig.legends)
    stack = list(getattr(fig, "subfigs", []))
    while stack:
        sub = stack.pop(0)
        legends += list(sub.legends)
        stack += list(sub.subfigs)
    return [t.get_text() for legend in legends if legend is not None for t in legend.get_texts()]


def test_save_figure_writes_png_and_pdf_identical_on_rerun(tmp_path):
    path = save_figure(_figure(), "01_test-figure", tmp_path)
    assert path == tmp_path / "01_test-figure.png"
    png, pdf = path.read_bytes(), (tmp_path / "01_test-figure.pdf").read_bytes()
    assert png.startswith(b"\x89PNG") and pdf.startswith(b"%PDF")
    assert b"CreationDate" not in pdf and b"Matplotlib" not in pdf
    save_figure(_figure(), "01_test-figure", tmp_path)
    assert path.read_bytes() == png
    assert (tmp_path / "01_test-figure.pdf").read_bytes() == pdf
    # no temporary file is left behind
    assert sorted(p.name for p in tmp_path.iterdir()) == ["01_test-figure.pdf", "01_test-figure.png"]


def test_save_figure_lays_the_figure_out_once_and_draws_the_pdf_with_that_layout(tmp_path, monkeypatch):
    import io

    from matplotlib.layout_engine import ConstrainedLayoutEngine

    runs = []
    execute = ConstrainedLayoutEngine.execute
    monkeypatch.setattr(ConstrainedLayoutEngine, "execute", lambda self, fig: runs.append(fig) or execute(self, fig))
    fig = _figure()
    png, pdf = figure_files(fig)
    assert len(runs) == 1  # for the PNG only
    laid_out = fig.axes[0].get_position().bounds
    fig.savefig(io.BytesIO(), format="pdf")
    assert fig.axes[0].get_position().bounds == laid_out  # the PDF's draw moved nothing
    assert png == figure_bytes(_figure(), "png")  # the PNG is the figure's usual one
    assert pdf.startswith(b"%PDF") and pdf == figure_files(_figure())[1]
    runs.clear()
    save_figure(_figure(), "01_once", tmp_path)
    assert len(runs) == 1
    assert (tmp_path / "01_once.pdf").read_bytes() == pdf


def test_png_resolution_is_at_least_150_dpi(tmp_path):
    import struct

    png = save_figure(_figure(), "01_dpi", tmp_path).read_bytes()
    width = struct.unpack(">I", png[16:20])[0]
    assert width >= 7 * 150  # the 7-inch house figure


def test_show_figure_displays_the_bytes_in_memory(tmp_path, monkeypatch):
    fig = _figure()
    expected = figure_bytes(_figure(), "png")
    image = show_figure(fig, "01_shown", tmp_path)
    assert image.data == expected
    assert image.filename is None  # built from memory, never read back from the shared path
    assert (tmp_path / "01_shown.png").read_bytes() == expected


def test_document_labels_are_titles_with_dates():
    units = pd.DataFrame({"doc_id": ["000_ab12", "rel_1"], "title": ["Le Laos et le Vietnam", "Teaser"],
                          "date": pd.to_datetime(["2016-10-31", None])})
    assert document_labels(units) == {"000_ab12": "Le Laos et le Vietnam (2016-10-31)",
                                      "rel_1": "Teaser (undated)"}
    assert document_label("x " * 100, None, width=20).endswith("… (undated)")


def test_timeline_first_tick_comes_before_the_first_point():
    import matplotlib.dates as mdates

    units = pd.DataFrame({
        "doc_id": ["a", "b", "c"], "kind": ["article"] * 3, "outlet": ["VNA"] * 3,
        "title": ["Un", "Deux", "Trois"], "date_source": ["page"] * 3,
        "date": pd.to_datetime(["2016-10-31", "2016-11-01", "2025-01-15"]),
    })
    fig = corpus_plots.article_timeline(units)
    ax = fig.axes[0]
    fig.canvas.draw()
    ticks = [t for t in ax.get_xticks() if ax.get_xlim()[0] <= t <= ax.get_xlim()[1]]
    assert min(ticks) <= mdates.date2num(pd.Timestamp("2016-10-31"))
    assert ax.get_title()


def test_page_composition_labels_and_integer_ticks():
    composition = pd.DataFrame({"file": ["000_ab.txt", "001_cd.txt"], "headline": [12, 9],
                                "article body": [301, 155]})
    fig = corpus_plots.page_composition(composition, labels={"000_ab": "Le Laos (2016-10-31)"})
    ax = fig.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert "Le Laos (2016-10-31)" in labels and "001" in labels
    fig.canvas.draw()
    assert all(float(t).is_integer() for t in ax.get_xticks())


def test_subframe_counts_have_integer_ticks_and_a_title():
    matches = pd.DataFrame({"theme": ["ai"] * 3, "subframe": ["general", "general", "sovereign_ai"]})
    fig = theme_plots.plot_subframes(matches, theme="ai")
    ax = fig.axes[0]
    fig.canvas.draw()
    assert all(float(t).is_integer() for t in ax.get_xticks())
    assert ax.get_title() == "Sub-frames of ai"


def test_cooccurrence_heatmap_has_a_colour_bar_and_title():
    cooc = pd.DataFrame([[3, 1], [1, 2]], index=["ai", "sovereignty"], columns=["ai", "sovereignty"])
    fig = theme_plots.plot_cooccurrence(cooc)
    assert _has_colorbar(fig)
    assert fig.axes[0].get_title()


def test_theme_network_explains_its_marks_without_empty_margins():
    cooc = pd.DataFrame([[3, 1, 0], [1, 2, 1], [0, 1, 4]], index=list("abc"), columns=list("abc"))
    fig = theme_plots.plot_theme_network(cooc)
    texts = _legend_texts(fig)
    assert any("paragraphs with the theme" in t for t in texts)
    assert any("both themes" in t for t in texts)
    ax = fig.axes[0]
    assert ax.get_xlim()[1] < 1.9 and ax.get_title()


def test_prevalence_has_a_default_title():
    prev = pd.DataFrame({"period": ["2016", "2025"], "theme": ["ai", "ai"], "rate_per_1000": [1.0, 2.0],
                         "ci_low": [0.5, 1.0], "ci_high": [1.5, 3.0]})
    assert theme_plots.plot_prevalence(prev).axes[0].get_title() == "Theme prevalence by period"
    fig = theme_plots.plot_prevalence(prev, labels={"2016": "Le Laos (2016-10-31)"})
    assert _legend_texts(fig) == ["Le Laos (2016-10-31)", "2025"]


def test_prevalence_caption_names_groups_without_a_bar_by_their_labels():
    design = "cluster bootstrap over documents, 95% percentile interval, 2000 replicates"
    note = "fewer than 5 documents: no interval"
    prev = pd.DataFrame({"level": ["article", "article"], "doc_id": ["000_1a05", "kind_all"],
                         "theme": ["ai", "ai"], "design": [design, design], "note": [note, ""]})
    caption = theme_plots.prevalence_caption(prev, by="doc_id", labels={"000_1a05": "Le Laos (2016-10-31)"})
    assert "No bar for Le Laos (2016-10-31)" in caption and "000_1a05" not in caption
    assert f"Bars: {design}." in caption
    everyone = theme_plots.prevalence_caption(prev.assign(note=note), by="doc_id")
    assert everyone.startswith("No bars: every group has fewer than 5 documents") and "Bars:" not in everyone


def test_select_k_legend_explains_the_dashed_line():
    table = pd.DataFrame({"n_components": [3, 4, 5], "coherence": [0.1, 0.2, 0.15],
                          "min_coherence": [0.0, 0.1, 0.05], "stability": [0.9, 0.8, 0.7],
                          "min_stability": [0.8, 0.6, 0.5], "reconstruction_error": [3.0, 2.5, 2.2]})
    fig = topic_plots.plot_select_k(table, chosen=4)
    texts = _legend_texts(fig)
    assert texts.count("chosen k = 4") == 3  # one legend entry on each panel
    assert fig.get_suptitle()


def test_select_k_draws_the_rule_column_and_its_threshold():
    table = pd.DataFrame({"n_components": [3, 4, 5], "coherence": [0.1, 0.2, 0.15],
                          "min_coherence": [0.0, 0.1, 0.05], "stability": [0.9, 0.8, 0.7],
                          "min_stability": [0.8, 0.6, 0.5], "least_stable": [0.85, 0.3, 0.1],
                          "reconstruction_error": [3.0, 2.5, 2.2]})
    table.attrs["stability_quantile"] = 0.1
    fig = topic_plots.plot_select_k(table, chosen=3, threshold=0.8)
    texts = _legend_texts(fig)
    assert "least stable topic, 10% quantile" in texts
    # the threshold is drawn on the stability panel only, the chosen k on every panel
    assert texts.count("threshold of the rule (0.80)") == 1 and texts.count("chosen k = 3") == 3
    stability_panel = fig.axes[1]
    drawn = [list(line.get_ydata()) for line in stability_panel.get_lines()]
    assert [0.85, 0.3, 0.1] in drawn and [0.8, 0.8] in drawn
    assert [0.8, 0.8] not in [list(line.get_ydata()) for line in fig.axes[0].get_lines()]


def test_similarity_matrix_explains_red_outlines_and_has_a_colour_bar():
    matrix = np.array([[0.9, 0.1], [0.2, 0.7]])
    fig = topic_plots.plot_similarity(matrix, matched=[0, 1])
    assert "matched pair (one-to-one matching)" in _legend_texts(fig)
    assert _has_colorbar(fig)
    assert fig.axes[0].get_title()


def test_topic_shares_colour_bar_and_document_labels():
    table = pd.DataFrame([[0.7, 0.3], [0.2, 0.8]], index=["000_ab12", "001_cd34"], columns=[1, 2])
    fig = topic_plots.plot_shares(table, column_labels={"000_ab12": "Le Laos (2016-10-31)"})
    assert _has_colorbar(fig)
    labels = [t.get_text().replace("\n", " ") for t in fig.axes[0].get_xticklabels()]  # wrapped to fit a column
    assert labels[0] == "Le Laos (2016-10-31)" and labels[1] == "001_cd34"
    assert fig.axes[0].get_title() == "Topic shares by group"


def test_top_terms_figures_have_titles():
    terms = pd.DataFrame({"label": ["a", "a"], "rank": [1, 2], "term": ["ia", "laos"], "score": [0.5, 0.2]})
    assert lexical_plots.plot_top_terms(terms).get_suptitle()
    topic_terms = pd.DataFrame({"topic": [1, 1], "rank": [1, 2], "term": ["ia", "laos"], "weight": [0.5, 0.2]})
    assert topic_plots.plot_top_terms(topic_terms).get_suptitle()


@pytest.mark.parametrize("fmt", ["svg", "jpg"])
def test_figure_bytes_refuses_other_formats(fmt):
    with pytest.raises(ValueError, match="fmt"):
        figure_bytes(_figure(), fmt)


def _save_many(args):
    folder, n = args
    import matplotlib

    matplotlib.use("Agg")
    for _ in range(n):
        image = show_figure(_figure(), "01_shared", folder)
        assert image.data == figure_bytes(_figure(), "png")  # never a half-written file
    return True


def test_two_processes_writing_the_same_figure_leave_a_complete_file(tmp_path):
    import multiprocessing

    expected_png, expected_pdf = figure_files(_figure())
    with multiprocessing.get_context("fork").Pool(2) as pool:
        assert pool.map(_save_many, [(tmp_path, 8), (tmp_path, 8)]) == [True, True]
    assert (tmp_path / "01_shared.png").read_bytes() == expected_png
    assert (tmp_path / "01_shared.pdf").read_bytes() == expected_pdf
    assert sorted(p.name for p in tmp_path.iterdir()) == ["01_shared.pdf", "01_shared.png"]


def test_k_choice_has_integer_ticks_names_the_seed_sets_and_marks_the_chosen_k():
    from matplotlib.colors import to_hex

    from analysis.plots.stats import plot_k_choice

    table = pd.DataFrame({"n_components": [3, 4, 5], "n_chosen": [2, 0, 1], "n_seed_sets": 3,
                          "seed_sets": ["21-40; 41-60", "", "1-20"]})
    fig = plot_k_choice(table, chosen=3)
    ax = fig.axes[0]
    assert all(float(t).is_integer() for t in ax.get_yticks())
    assert [t.get_text() for t in ax.texts] == ["seeds\n21-40\n41-60", "seeds\n1-20"]
    colours = [to_hex(bar.get_facecolor()) for bar in ax.patches]
    assert colours[0] != colours[2] and colours[1] == colours[2]
    assert _legend_texts(fig) == ["k chosen on all the runs pooled (3)"]
def test_prevalence_caption_names_the_groups_without_interval_or_says_none_has_one():
    prev = pd.DataFrame({"period": ["2016", "2025"], "theme": ["ai", "ai"], "rate_per_1000": [1.0, 2.0],
                         "ci_low": [float("nan"), 1.0], "ci_high": [float("nan"), 3.0],
                         "design": ["cluster bootstrap over documents"] * 2,
                         "note": ["fewer than 5 documents: no interval", ""]})
    caption = theme_plots.prevalence_caption(prev)
    assert "No bar for 2016: fewer than 5 documents" in caption and "2025" not in caption
    prev["note"] = "fewer than 5 documents: no interval"
    caption = theme_plots.prevalence_caption(prev)
    assert caption.startswith("No bars: every group has fewer than 5 documents") and "2016" not in caption
