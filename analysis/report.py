"""A rendered report: the executed notebooks as a static, offline HTML site.

:func:`build` turns every executed ``notebooks/NN_*.ipynb`` into ``report/_build/NN_*.html`` with
nbconvert's :class:`~nbconvert.exporters.HTMLExporter` (the ``vn_report`` template in
``report/templates/``: JupyterLab's look, nothing loaded from the network, alt text on every
figure), copies each notebook's figures (PNG and PDF) and tables, and writes an index page with
the research questions (from the README) and links to each notebook, its figures and tables.
:func:`check` reads the built pages without a browser and lists every broken local link,
missing image, image without alt text or resource loaded from the network;
:func:`browser_check` opens every page in headless Chromium, saves a screenshot of each and adds
the console errors.

Command line: ``python -m analysis.report build``, ``python -m analysis.report check
[--browser]`` (``make report``, ``make report-check``).
"""
from __future__ import annotations

import base64
import html
import re
import shutil
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlparse

from analysis.paths import FIGURES, NOTEBOOKS, README, REPORT_BUILD, REPORT_TEMPLATES, TABLES

TEMPLATE = "vn_report"
_FIGURE_NAME_RE = re.compile(r"""show_figure\((?:.|\n)*?["'](\d\d_[\w.-]+)["']\s*\)\s*$""")
_HEADING_RE = re.compile(r"^#{1,6}\s+(.+)$", re.MULTILINE)
_MD_MARKUP_RE = re.compile(r"[*`#>\[\]]|\(https?://[^)]*\)")


# --------------------------------------------------------------------------- alt text

def _plain(markdown: str) -> str:
    """Markdown reduced to one line of plain text."""
    return " ".join(_MD_MARKUP_RE.sub("", markdown).split())


def _first_sentence(markdown: str, limit: int = 200) -> str:
    text = _plain(_HEADING_RE.sub("", markdown))
    match = re.search(r"^(.+?[.!?])(\s|$)", text)
    sentence = match.group(1) if match else text
    return sentence if len(sentence) <= limit else sentence[: limit - 1].rstrip() + "…"


def figure_alt(cell_source: str, caption: str = "", position: int = 0) -> str:
    """Alt text of a figure: its name (from ``show_figure(..., "NN_name")``) and its caption.

    Parameters
    ----------
    cell_source : str
        Source of the code cell that displays the figure.
    caption : str
        Markdown of the cell before it (its first sentence is the caption).
    position : int
        Index of the image among the cell's images (for a cell without a named figure).

    Returns
    -------
    str
        ``"Figure 05_sovereignty-network: <caption>"``; never empty.
    """
    match = _FIGURE_NAME_RE.search(cell_source.strip())
    name = match.group(1) if match else f"figure {position + 1} of this cell"
    sentence = _first_sentence(caption) if caption else ""
    return f"Figure {name}: {sentence}" if sentence else f"Figure {name}"


def add_alt_text(nb) -> int:
    """Put an ``alt`` text in the metadata of every PNG output of ``nb`` (in place).

    Parameters
    ----------
    nb : nbformat.NotebookNode

    Returns
    -------
    int
        Number of images.
    """
    caption, n_images = "", 0
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            caption = cell.source
            continue
        if cell.cell_type != "code":
            continue
        position = 0
        for output in cell.get("outputs", []):
            if "image/png" in output.get("data", {}):
                output.setdefault("metadata", {})["alt"] = figure_alt(cell.source, caption, position)
                position += 1
                n_images += 1
    return n_images


# --------------------------------------------------------------------------- build

def notebook_title(nb, fallback: str) -> str:
    """The first Markdown heading of ``nb`` (plain text), else ``fallback``."""
    for cell in nb.cells:
        if cell.cell_type == "markdown":
            match = _HEADING_RE.search(cell.source)
            if match:
                return _plain(match.group(1))
    return fallback


