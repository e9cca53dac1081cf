"""The rendered report: one small notebook built into a site, links and images checked offline."""
import base64
import re

import nbformat
import pytest

from analysis.report import build, check, figure_alt


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """A report built from one executed notebook with one figure and one table."""
    import matplotlib

    matplotlib.use("Agg")
    from analysis.plots import figure_bytes, new_axes, save_figure

    root = tmp_path_factory.mktemp("report")
    notebooks, figures, tables, build_dir = (root / name for name in ("nb", "fig", "tab", "_build"))
    notebooks.mkdir()
    fig, ax = new_axes()
    ax.bar(["2016", "2025"], [2, 3])
    png = figure_bytes(fig, "png")
    save_figure(fig, "09_demo-counts", figures)
    tables.mkdir()
    (tables / "09_demo-counts.csv").write_text("period,n\n2016,2\n2025,3\n", "utf-8")
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_markdown_cell("# 09 · A demonstration\n\n## Counts by period\n\nSee [the counts](#Counts-by-period)."),
        nbformat.v4.new_markdown_cell("Articles per period: more in 2025. The bars count articles."),
        nbformat.v4.new_code_cell('show_figure(plots.bars(counts), "09_demo-counts")', outputs=[
            nbformat.v4.new_output("display_data", data={
                "image/png": base64.b64encode(png).decode("ascii"), "text/plain": "<IPython.core.display.Image object>"})]),
    ]
    path = notebooks / "09_demo.ipynb"
    nbformat.write(nb, path)
    readme = root / "README.md"
    readme.write_text("# x\n\n## Research questions\n\n1. **Demo.** What is counted? — `notebooks/09_demo.ipynb`\n\n"
                      "## Next\n", "utf-8")
    index = build(notebooks_dir=notebooks, figures_dir=figures, tables_dir=tables, build_dir=build_dir,
                  readme=readme)
    return index.parent


def test_the_site_has_an_index_a_page_figures_and_tables(site):
    assert sorted(p.name for p in site.iterdir()) == ["09_demo.html", "figures", "index.html", "tables"]
    assert sorted(p.name for p in (site / "figures").iterdir()) == ["09_demo-counts.pdf", "09_demo-counts.png"]
    index = (site / "index.html").read_text("utf-8")
    assert "Research questions" in index and "What is counted?" in index
    assert 'href="09_demo.html"' in index  # from the question and from the list of notebooks
    assert 'href="figures/09_demo-counts.pdf"' in index and 'href="tables/09_demo-counts.csv"' in index
    assert "09 · A demonstration" in index  # the notebook's title


def test_links_and_images_are_sound_offline(site):
    assert check(site) == []


def test_every_figure_has_alt_text_from_its_name_and_caption(site):
    page = (site / "09_demo.html").read_text("utf-8")
    images = re.findall(r"<img [^>]*>", page)
    assert len(images) == 1 and 'src="data:image/png;base64,' in images[0]
    alts = re.findall(r'alt="([^"]*)"', images[0])
    assert alts == ["Figure 09_demo-counts: Articles per period: more in 2025."]


def test_nothing_is_loaded_from_the_network(site):
    for page in site.glob("*.html"):
        text = page.read_text("utf-8")
        assert not re.search(r'<script[^>]+src="(https?:)?//', text), page.name
        assert "mathjax" not in text.lower() and "require.min.js" not in text


def test_check_reports_broken_links_missing_images_and_missing_alt(site, tmp_path):
    import shutil

    broken = tmp_path / "site"
    shutil.copytree(site, broken)
    (broken / "figures" / "09_demo-counts.png").unlink()
    page = broken / "09_demo.html"
    page.write_text(page.read_text("utf-8").replace('href="index.html"', 'href="nowhere.html"')
                    .replace('alt="Figure 09_demo-counts', 'data-alt="x'), "utf-8")
    problems = check(broken)
    assert "index.html: missing image 'figures/09_demo-counts.png'" in problems
    assert "09_demo.html: broken link 'nowhere.html'" in problems
    assert any(p.startswith("09_demo.html: image without alt text") for p in problems)
    assert check(tmp_path / "empty") == [f"{tmp_path / 'empty'}: no index.html (run `make report`)"]


def test_figure_alt_without_a_named_figure_or_caption():
    assert figure_alt("plt.plot(x)", "", 1) == "Figure figure 2 of this cell"
    source = 'show_figure(\n    plots.x(a),\n    "05_sovereignty-network")'
    assert figure_alt(source, "## Network\n\nThemes in the same paragraph. More.") == (
        "Figure 05_sovereignty-network: Themes in the same paragraph.")
