"""The command line: ``python -m analysis`` or ``vn-discourse``.

Every subcommand reads a corpus source (a folder of pages by default, ``data/raw``; any format
the readers accept with ``--format``), optionally filters its units, and writes one table: CSV
to standard output, or ``--out FILE`` (``.csv``, ``.xlsx`` or ``.parquet`` by extension).
Errors on bad input (a missing file, an invalid pattern, an unknown column, any
:class:`analysis.errors.AnalysisError`) are one line on standard error and a non-zero exit,
never a traceback. Warnings of the loader are one line each on standard error.

Examples
--------
::

    vn-discourse report
    vn-discourse kwic "souveraineté" --window 40 --sort right
    vn-discourse kwic "l'IA" --literal --kind article --period 2025 --out ia.xlsx
    vn-discourse freq --by period --top 20
    vn-discourse themes --by period --kind article
    vn-discourse keyness --by period --target 2025 --kind article
    vn-discourse topics --k 4 --method nmf
"""
from __future__ import annotations

import sys
import warnings
from pathlib import Path

import click
import pandas as pd

from analysis.errors import AnalysisError
from analysis.paths import RAW

#: Output formats by file extension.
OUT_FORMATS = (".csv", ".xlsx", ".parquet")


# --------------------------------------------------------------------------- loading

def _default_metadata(source: Path) -> Path | None:
    """``metadata.csv`` beside a folder of pages (``data/metadata.csv`` for ``data/raw``)."""
    candidate = source.parent / "metadata.csv"
    return candidate if source.is_dir() and candidate.is_file() else None


def _load(source, format: str | None = None, metadata=None, *, use_metadata: bool = True) -> pd.DataFrame:
    """Load any source into the units table: the one place the command line reads a corpus.

    Uses :func:`analysis.readers.load_source` when that module exists; otherwise a folder of
    pages through :func:`analysis.corpus.load_corpus`. Loader warnings are printed on standard
    error, one line each.

    Parameters
    ----------
    source : path-like
        Folder of pages, or a file of a format the readers accept.
    format : str, optional
        Reader name; default by inspection of ``source``.
    metadata : path-like, optional
        Metadata table; default ``metadata.csv`` beside a folder of pages, when there is one.
    use_metadata : bool
        False to load without any metadata table.

    Returns
    -------
    pandas.DataFrame
        One row per unit (see :func:`analysis.corpus.load_corpus`).
    """
    source = Path(source)
    if not source.exists():
        raise click.ClickException(f"{source}: no such file or folder")
    if metadata is None and use_metadata:
        metadata = _default_metadata(source)
    if not use_metadata:
        metadata = None
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        from analysis.readers import load_source

        mapping = _column_mapping()
        units = load_source(source, format=format, metadata=metadata, **mapping)
    for warning in caught:
        click.echo(f"warning: {warning.message}", err=True)
    return units


def _with_period(df: pd.DataFrame) -> pd.DataFrame:
    """``df`` with a ``period`` column (the year; ``undated``) unless it has one."""
    if "period" in df.columns:
        return df
    from analysis.themes import add_period

    return add_period(df)


def _as_text(values: pd.Series) -> pd.Series:
    """Column values as the strings a user types: dates as ``YYYY-MM-DD``, missing as ``""``."""
    if pd.api.types.is_datetime64_any_dtype(values):
        return values.dt.strftime("%Y-%m-%d").fillna("")
    return values.astype(object).where(values.notna(), "").astype(str)


def _check_column(df: pd.DataFrame, column: str) -> None:
    if column not in df.columns:
        raise click.ClickException(
            f"unknown column {column!r}; the units have: {', '.join(map(str, df.columns))}")