def render_notebook(path: Path, template_dir: Path = REPORT_TEMPLATES) -> tuple[str, str, int]:
    """Render one executed notebook to a standalone HTML page (not executed again).

    Parameters
    ----------
    path : pathlib.Path
    template_dir : pathlib.Path
        Folder holding the ``vn_report`` template.

    Returns
    -------
    (str, str, int)
        The page, the notebook's title, the number of figures.
    """
    import nbformat
    from nbconvert import HTMLExporter

    nb = nbformat.read(path, as_version=4)
    n_images = add_alt_text(nb)
    title = notebook_title(nb, path.stem)
    nb.metadata["title"] = title
    exporter = HTMLExporter(template_name=TEMPLATE, extra_template_basedirs=[str(template_dir)],
                            embed_images=True)
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": path.stem}})
    return body, title, n_images


def research_questions(readme: Path = README) -> str:
    """The README's "Research questions" section as HTML, notebook names linked to their pages."""
    from nbconvert.filters.markdown_mistune import markdown2html_mistune

    text = Path(readme).read_text("utf-8") if Path(readme).is_file() else ""
    match = re.search(r"^## Research questions\s*\n(.*?)(?=^## |\Z)", text, re.MULTILINE | re.DOTALL)
    if not match:
        return ""
    body = markdown2html_mistune(match.group(1))
    return re.sub(r"<code>notebooks/(\d\d_[\w-]+)\.ipynb</code>",
                  r'<a href="\1.html"><code>\1</code></a>', body)


_INDEX_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 62em; margin: 2em auto; padding: 0 1em;
       line-height: 1.45; color: #1d1d1d; }