def _filter(units: pd.DataFrame, kinds=(), periods=(), where=()) -> pd.DataFrame:
    """Keep the units of the given kinds, periods and ``COLUMN=VALUE`` conditions (all must hold)."""
    if kinds:
        units = units[units["kind"].isin(kinds)]
    if periods:
        units = _with_period(units)
        units = units[units["period"].astype(str).isin(periods)]
    for condition in where:
        column, sep, value = condition.partition("=")
        if not sep or not column:
            raise click.ClickException(f"--where {condition!r}: expected COLUMN=VALUE")
        if column == "period":
            units = _with_period(units)
        _check_column(units, column)
        units = units[_as_text(units[column]) == value]
    return units.reset_index(drop=True)


def _grouping(df: pd.DataFrame, by: str) -> pd.DataFrame:
    """``df`` with the column ``by`` present (``period`` is derived from ``date``)."""
    if by == "period":
        df = _with_period(df)
    _check_column(df, by)
    return df


# --------------------------------------------------------------------------- writing

def _write(df: pd.DataFrame, out: str | None) -> None:
    """CSV on standard output, or ``out`` as CSV, Excel or Parquet by its extension."""
    from analysis.tables import table_csv

    if out is None:
        click.echo(table_csv(df), nl=False)
        return
    path = Path(out)
    suffix = path.suffix.lower()
    if suffix not in OUT_FORMATS:
        raise click.ClickException(f"{path}: unknown output format {suffix or '(none)'!r}; use {', '.join(OUT_FORMATS)}")
    if not path.parent.is_dir():
        raise click.ClickException(f"{path}: folder {path.parent} does not exist")
    if suffix == ".csv":
        from analysis.plots import write_atomic

        write_atomic(path, table_csv(df).encode("utf-8"))
    elif suffix == ".xlsx":
        df.to_excel(path, index=False)
    else:
        df.to_parquet(path, index=False)
    click.echo(f"wrote {len(df)} rows to {path}", err=True)


# --------------------------------------------------------------------------- errors

def _message(error: BaseException) -> str:
    """One line for an error: its message (a KeyError's without the quotes)."""
    if isinstance(error, KeyError) and error.args:
        text = str(error.args[0])
    else:
        text = str(error) or type(error).__name__
    return " ".join(text.split())