h1 { font-size: 1.6em; } h2 { font-size: 1.25em; margin-top: 1.6em; }
section.notebook { border-top: 1px solid #ccc; padding-top: 0.6em; }
ul.figures { list-style: none; padding: 0; display: flex; flex-wrap: wrap; gap: 1em; }
ul.figures li { width: 14em; font-size: 0.85em; }
ul.figures img { width: 100%; height: auto; border: 1px solid #ddd; }
"""


def _index_page(entries: list[dict], questions: str) -> str:
    parts = ["<!DOCTYPE html>", '<html lang="en">', "<head>", '<meta charset="utf-8" />',
             '<meta name="viewport" content="width=device-width, initial-scale=1.0">',
             "<title>vn-digital-discourse: report</title>", f"<style>{_INDEX_STYLE}</style>",
             "</head>", "<body>",
             "<h1>How Vietnam's French-language state media speak about digital policy</h1>",
             "<p>The executed notebooks of <code>vn-digital-discourse</code>, with their figures "
             "(PNG and vector PDF) and tables.</p>"]
    if questions:
        parts += ["<h2>Research questions</h2>", questions]
    parts.append("<h2>Notebooks</h2>")
    for entry in entries:
        parts.append('<section class="notebook">')
        parts.append(f'<h3><a href="{html.escape(entry["page"])}">{html.escape(entry["title"])}</a></h3>')
        if entry["figures"]:
            parts.append('<ul class="figures">')
            for png, pdf in entry["figures"]:
                name = Path(png).stem
                links = f'<a href="{html.escape(png)}">PNG</a>'
                if pdf:
                    links += f' · <a href="{html.escape(pdf)}">PDF</a>'
                parts.append(f'<li><a href="{html.escape(png)}"><img src="{html.escape(png)}" '
                             f'alt="Figure {html.escape(name)}" loading="lazy"></a><br>'
                             f"{html.escape(name)} ({links})</li>")
            parts.append("</ul>")
        if entry["tables"]:
            items = "".join(f'<li><a href="{html.escape(t)}">{html.escape(Path(t).name)}</a></li>'
                            for t in entry["tables"])
            parts.append(f"<p>Tables:</p><ul>{items}</ul>")
        parts.append("</section>")
    parts += ["</body>", "</html>", ""]
    return "\n".join(parts)


def _copy(files, folder: Path) -> list[str]:
    """Copy ``files`` into ``folder``; their paths relative to the build folder."""
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for file in files:
        shutil.copyfile(file, folder / file.name)
        out.append(f"{folder.name}/{file.name}")
    return out


def build(notebooks=None, *, notebooks_dir: Path = NOTEBOOKS, figures_dir: Path = FIGURES,
          tables_dir: Path = TABLES, build_dir: Path = REPORT_BUILD, readme: Path = README,
          template_dir: Path = REPORT_TEMPLATES, log=None) -> Path:
    """Build the static report: one page per notebook, its figures and tables, and an index.

    Parameters
    ----------
    notebooks : list of path-like, optional
        Notebooks to render; default every ``notebooks_dir/NN_*.ipynb``, in name order.
    notebooks_dir, figures_dir, tables_dir : pathlib.Path
        Where the executed notebooks, ``NN_*.png``/``.pdf`` figures and ``NN_*.csv`` tables are.
    build_dir : pathlib.Path
        Output folder (emptied first, except ``screenshots/``).
    readme : pathlib.Path
        README holding the "Research questions" section.
    template_dir : pathlib.Path
    log : callable, optional
        Called with one progress line per page.

    Returns
    -------
    pathlib.Path
        The index page.
    """
    build_dir = Path(build_dir)
    if notebooks is None:
        notebooks = sorted(Path(notebooks_dir).glob("[0-9][0-9]_*.ipynb"))
    build_dir.mkdir(parents=True, exist_ok=True)
    for old in build_dir.iterdir():
        if old.name != "screenshots":
            shutil.rmtree(old) if old.is_dir() else old.unlink()
    entries = []
    for path in map(Path, notebooks):
        page, title, n_images = render_notebook(path, template_dir)
        (build_dir / f"{path.stem}.html").write_text(page, "utf-8")
        prefix = path.stem.split("_", 1)[0] + "_"
        pngs = sorted(Path(figures_dir).glob(f"{prefix}*.png"))
        pdfs = [p.with_suffix(".pdf") for p in pngs]
        figures = _copy(pngs, build_dir / "figures")
        copied_pdfs = _copy([p for p in pdfs if p.is_file()], build_dir / "figures")
        pairs = [(png, png[:-4] + ".pdf" if png[:-4] + ".pdf" in copied_pdfs else None) for png in figures]
        tables = _copy(sorted(Path(tables_dir).glob(f"{prefix}*.csv")), build_dir / "tables")
        entries.append({"page": f"{path.stem}.html", "title": title, "figures": pairs, "tables": tables})
        if log:
            log(f"rendered {path.name}: {n_images} figures shown, {len(pngs)} saved, {len(tables)} tables")
    index = build_dir / "index.html"
    index.write_text(_index_page(entries, research_questions(readme)), "utf-8")
    return index


# --------------------------------------------------------------------------- checks

class _Refs(HTMLParser):
    """Collect links, images and external resources of one page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.links, self.images, self.resources, self.ids = [], [], [], set()

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href"):
            self.links.append(attrs["href"])
        elif tag == "img":
            self.images.append((attrs.get("src") or "", attrs.get("alt")))
        elif tag == "script" and attrs.get("src"):
            self.resources.append(attrs["src"])
        elif tag == "link" and attrs.get("href") and "stylesheet" in (attrs.get("rel") or ""):
            self.resources.append(attrs["href"])


#: What nbconvert writes on an image that has no alt text.
_NBCONVERT_DEFAULT_ALT = "No description has been provided for this image"


def _is_remote(url: str) -> bool:
    return urlparse(url).scheme in ("http", "https") or url.startswith("//")


def _check_image(page: Path, src: str, alt) -> list[str]:
    problems = []
    if alt is None or not alt.strip() or alt == _NBCONVERT_DEFAULT_ALT:
        problems.append(f"{page.name}: image without alt text ({src[:40]}...)")
    if src.startswith("data:"):
        try:
            header, data = src.split(",", 1)
            if ";base64" in header and not base64.b64decode(data, validate=True):
                problems.append(f"{page.name}: empty embedded image")
        except ValueError:
            problems.append(f"{page.name}: broken embedded image")
    elif _is_remote(src):
        problems.append(f"{page.name}: image loaded from the network: {src}")
    elif not src or not (page.parent / unquote(urlparse(src).path)).is_file():
        problems.append(f"{page.name}: missing image {src!r}")
    return problems


def check(build_dir: Path = REPORT_BUILD) -> list[str]:
    """Problems of the built report, without a browser: broken links, missing images, ...

    Every local link must reach an existing file (and its ``#anchor``, when it names one);
    every image must exist (or be a valid embedded image) and have alt text; no script,
    stylesheet or image may come from the network.

    Parameters
    ----------
    build_dir : pathlib.Path

    Returns
    -------
    list of str
        One line per problem, naming the page; empty when the report is sound.
    """
    build_dir = Path(build_dir)
    pages = sorted(build_dir.glob("*.html"))
    if not (build_dir / "index.html").is_file():
        return [f"{build_dir}: no index.html (run `make report`)"]
    parsed = {}
    for page in pages:
        refs = _Refs()
        refs.feed(page.read_text("utf-8"))
        parsed[page.name] = refs
    problems = []
    for page in pages:
        refs = parsed[page.name]
        for url in refs.resources:
            if _is_remote(url):
                problems.append(f"{page.name}: loads {url} from the network")
        for src, alt in refs.images:
            problems += _check_image(page, src, alt)
        for href in refs.links:
            parts = urlparse(href)
            if parts.scheme in ("http", "https", "mailto") or href.startswith("//"):
                continue
            target = page if not parts.path else page.parent / unquote(parts.path)
            if not target.is_file():
                problems.append(f"{page.name}: broken link {href!r}")
            elif parts.fragment and target.suffix == ".html":
                ids = parsed[target.name].ids if target.name in parsed else set()
                if parts.fragment not in ids and unquote(parts.fragment) not in ids:
                    problems.append(f"{page.name}: broken anchor {href!r}")
    return problems


_CONSOLE_RE = re.compile(r"CONSOLE|Uncaught|Failed to load resource|net::ERR_", re.IGNORECASE)


def find_chromium() -> str | None:
    """Path of the distribution's Chromium (``chromium`` or ``chromium-browser``), if installed."""
    for name in ("chromium", "chromium-browser"):
        found = shutil.which(name)
        if found:
            return found
    return None


def browser_check(build_dir: Path = REPORT_BUILD, *, chromium: str | None = None,
                  timeout: float = 120, log=None) -> list[str]:
    """Open every page in headless Chromium, save a screenshot of each, report console errors.

    Parameters
    ----------
    build_dir : pathlib.Path
    chromium : str, optional
        The browser; default :func:`find_chromium`.
    timeout : float
        Seconds allowed per page.
    log : callable, optional
        Called with one line per page.

    Returns
    -------
    list of str
        One line per console error or page that did not render, naming the page.
    """
    build_dir = Path(build_dir)
    chromium = chromium or find_chromium()
    if chromium is None:
        return ["chromium is not installed (make report-check installs it: apt-get install -y chromium)"]
    shots = build_dir / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    problems = []
    for page in sorted(build_dir.glob("*.html")):
        shot = shots / f"{page.stem}.png"
        shot.unlink(missing_ok=True)
        with tempfile.TemporaryDirectory(prefix="vn-report-chromium-") as profile:
            command = [chromium, "--headless", "--no-sandbox", "--disable-gpu",
                       "--disable-background-networking", "--disable-component-update",
                       "--no-first-run", "--no-default-browser-check", "--disable-sync",
                       "--hide-scrollbars", f"--user-data-dir={profile}", "--window-size=1280,1600",
                       "--virtual-time-budget=5000", "--enable-logging=stderr", "--v=0",
                       f"--screenshot={shot}", page.resolve().as_uri()]
            try:
                done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
            except subprocess.TimeoutExpired:
                problems.append(f"{page.name}: chromium did not finish in {timeout:.0f} s")
                continue
        errors = [line.strip() for line in done.stderr.splitlines() if _CONSOLE_RE.search(line)]
        problems += [f"{page.name}: console: {line}" for line in errors]
        if not shot.is_file() or shot.stat().st_size == 0:
            problems.append(f"{page.name}: no screenshot (chromium exit {done.returncode})")
        elif log:
            log(f"opened {page.name}: screenshot {shot.relative_to(build_dir)}")
    return problems


def _main(argv: list[str]) -> int:
    """``python -m analysis.report build|check [--browser]``."""
    command = argv[0] if argv else "build"
    log = lambda line: print(line, flush=True)  # noqa: E731
    if command == "build":
        index = build(log=log)
        print(f"report written to {index}")
        return 0
    if command == "check":
        problems = check()
        if "--browser" in argv[1:]:
            problems += browser_check(log=log)
        for problem in problems:
            print(problem, file=sys.stderr)
        if not problems:
            print("report: every page, link and image is sound")
        return 1 if problems else 0
    print("usage: python -m analysis.report build | check [--browser]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