class _Group(click.Group):
    """A click group that turns errors on bad input into one line and exit status 1."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except (click.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except (AnalysisError, ValueError, KeyError, OSError, ImportError) as error:
            raise click.ClickException(_message(error)) from None


# --------------------------------------------------------------------------- shared options

_MAPPING_KEYS = ("text", "title", "date", "id")


def _store_mapping(ctx, param, values):
    """Callback of ``--column``: check KEY=NAME pairs and keep them for :func:`_load`."""
    mapping = {}
    for value in values:
        key, sep, name = value.partition("=")
        if not sep or key not in _MAPPING_KEYS or not name:
            raise click.BadParameter(f"{value!r}: expected KEY=NAME with KEY one of {', '.join(_MAPPING_KEYS)}")
        mapping[key] = name
    ctx.meta["column_mapping"] = mapping
    return mapping


def _column_mapping() -> dict:
    """The ``--column`` mapping of the running command ({} outside a command)."""
    ctx = click.get_current_context(silent=True)
    return dict(ctx.meta.get("column_mapping", {})) if ctx is not None else {}


def _source_options(function):
    """``--source``, ``--format``, ``--column``, ``--metadata``, ``--no-metadata``, ``--out``."""
    options = [
        click.option("-s", "--source", type=click.Path(path_type=Path), default=RAW, show_default=True,
                     help="Folder of pages, or a file the readers accept."),
        click.option("--format", "format_", default=None, metavar="NAME",
                     help="Reader of the source (default: by inspection)."),
        click.option("--column", multiple=True, metavar="KEY=NAME", expose_value=False, callback=_store_mapping,
                     help="For a table: which column holds the text, title, date or id "
                          "(e.g. --column text=contenu --column date=date_pub; repeatable)."),
        click.option("--metadata", type=click.Path(path_type=Path), default=None,
                     help="Metadata table (default: metadata.csv beside the folder, if any)."),
        click.option("--no-metadata", is_flag=True, help="Load without any metadata table."),
        click.option("-o", "--out", default=None, metavar="FILE",
                     help="Write to FILE (.csv, .xlsx or .parquet) instead of CSV on standard output."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _filter_options(function):
    """``--kind``, ``--period``, ``--where``."""
    options = [
        click.option("--kind", "kinds", multiple=True, type=click.Choice(["article", "related"]),
                     help="Keep units of this kind (repeatable)."),
        click.option("--period", "periods", multiple=True, metavar="PERIOD",
                     help="Keep units of this period, the year or 'undated' (repeatable)."),
        click.option("--where", multiple=True, metavar="COLUMN=VALUE",
                     help="Keep units whose metadata COLUMN equals VALUE (repeatable; dates as YYYY-MM-DD)."),
    ]
    for option in reversed(options):
        function = option(function)
    return function


def _units(source, format_, metadata, no_metadata, kinds=(), periods=(), where=()) -> pd.DataFrame:
    units = _load(source, format_, metadata, use_metadata=not no_metadata)
    return _filter(units, kinds, periods, where)


# --------------------------------------------------------------------------- commands

@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="vn-digital-discourse")
def main():
    """How Vietnam's French-language state media speak about digital policy.

    Each command reads a corpus (default: the pages in data/raw) and writes a table as CSV on
    standard output, or to --out FILE (.csv, .xlsx, .parquet). Run COMMAND --help for details.
    """


@main.command(short_help="What the loader does with each file of a corpus.")
@click.argument("path", required=False, type=click.Path(path_type=Path), default=RAW)
@click.option("--metadata", type=click.Path(path_type=Path), default=None,
              help="Metadata table (default: metadata.csv beside the folder, if any).")
@click.option("-o", "--out", default=None, metavar="FILE", help="Write to FILE (.csv, .xlsx, .parquet).")
def report(path, metadata, out):
    """What the loader does with each file of PATH (a folder of pages, or one page).

    One row per file: its status (loaded, warning, empty, undecodable, duplicate, ignored, ...),
    the reason, and the number of units found. PATH defaults to data/raw.
    """
    from analysis.corpus import load_report

    if not path.exists():
        raise click.ClickException(f"{path}: no such file or folder")
    folder = path if path.is_dir() else path.parent
    if metadata is None:
        metadata = _default_metadata(folder)
    table = load_report(folder, metadata)
    if not path.is_dir():
        table = table[table["file"] == path.name].reset_index(drop=True)
    _write(table, out)


@main.command(short_help="Concordance lines for a pattern, with their part.")
@click.argument("pattern")
@_source_options
@_filter_options
@click.option("-w", "--window", default=60, show_default=True, type=int,
              help="Characters of context on each side (>= 0).")
@click.option("--sort", type=click.Choice(["none", "left", "right"]), default="none", show_default=True,
              help="Order lines by the words just left or right of the match.")
@click.option("--regex/--literal", default=True, show_default=True,
              help="PATTERN is a regular expression, or a literal word or phrase.")
@click.option("-i", "--ignore-case", is_flag=True, help="Match regardless of case.")
@click.option("--part", "parts", multiple=True, type=click.Choice(["title", "lead", "text"]),
              help="Search only these parts (repeatable; default: title, lead and text).")
def kwic(pattern, source, format_, metadata, no_metadata, out, kinds, periods, where, window, sort,
         regex, ignore_case, parts):
    """Keyword-in-context lines for PATTERN in titles, leads and texts.

    Each line gives the unit (doc_id, kind), the part it comes from (title, lead, text), the
    context on the left, the match and the context on the right. The text is searched as the
    theme coder reads it (apostrophes and spaces folded, zero-width characters removed).
    """
    from analysis.concordance import kwic as kwic_lines

    units = _units(source, format_, metadata, no_metadata, kinds, periods, where)
    search = [p for p in (parts or ("title", "lead", "text")) if p in units.columns]
    lines = kwic_lines(units, pattern, window=window, regex=regex, ignore_case=ignore_case,
                       parts=search, sort=sort)
    _write(lines, out)


@main.command(short_help="Frequency list of tokens, overall or by group.")
@_source_options
@_filter_options
@click.option("--by", default=None, metavar="COLUMN", help="One list per value of COLUMN (e.g. period, kind).")
@click.option("-n", "--top", default=50, show_default=True, type=click.IntRange(min=1),
              help="Terms kept (per group).")
@click.option("--lemmatize/--no-lemmatize", default=True, show_default=True, help="Count lemmas or word forms.")
@click.option("--stopwords/--no-stopwords", default=False, show_default=True,
              help="Keep French stopwords in the list.")
def freq(source, format_, metadata, no_metadata, out, kinds, periods, where, by, top, lemmatize, stopwords):
    """Frequency list of the tokens of the units' texts (overall or by group).

    Tokens are those of analysis.text.tokenize (lemmas and multiword terms such as
    transformation_numérique); columns: [COLUMN,] rank, term, frequency, per_1000 (per 1,000
    tokens of the group), n_docs (units holding the term).
    """
    units = _units(source, format_, metadata, no_metadata, kinds, periods, where)
    if by:
        units = _grouping(units, by)
    table = frequency_list(units, by=by, top=top, lemmatize=lemmatize, remove_stopwords=not stopwords)
    _write(table, out)


def frequency_list(units: pd.DataFrame, *, by: str | None = None, top: int = 50, text_col: str = "text",
                   **options) -> pd.DataFrame:
    """Frequency list of the tokens of ``units[text_col]``, overall or by group.

    Parameters
    ----------
    units : pandas.DataFrame
    by : str, optional
        Group column: one list per value (groups sorted).
    top : int
        Terms kept per group (most frequent first; ties alphabetical).
    text_col : str
    **options
        Keyword arguments of :func:`analysis.text.tokenize`.

    Returns
    -------
    pandas.DataFrame
        ``by`` (when given), ``rank``, ``term``, ``frequency``, ``per_1000``, ``n_docs``.
    """
    from collections import Counter

    from analysis.text import tokenize_series

    tokens = tokenize_series(units[text_col].fillna(""), **options)
    groups = units[by].tolist() if by else [None] * len(units)
    rows = []
    for group in sorted(set(groups), key=str):
        lists = [t for t, g in zip(tokens, groups) if g == group]
        counts = Counter(token for tokens_ in lists for token in tokens_)
        docs = Counter(token for tokens_ in lists for token in set(tokens_))
        total = sum(counts.values())
        ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:top]
        for rank, (term, n) in enumerate(ranked, start=1):
            row = {by: group} if by else {}
            row.update(rank=rank, term=term, frequency=n, per_1000=1000.0 * n / total, n_docs=docs[term])
            rows.append(row)
    columns = ([by] if by else []) + ["rank", "term", "frequency", "per_1000", "n_docs"]
    return pd.DataFrame(rows, columns=columns)


@main.command(short_help="Theme counts and prevalence with intervals.")
@_source_options
@_filter_options
@click.option("--codebook", type=click.Path(path_type=Path), default=None,
              help="Theme codebook (TOML; default data/codebook.toml).")
@click.option("--by", default="kind", show_default=True, metavar="COLUMN",
              help="Group column (kind, period, doc_id or any metadata column).")
@click.option("--theme", "themes", multiple=True, metavar="ID", help="Only this theme (repeatable).")
@click.option("--n-boot", default=2000, show_default=True, type=click.IntRange(min=0),
              help="Bootstrap replicates of the interval (0: none).")
@click.option("--ci", default=0.95, show_default=True, type=float, help="Coverage of the interval.")
@click.option("--random-state", default=0, show_default=True, type=int, help="Seed of the bootstrap.")
@click.option("--titles/--no-titles", default=True, show_default=True, help="Code the titles as paragraphs too.")
@click.option("--design", type=click.Choice(["cluster", "two_stage", "within"]), default="cluster",
              show_default=True, help="Resampling: documents (cluster), documents then paragraphs (two_stage), "
                                      "or paragraphs within documents (within: narrow, for comparison only).")
@click.option("--min-docs", default=5, show_default=True, type=click.IntRange(min=1),
              help="Groups with fewer documents get no interval (a note says so).")
def themes(source, format_, metadata, no_metadata, out, kinds, periods, where, codebook, by, themes,
           n_boot, ci, random_state, titles, design, min_docs):
    """Theme counts and prevalence per 1,000 words, by group, with document-bootstrap intervals.

    Paragraphs (and titles) of the units are coded with the codebook; columns: COLUMN, theme,
    n_matches, n_words, rate_per_1000, ci_low, ci_high, n_paragraphs, n_docs, design, note.
    Intervals resample whole documents within each group; a group with fewer than --min-docs
    documents gets none. Over time (--by period) keep one kind of unit (--kind article):
    teasers are undated.
    """
    from analysis.corpus import paragraphs
    from analysis.themes import get_codebook, prevalence

    cb = get_codebook(codebook)
    units = _units(source, format_, metadata, no_metadata, kinds, periods, where)
    units = _grouping(units, by)
    paras = paragraphs(units, include_titles=titles)
    if by not in paras.columns:
        paras[by] = paras["doc_id"].map(dict(zip(units["doc_id"], units[by])))
    table = prevalence(paras, by, codebook=cb, n_boot=n_boot, ci=ci, random_state=random_state,
                       themes=list(themes) or None, design=design, min_docs=min_docs)
    _write(table, out)


@main.command(short_help="Keyness of terms in a target group.")
@_source_options
@_filter_options
@click.option("--by", required=True, metavar="COLUMN", help="Column that defines the groups (e.g. period).")
@click.option("--target", required=True, metavar="VALUE", help="Value of COLUMN of the target group.")
@click.option("--reference", default=None, metavar="VALUE",
              help="Value of COLUMN of the reference group (default: every other unit).")
@click.option("--measure", type=click.Choice(["G2", "chi2", "lafon", "log_ratio"]), default="G2",
              show_default=True, help="Measure the table is sorted by.")
@click.option("-n", "--top", default=None, type=click.IntRange(min=1), help="Keep the first N terms.")
def keyness(source, format_, metadata, no_metadata, out, kinds, periods, where, by, target, reference,
            measure, top):
    """Keyness of every term in the units where COLUMN = TARGET against the others.

    Counts are tokens of the units' texts (lemmas, multiword terms); columns: term, n_target,
    n_reference, chi2, G2, p_value, log_ratio, lafon, sorted by --measure.
    """
    from analysis.features import keyness as keyness_table
    from analysis.text import document_term_matrix

    units = _units(source, format_, metadata, no_metadata, kinds, periods, where)
    units = _grouping(units, by)
    values = _as_text(units[by])
    for value in [target] + ([reference] if reference is not None else []):
        if not (values == value).any():
            shown = ", ".join(sorted(set(values)))
            raise click.ClickException(f"no unit has {by} = {value!r} (values: {shown})")
    if reference is not None:
        keep = (values == target) | (values == reference)
        units, values = units[keep.to_numpy()].reset_index(drop=True), values[keep].reset_index(drop=True)
    X, vocabulary = document_term_matrix(units["text"].fillna(""))
    table = keyness_table(X, vocabulary, (values == target).to_numpy(), measure=measure)
    _write(table.head(top) if top else table, out)


@main.command(short_help="Fit a topic model and list its top terms.")
@_source_options
@_filter_options
@click.option("-k", "--k", "n_components", required=True, type=click.IntRange(min=1), help="Number of topics.")
@click.option("--method", type=click.Choice(["nmf", "lda"]), default="nmf", show_default=True,
              help="NMF on TF-IDF, or LDA on counts.")
@click.option("--random-state", default=0, show_default=True, type=int, help="Seed of the model.")
@click.option("--top-words", default=10, show_default=True, type=click.IntRange(min=1), help="Terms per topic.")
@click.option("--min-words", default=1, show_default=True, type=click.IntRange(min=0),
              help="Drop paragraphs with fewer words.")
def topics(source, format_, metadata, no_metadata, out, kinds, periods, where, n_components, method,
           random_state, top_words, min_words):
    """Fit a topic model on the units' paragraphs and list each topic's top terms.

    Columns: topic, rank, term, weight. Paragraphs of articles by default (--kind related adds
    nothing unless asked for with --kind article --kind related).
    """
    from analysis.corpus import paragraphs
    from analysis.text import document_term_matrix
    from analysis.topics import fit_topics, select_units, top_terms

    units = _units(source, format_, metadata, no_metadata, kinds, periods, where)
    paras = select_units(paragraphs(units), kinds=kinds or ("article",), min_words=min_words)
    if len(paras) < n_components:
        raise click.ClickException(f"{len(paras)} paragraphs cannot hold {n_components} topics")
    weighting = "tfidf" if method == "nmf" else "count"
    X, vocabulary = document_term_matrix(paras["text"], weighting=weighting)
    fit = fit_topics(X, vocabulary, n_components, method=method, random_state=random_state)
    _write(top_terms(fit.components, vocabulary, n_top_words=top_words), out)


@main.command(short_help="The chunked pipeline, with a progress bar.")
@click.option("-s", "--source", type=click.Path(path_type=Path), default=RAW, show_default=True,
              help="Folder of pages, or a file the readers accept.")
@click.option("--metadata", type=click.Path(path_type=Path), default=None, help="Metadata table.")
@click.option("--codebook", type=click.Path(path_type=Path), default=None, help="Theme codebook (TOML).")
@click.option("--chunk-size", default=2000, show_default=True, type=click.IntRange(min=1),
              help="Units per chunk.")
@click.option("--n-jobs", default=2, show_default=True, type=click.IntRange(min=1), help="Parallel workers.")
@click.option("--scheduler", type=click.Choice(["joblib", "dask"]), default="joblib", show_default=True,
              help="joblib on this machine, or Dask (a local cluster).")
@click.option("--out-dir", type=click.Path(path_type=Path), default=None,
              help="Folder for the pipeline's outputs (document-term matrix, vocabulary, units, matches).")
@click.option("-o", "--out", default=None, metavar="FILE",
              help="Write the theme matches to FILE (.csv, .xlsx, .parquet) instead of standard output.")
def run(source, metadata, codebook, chunk_size, n_jobs, scheduler, out_dir, out):
    """Run the scalable pipeline (load, tokens, document-term matrix, theme matches) in chunks.

    A progress bar goes to standard error; the theme matches table is written as CSV (or to
    --out), and the time of each stage is printed on standard error.
    """
    if not source.exists():
        raise click.ClickException(f"{source}: no such file or folder")
    from analysis.pipeline import run as run_pipeline

    if metadata is None:
        metadata = _default_metadata(source)
    result = run_pipeline(source, metadata=metadata, codebook=codebook, chunk_size=chunk_size,
                          n_jobs=n_jobs, scheduler=scheduler, out_dir=out_dir, progress=True)
    timings = getattr(result, "timings", None) or {}
    items = timings.items() if isinstance(timings, dict) else []
    for stage, seconds in items:
        click.echo(f"{stage}: {seconds:.2f} s", err=True)
    click.echo(f"{len(result.units)} units, {len(result.vocabulary)} terms, {len(result.matches)} theme matches",
               err=True)
    _write(result.matches, out)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
