"""Every quantitative or categorical statement of notebooks 01-08, as a function of the corpus.

Each registered function takes a :class:`Context` (built once from the corpus, the codebook and
the study file) and returns ``(holds, values)``: whether the sentence is still true, and the
numbers it rests on. :data:`FINDINGS` maps a claim id (``"05-1"``: notebook 05, claim 1) to
``(notebook, statement, function)``; :func:`check_finding` runs one through
:func:`analysis.claims.check` (silent when it holds, :class:`~analysis.errors.ClaimError` naming
the notebook, the claim and the values when it does not); :func:`check_all` runs them all.

A notebook claim cell is then one line::

    findings.check_finding("05-1", ctx)

Sentences better *rendered* from the data than checked have a render function returning the
Markdown sentence instead (:func:`describe_corpus`, :func:`describe_comparison`).

Claims whose value comes from a model that is being reworked are listed in :data:`RECOMPUTED`:
their function is exposed, but the value the prose states will be recomputed when the notebooks
are re-executed. None is listed now: notebook 04 renders its choice of k (and every statement
about a particular topic) from the computed tables rather than stating it in prose.

The claims are about the data (counts of articles, matches, co-occurrences, key terms), never
about the internals of a model. Importing the module reads no file and prints nothing.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, NamedTuple

import pandas as pd

from analysis import claims
from analysis.context import TOPIC_K_VALUES, Context  # noqa: F401  (Context re-exported)
from analysis.errors import ClaimError

__all__ = [
    "Context", "Finding", "FINDINGS", "RECOMPUTED", "finding", "evaluate", "check_finding",
    "check_all", "claims_table", "describe_corpus", "describe_comparison", "number_word",
]



# ---------------------------------------------------------------------------------------------
# The registry
# ---------------------------------------------------------------------------------------------

class Finding(NamedTuple):
    """A registered claim: its notebook, the statement as the prose makes it, its function."""

    notebook: str
    statement: str
    function: Callable


#: claim id -> Finding(notebook, statement, function).
FINDINGS: dict[str, Finding] = {}
#: Claims whose stated value comes from a model being reworked; recomputed with the notebooks.
#: (Empty: notebook 04 now renders its choice of k from the data instead of stating it.)
RECOMPUTED: set[str] = set()


def finding(claim_id: str, statement: str):
    """Register the decorated ``function(ctx) -> (holds, values)`` as claim ``claim_id``."""
    notebook = claims.notebook_of(claim_id)

    def register(function):
        if claim_id in FINDINGS:
            raise ValueError(f"claim {claim_id} registered twice")
        FINDINGS[claim_id] = Finding(notebook, statement, function)
        return function

    return register


def evaluate(claim_id: str, ctx: Context) -> tuple[bool, dict]:
    """``(holds, values)`` of one claim."""
    holds, values = FINDINGS[claim_id].function(ctx)
    return bool(holds), values


def check_finding(claim_id: str, ctx: Context) -> None:
    """Check one registered claim: silent when it holds, :class:`ClaimError` otherwise."""
    if claim_id not in FINDINGS:
        raise KeyError(f"no registered claim {claim_id!r}")
    holds, values = evaluate(claim_id, ctx)
    claims.check(claim_id, FINDINGS[claim_id].statement, holds, **values)


def check_all(ctx: Context, notebook: str | None = None) -> None:
    """Check every registered claim (of one notebook, e.g. ``"05"``).

    Raises
    ------
    ClaimError
        Listing every claim that no longer holds, one per line, each with its notebook and
        values (the first line names the first one).
    """
    failures = []
    for claim_id, entry in FINDINGS.items():
        if notebook is not None and entry.notebook != str(notebook).zfill(2):
            continue
        try:
            check_finding(claim_id, ctx)
        except ClaimError as exc:
            failures.append(str(exc))
    if failures:
        raise ClaimError("\n".join(failures))


def claims_table(notebook: str | None = None) -> pd.DataFrame:
    """The registry as a table: ``claim``, ``notebook``, ``statement``, ``recomputed``."""
    rows = [{"claim": cid, "notebook": f.notebook, "statement": f.statement, "recomputed": cid in RECOMPUTED}
            for cid, f in FINDINGS.items() if notebook is None or f.notebook == str(notebook).zfill(2)]
    return pd.DataFrame(rows, columns=["claim", "notebook", "statement", "recomputed"])


# ---------------------------------------------------------------------------------------------
# Rendered sentences
# ---------------------------------------------------------------------------------------------

_WORDS = ["no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
          "eleven", "twelve"]


def number_word(n: int) -> str:
    """``5`` -> ``"five"`` up to twelve, digits beyond (with a thousands comma)."""
    return _WORDS[n] if 0 <= n < len(_WORDS) else f"{n:,}"


def _plural(n: int, word: str) -> str:
    return f"{number_word(n)} {word}{'' if n == 1 else 's'}"


def describe_corpus(ctx: Context) -> str:
    """Notebook 01's summary sentence, from the data.

    Returns
    -------
    str
        e.g. ``"The corpus holds **five articles** (2016: 2; 2025: 3) and **30 related units**
        (27 teasers and 3 links)."``
    """
    periods = "; ".join(f"{label}: {n}" for label, n in ctx.period_counts().items())
    undated = int((ctx.article_periods == "undated").sum())
    if undated:
        periods += f"; undated: {undated}"
    types = ctx.related["related_type"].value_counts()
    teasers, links = int(types.get("teaser", 0)), int(types.get("link", 0))
    return (f"The corpus holds **{_plural(len(ctx.articles), 'article')}** ({periods}) and "
            f"**{len(ctx.related)} related units** ({teasers} teasers and {links} links).")


def describe_comparison(ctx: Context, comparison_id: str | None = None) -> str:
    """``"two 2016 articles against three 2025 articles"`` for a comparison of the study."""
    n_target, n_reference, (target, reference) = ctx.comparison_sizes(comparison_id)
    return (f"{number_word(n_target)} {target} article{'s' * (n_target != 1)} against "
            f"{number_word(n_reference)} {reference} article{'s' * (n_reference != 1)}")


# ---------------------------------------------------------------------------------------------
# Shared checks
# ---------------------------------------------------------------------------------------------

def _about(value: float, target: float, tolerance: float) -> bool:
    return abs(value - target) <= tolerance


def _five_articles(ctx):
    return len(ctx.articles) == 5, {"n_articles": len(ctx.articles)}


def _two_against_three(ctx):
    n_target, n_reference, labels = ctx.comparison_sizes()
    counts = ctx.period_counts()
    holds = (n_target, n_reference) == (2, 3) and labels == ("2016", "2025") and set(counts) == {"2016", "2025"}
    return holds, {"comparison": labels, "sizes": (n_target, n_reference), "articles_by_period": counts}


# ---------------------------------------------------------------------------------------------
# 01 · The corpus
# ---------------------------------------------------------------------------------------------

@finding("01-1", "the seed corpus holds five articles")
def _01_1(ctx):
    return _five_articles(ctx)


@finding("01-2", "two pages from 2016 and three from 2025: two articles against three")
def _01_2(ctx):
    return _two_against_three(ctx)


@finding("01-3", "the two 2016 pages date from the autumn of 2016")
def _01_3(ctx):
    dates = ctx.articles.loc[ctx.articles["date"].dt.year == 2016, "date"]
    holds = len(dates) == 2 and dates.dt.month.between(9, 11).all()
    return holds, {"dates_2016": dates.dt.strftime("%Y-%m-%d").tolist()}


@finding("01-4", "on the VNA pages the article is less than half of the page's words")
def _01_4(ctx):
    # Not "the teasers outweigh the article": false of page 003 (646 teaser words, 880 article
    # words). What holds on every VNA page is that the article is less than half of the page.
    c = ctx.composition[ctx.composition["outlet"].str.contains("VNA", na=False)]
    article = c["headline"] + c["standfirst"] + c["article body"]
    share = article / c.drop(columns=["file", "outlet"]).sum(axis=1)
    return len(c) > 0 and (share < 0.5).all(), {
        "pages": c["file"].tolist(), "article_share": share.round(3).tolist()}


PAGE_000 = "000_1a05a85f63068217.txt"
PAGE_003 = "003_820e157e04b203e2.txt"


@finding("01-5", "page 000 carries six teasers, five of which also stand on page 003")
def _01_5(ctx):
    teasers = ctx.related[ctx.related["related_type"] == "teaser"]
    files = teasers["source_files"].str.split(";")
    on_000 = files.apply(lambda f: PAGE_000 in f)
    both = files.apply(lambda f: PAGE_000 in f and PAGE_003 in f)
    return (int(on_000.sum()), int(both.sum())) == (6, 5), {
        "teasers_on_000": int(on_000.sum()), "also_on_003": int(both.sum())}


@finding("01-6", "sovereign-AI vocabulary is absent from the 2016 articles")
def _01_6(ctx):
    texts = ctx.articles.loc[ctx.article_periods.to_numpy() == "2016", "text"]
    hits = texts.str.contains(r"souverain|\bIA\b", regex=True)
    return not hits.any(), {"2016_articles_with_it": ctx.articles.loc[hits[hits].index, "doc_id"].tolist()}


@finding("01-7", "every date is either stated in the page or inferred with written evidence")
def _01_7(ctx):
    from analysis import corpus

    table, _ = corpus.load_metadata(ctx.metadata)
    evidence = ctx.articles["source_file"].map(table["evidence"]).fillna("") if "evidence" in table else ""
    ok = (ctx.articles["date_source"] == "page") | (
        (ctx.articles["date_source"] == "metadata") & (evidence.astype(str).str.strip() != ""))
    return ok.all(), {"without_evidence": ctx.articles.loc[~ok, "source_file"].tolist()}


# ---------------------------------------------------------------------------------------------
# 02 · Text processing
# ---------------------------------------------------------------------------------------------

@finding("02-2", "the seed pages have no capitalised headline")
def _02_2(ctx):
    titles = pd.concat([ctx.articles["title"], ctx.related["title"]])
    shouted = titles[titles.str.contains(r"[A-ZÀ-Ý]{2}") & (titles == titles.str.upper())]
    return shouted.empty, {"capitalised": shouted.tolist()}


@finding("02-3", "removing stopwords halves the tokens but removes only about 90 types; joining multiword "
                 "terms removes about a hundred tokens and adds types; lemmatizing removes about 80 types")
def _02_3(ctx):
    from analysis import text

    steps = text.vocabulary_table(ctx.articles["text"]).set_index("step")
    tokens, types = steps["n_tokens"], steps["n_types"]
    stop_ratio = tokens.iloc[2] / tokens.iloc[1]
    stop_types = int(types.iloc[1] - types.iloc[2])
    multi_tokens, multi_types = int(tokens.iloc[2] - tokens.iloc[3]), int(types.iloc[3] - types.iloc[2])
    lemma_types = int(types.iloc[3] - types.iloc[4])
    holds = (0.4 <= stop_ratio <= 0.6 and _about(stop_types, 90, 10) and _about(multi_tokens, 100, 20)
             and multi_types > 0 and _about(lemma_types, 80, 10) and types.iloc[5] < types.iloc[4])
    return holds, {"stopword_token_ratio": round(float(stop_ratio), 3), "stopword_types": stop_types,
                   "multiword_tokens": multi_tokens, "multiword_types_added": multi_types,
                   "lemma_types": lemma_types, "stem_types": int(types.iloc[5]), "lemma_total": int(types.iloc[4])}


@finding("02-4", "boilerplate is rare in the article text: a few occurrences against more than a thousand "
                 "stopword occurrences")
def _02_4(ctx):
    from analysis import text

    dropped = text.dropped_words(ctx.articles["text"]).groupby("reason")["count"].sum()
    boiler, stop = int(dropped.get("boilerplate", 0)), int(dropped.get("stopword", 0))
    return boiler <= 10 and stop > 1000, {"boilerplate": boiler, "stopwords": stop}


@finding("02-5", "the head of the raw frequency list is function words, the head of the processed one the "
                 "corpus's subjects")
def _02_5(ctx):
    from analysis import text
    from analysis.plots.lexical import rank_frequency

    stopwords = text.load_stopwords()
    raw = text.tokenize_series(ctx.articles["text"], **text.PROCESSING_STEPS["words, lowercased"])
    head_raw = rank_frequency(raw).head(10)["term"].tolist()
    head_processed = rank_frequency(text.tokenize_series(ctx.articles["text"])).head(10)["term"].tolist()
    holds = all(t in stopwords for t in head_raw) and not any(t in stopwords for t in head_processed)
    return holds, {"raw_top_10": head_raw, "processed_top_10": head_processed}


# ---------------------------------------------------------------------------------------------
# 03 · Key terms
# ---------------------------------------------------------------------------------------------

@finding("03-1", "two 2016 articles against three 2025 articles")
def _03_1(ctx):
    return _two_against_three(ctx)


@finding("03-2", "the related units are undated")
def _03_2(ctx):
    return len(ctx.related) > 0 and ctx.related["date"].isna().all(), {
        "n_related": len(ctx.related), "dated": int(ctx.related["date"].notna().sum())}


KEY_2016 = ["laotien", "laos", "ministre", "truong", "tuan", "information", "communication", "TIC", "poste",
            "télécommunication", "deux"]
KEY_2025 = ["technologie_numérique", "transformation_numérique", "numérique", "infrastructure_numérique",
            "développement", "entreprise", "ressources_humaines", "national"]


@finding("03-3", "the most key terms of the 2016 articles are laotien, laos, ministre, truong, tuan, "
                 "information, communication, TIC, poste, télécommunication, deux")
def _03_3(ctx):
    top = ctx.keyness().head(15)["term"].tolist()
    return set(KEY_2016) <= set(top), {"missing": sorted(set(KEY_2016) - set(top)), "top_15": top}


@finding("03-4", "the 2025 articles are dominated by technologie_numérique, transformation_numérique, numérique, "
                 "infrastructure_numérique, développement, entreprise, ressources_humaines and national")
def _03_4(ctx):
    top = ctx.keyness().tail(15)["term"].tolist()[::-1]
    return set(KEY_2025) <= set(top), {"missing": sorted(set(KEY_2025) - set(top)), "top_15": top}


@finding("03-5", "the word presse never occurs; journalists, radio and television are each named once in 2016")
def _03_5(ctx):
    rows = (ctx.article_periods == "2016").to_numpy()
    counts = {t: ctx.term_count(t, rows) for t in ("journaliste", "radio", "télévision")}
    presse = ctx.term_count("presse")
    return presse == 0 and set(counts.values()) == {1}, {"presse": presse, **counts}


@finding("03-6", "the forces hostiles appear once, in article 002")
def _03_6(ctx):
    n, docs = ctx.term_count("forces_hostiles"), ctx.term_docs("forces_hostiles")
    return n == 1 and [d[:3] for d in docs] == ["002"], {"count": n, "articles": docs}


@finding("03-7", "in the 2025 article bodies, intelligence artificielle occurs twice and données three times "
                 "besides four centres and three bases de données (all in the Vietnam-Laos article), "
                 "Resolution 57 once; semiconductors and sovereignty do not occur")
def _03_7(ctx):
    rows = (ctx.article_periods == "2025").to_numpy()
    terms = ["intelligence_artificielle", "donnée", "centre_de_données", "base_de_données", "résolution_57",
             "semi-conducteur", "souveraineté", "souverain"]
    counts = {t: ctx.term_count(t, rows) for t in terms}
    expected = dict(zip(terms, [2, 3, 4, 3, 1, 0, 0, 0]))
    docs_2025 = set(ctx.articles.loc[rows, "doc_id"])
    data_docs = {d for t in terms[:4] for d in ctx.term_docs(t) if d in docs_2025}
    laos = set(ctx.laos_docs)
    holds = counts == expected and len(data_docs) == 1 and data_docs <= laos
    return holds, {"counts": counts, "articles_with_ai_or_data": sorted(data_docs)}


@finding("03-8", "in the teaser leads IA occurs 11 times, semi-conducteur 3, souveraineté 1; souveraineté is "
                 "also in one teaser headline")
def _03_8(ctx):
    counts = {t: ctx.term_count(t, related=True) for t in ("IA", "semi-conducteur", "souveraineté")}
    headlines = int(ctx.related["title"].str.contains("souveraineté", case=False).sum())
    return counts == {"IA": 11, "semi-conducteur": 3, "souveraineté": 1} and headlines == 1, {
        **counts, "headlines_with_souveraineté": headlines}


@finding("03-9", "G2 and Lafon agree: a Spearman correlation close to 1 and all but a few of the most key "
                 "terms in common")
def _03_9(ctx):
    from analysis.features import measure_agreement

    agreement = measure_agreement(ctx.keyness(), "G2", "lafon", n_top=15)
    smaller = min(agreement["n_top_a"], agreement["n_top_b"])
    holds = agreement["spearman"] >= 0.95 and agreement["n_common"] >= smaller - 3
    return holds, {"n_common": agreement["n_common"], "n_top": (agreement["n_top_a"], agreement["n_top_b"]),
                   "spearman": round(float(agreement["spearman"]), 3)}


@finding("03-10", "the terms that survive the Benjamini-Hochberg adjustment are names and the sector (TIC) of the "
                  "2016 ministerial visit, each in both 2016 articles; none of the 2025 terms survives")
def _03_10(ctx):
    key = ctx.keyness()
    n_target = ctx.comparison_sizes()[0]
    survivors = key[key["p_adjusted"] < 0.05]
    visit = {"laotien", "laos", "ministre", "truong", "minh", "tuan", "TIC"}
    holds = (len(survivors) > 0 and (survivors["G2"] > 0).all() and set(survivors["term"]) <= visit
             and (survivors["docs_target"] == n_target).all())
    return holds, {"survivors": survivors[["term", "G2", "docs_target"]].to_dict(orient="records")}


@finding("03-11", "two of the 2025 articles are not about Laos")
def _03_11(ctx):
    docs_2025 = ctx.article_periods[ctx.article_periods == "2025"].index
    not_laos = sorted(set(docs_2025) - set(ctx.laos_docs))
    return len(not_laos) == 2, {"not_about_laos": not_laos}


# ---------------------------------------------------------------------------------------------
# 04 · Topics
# ---------------------------------------------------------------------------------------------

@finding("04-2", "the articles are fewer than the largest number of topics tried (10), so the unit is the paragraph")
def _04_2(ctx):
    n_docs = int(ctx.topic_units.loc[ctx.topic_units["kind"] == "article", "doc_id"].nunique())
    return n_docs < TOPIC_K_VALUES[-1], {"articles": n_docs, "largest_k": TOPIC_K_VALUES[-1]}


@finding("04-3", "beyond 10 topics, a topic would average fewer than nine paragraphs")
def _04_3(ctx):
    n_units = len(ctx.topic_units)
    return n_units / 11 < 9, {"paragraphs": n_units, "per_topic_at_k_11": round(n_units / 11, 2)}


@finding("04-5", "teasers are undated")
def _04_5(ctx):
    teasers = ctx.topic_units[ctx.topic_units["kind"] == "related"]
    dated = sorted(teasers.loc[teasers["date"].notna(), "doc_id"].unique())
    return not dated, {"dated_teasers": dated}


@finding("04-6", "each teaser is a document of its own (one unit per teaser)")
def _04_6(ctx):
    teasers = ctx.topic_units[ctx.topic_units["kind"] == "related"]
    per_doc = teasers.groupby("doc_id").size()
    several = sorted(per_doc[per_doc > 1].index)
    return not several, {"teasers_with_several_units": several}


# ---------------------------------------------------------------------------------------------
# 05 · Sovereignty
# ---------------------------------------------------------------------------------------------

def _pair_values(pairs: pd.DataFrame, others) -> dict:
    """Observed and expected shared paragraphs, lift and adjusted p of some pairs, for messages."""
    return {t: {"n_both": int(pairs.at[t, "n_both"]), "expected": round(float(pairs.at[t, "expected"]), 3),
                "lift": round(float(pairs.at[t, "lift"]), 3), "p_adjusted": round(float(pairs.at[t, "p_adjusted"]), 3)}
            for t in others if t in pairs.index}


def _kind_interval(ctx, theme: str, n_boot: int = 2000, random_state: int = 0) -> pd.DataFrame:
    """Notebooks 05-06's prevalence of one theme by unit kind (document bootstrap), by kind."""
    from analysis import themes

    return themes.prevalence(ctx.paragraphs, "kind", themes=[theme], n_boot=n_boot,
                             random_state=random_state).set_index("kind")


@finding("05-1", "souveraineté occurs only in teasers")
def _05_1(ctx):
    hits = ctx.kwic(r"souverain\w*")
    return len(hits) > 0 and hits["kind"].eq("related").all(), {
        "hits_by_kind": hits["kind"].value_counts().to_dict(), "documents": sorted(hits["doc_id"].unique()),
        "parts": hits["part"].value_counts().to_dict()}


@finding("05-2", "souverain- occurs in two contexts only: the Hanoi Convention and IA souveraine")
def _05_2(ctx):
    hits = ctx.kwic(r"souverain\w*", window=200)
    docs = sorted(hits["doc_id"].unique())
    context = (hits["left"] + " " + hits["match"] + " " + hits["right"]).groupby(hits["doc_id"]).agg(" ".join)
    hanoi = context.str.contains("Convention", case=False)
    ai = context.str.contains(r"\bIA\s+souveraine", case=False)
    holds = len(docs) == 2 and (hanoi | ai).all() and hanoi.any() and ai.any()
    return holds, {"documents": docs}


@finding("05-3", "sovereignty shares no paragraph with Resolution 57, human capital or the press, but fewer "
                 "than one shared paragraph is expected by chance for each: these absences are uninformative")
def _05_3(ctx):
    pairs = ctx.pairs("sovereignty")
    others = ("resolution_57", "human_capital", "press_information")
    holds = all(t in pairs.index and pairs.at[t, "n_both"] == 0 and not pairs.at[t, "informative"] for t in others)
    return holds, {"pairs": _pair_values(pairs, others)}


@finding("05-4", "the highest lifts of sovereignty are with semiconductors and cybersecurity, where fewer than "
                 "one shared paragraph is expected by chance")
def _05_4(ctx):
    pairs = ctx.pairs("sovereignty")
    lift = pairs["lift"].sort_values(ascending=False, kind="mergesort")
    top = list(lift.index[:2])
    holds = (set(top) == {"semiconductors", "cybersecurity"} and lift.iloc[1] > lift.iloc[2]
             and not pairs.loc[top, "informative"].any())
    return holds, {"pairs": _pair_values(pairs, lift.index[:4])}


@finding("05-5", "sovereignty has a lift above 1 with semiconductors, cybersecurity, AI, innovation and data "
                 "infrastructure, and no pair of sovereignty is significant after adjustment")
def _05_5(ctx):
    pairs = ctx.pairs("sovereignty")
    partners = ["semiconductors", "cybersecurity", "ai", "innovation", "data_infrastructure"]
    holds = all(pairs["lift"].get(t, 0) > 1 for t in partners) and (pairs["p_adjusted"] >= 0.05).all()
    return holds, {"pairs": _pair_values(pairs, partners),
                   "min_p_adjusted": round(float(pairs["p_adjusted"].min()), 3)}


@finding("05-6", "each pairing of sovereignty rests on one or two paragraphs")
def _05_6(ctx):
    both = ctx.pairs("sovereignty")["n_both"]
    shared = both[both > 0]
    return shared.between(1, 2).all(), {"paragraphs_shared": shared.to_dict()}


@finding("05-7", "the only sovereign-AI passage is the teaser on the Au Lac Grand Prize")
def _05_7(ctx):
    docs = ctx.theme_docs("sovereignty", subframe="sovereign_ai")
    titles = ctx.units.set_index("doc_id").loc[docs, "title"].tolist() if docs else []
    holds = len(docs) == 1 and docs[0].startswith("rel_") and "Au Lac" in titles[0]
    return holds, {"documents": docs, "titles": titles}


@finding("05-8", "among the articles, sovereignty occurs only in the General Secretary's 2025 speech")
def _05_8(ctx):
    docs = ctx.theme_docs("sovereignty", kind="article")
    periods = [ctx.article_periods.get(d) for d in docs]
    speech = Path(PAGE_003).stem  # the General Secretary's speech of 15 January 2025
    return docs == [speech] and periods == ["2025"], {"articles": docs, "periods": periods}


@finding("05-9", "neither digital or data sovereignty nor territorial sovereignty occurs")
def _05_9(ctx):
    found = ctx.theme("sovereignty", subframe=["digital", "data", "territorial"])
    words = ctx.kwic(r"souveraineté\s+(?:numérique|des\s+données|territoriale)")
    return found.empty and words.empty, {
        "subframes": found["subframe"].value_counts().to_dict(), "documents": sorted(set(found["doc_id"]) | set(words["doc_id"]))}


@finding("05-10", "the two 2016 articles carry no sovereignty vocabulary at all")
def _05_10(ctx):
    docs = ctx.theme_docs("sovereignty", kind="article", period="2016")
    n_2016 = ctx.period_counts().get("2016", 0)
    return n_2016 == 2 and not docs, {"articles_2016": n_2016, "with_sovereignty": docs}


@finding("05-11", "the forces hostiles, coded under press_information, occur once, in a 2016 article")
def _05_11(ctx):
    m = ctx.theme("press_information", subframe="hostile_information")
    return len(m) == 1 and m["kind"].eq("article").all() and m["period"].eq("2016").all(), {
        "matches": m[["doc_id", "kind", "period"]].to_dict(orient="records")}


@finding("05-12", "five pages: two articles from 2016 and three from 2025")
def _05_12(ctx):
    return _two_against_three(ctx)


@finding("05-13", "sovereignty's rate is higher in teasers than in articles, but the two intervals overlap")
def _05_13(ctx):
    prev = _kind_interval(ctx, "sovereignty")
    art, rel = prev.loc["article"], prev.loc["related"]
    holds = rel["rate_per_1000"] > art["rate_per_1000"] and rel["ci_low"] <= art["ci_high"]
    return holds, {"article": [round(float(art[c]), 3) for c in ("rate_per_1000", "ci_low", "ci_high")],
                   "related": [round(float(rel[c]), 3) for c in ("rate_per_1000", "ci_low", "ci_high")]}


# ---------------------------------------------------------------------------------------------
# 06 · AI
# ---------------------------------------------------------------------------------------------

@finding("06-1", "AI is a teaser topic far more than an article topic: more than three times as many matches, "
                 "and a rate whose interval lies above the articles' interval")
def _06_1(ctx):
    n_related, n_article = len(ctx.theme("ai", kind="related")), len(ctx.theme("ai", kind="article"))
    prev = _kind_interval(ctx, "ai")
    art, rel = prev.loc["article"], prev.loc["related"]
    holds = n_related > 3 * n_article and rel["ci_low"] > art["ci_high"]
    return holds, {"matches_in_teasers": n_related, "matches_in_articles": n_article,
                   "interval_articles": [round(float(art["ci_low"]), 3), round(float(art["ci_high"]), 3)],
                   "interval_teasers": [round(float(rel["ci_low"]), 3), round(float(rel["ci_high"]), 3)]}


@finding("06-2", "among the articles AI occurs only in the 2025 Vietnam-Laos article")
def _06_2(ctx):
    docs = ctx.theme_docs("ai", kind="article")
    periods = [ctx.article_periods.get(d) for d in docs]
    return len(docs) == 1 and periods == ["2025"] and docs[0] in ctx.laos_docs, {"articles": docs, "periods": periods}


@finding("06-3", "AI shares more paragraphs with human capital than independence predicts (at least one "
                 "expected), but not significantly once every pair is adjusted for multiple tests")
def _06_3(ctx):
    pairs = ctx.pairs("ai")
    row = pairs.loc["human_capital"] if "human_capital" in pairs.index else None
    holds = (row is not None and row["n_both"] > row["expected"] and bool(row["informative"])
             and row["p_adjusted"] >= 0.05)
    return holds, {"pairs": _pair_values(pairs, ["human_capital"])}


@finding("06-4", "the themes AI travels with most are human capital and innovation")
def _06_4(ctx):
    both = ctx.pairs("ai")["n_both"].sort_values(ascending=False, kind="mergesort")
    return set(both.index[:2]) == {"human_capital", "innovation"} and both.iloc[1] > both.iloc[2], {
        "paragraphs_shared": both.head(4).to_dict()}


@finding("06-5", "the only AI research centre is Qualcomm's")
def _06_5(ctx):
    docs = ctx.theme_docs("ai", subframe="research_centre")
    texts = ctx.units.set_index("doc_id").loc[docs, "text"].tolist() if docs else []
    return len(docs) == 1 and "Qualcomm" in texts[0], {"documents": docs}


@finding("06-6", "the two 2016 articles contain no AI vocabulary")
def _06_6(ctx):
    docs = ctx.theme_docs("ai", kind="article", period="2016")
    n_2016 = ctx.period_counts().get("2016", 0)
    return n_2016 == 2 and not docs, {"articles_2016": n_2016, "with_ai": docs}


@finding("06-7", "each reading of AI rests on one to four teasers")
def _06_7(ctx):
    m = ctx.theme("ai", kind="related")
    per_frame = m.groupby("subframe")["doc_id"].nunique()
    return len(per_frame) > 0 and per_frame.between(1, 4).all(), {"teasers_per_subframe": per_frame.to_dict()}


@finding("06-8", "five pages: two articles from 2016 and three from 2025")
def _06_8(ctx):
    return _two_against_three(ctx)


@finding("06-9", "AI shares fewer paragraphs with international cooperation than independence predicts, "
                 "not significantly after adjustment")
def _06_9(ctx):
    pairs = ctx.pairs("ai")
    row = pairs.loc["international_cooperation"] if "international_cooperation" in pairs.index else None
    holds = (row is not None and row["n_both"] < row["expected"] and bool(row["informative"])
             and row["p_adjusted"] >= 0.05)
    return holds, {"pairs": _pair_values(pairs, ["international_cooperation"])}


@finding("06-10", "no pair of AI with another theme is significant after adjustment")
def _06_10(ctx):
    p = ctx.pairs("ai")["p_adjusted"]
    return bool((p >= 0.05).all()), {"min_p_adjusted": round(float(p.min()), 3), "pair": str(p.idxmin())}


# ---------------------------------------------------------------------------------------------
# 07 · Resolution 57
# ---------------------------------------------------------------------------------------------

@finding("07-1", "Resolution 57 is cited in one article, from 2025: the speech of 15 January 2025")
def _07_1(ctx):
    articles = ctx.theme_docs("resolution_57", kind="article")
    periods = [ctx.article_periods.get(d) for d in articles]
    dates = ctx.articles.set_index("doc_id").loc[articles, "date"].dt.strftime("%Y-%m-%d").tolist()
    return len(articles) == 1 and periods == ["2025"] and dates == ["2025-01-15"], {
        "articles": articles, "periods": periods, "dates": dates}


@finding("07-2", "every article citing Resolution 57 is later than its adoption on 22 December 2024")
def _07_2(ctx):
    docs = ctx.theme_docs("resolution_57", kind="article")
    dates = ctx.articles.set_index("doc_id").loc[docs, "date"]
    early = dates[dates < pd.Timestamp("2024-12-22")]
    return early.empty, {"earlier": early.dt.strftime("%Y-%m-%d").to_dict()}


@finding("07-3", "the resolution is a mandate in the article (one citation)")
def _07_3(ctx):
    m = ctx.theme("resolution_57", subframe="mandate")
    return len(m) == 1 and m["kind"].eq("article").all(), {"mandate_citations": m[["doc_id", "kind"]].to_dict(orient="records")}


@finding("07-4", "two teasers present the resolution as something carried out")
def _07_4(ctx):
    docs = ctx.theme_docs("resolution_57", subframe="implementation", kind="related")
    return len(docs) == 2, {"teasers": docs}


@finding("07-5", "Resolution 68, 71/NQ-CP and 81/2023/QH15 are cited beside 57; Resolution 59 does not occur")
def _07_5(ctx):
    frames = set(ctx.theme("companion_resolutions")["subframe"])
    expected = {"resolution_68", "resolution_71_nq_cp", "resolution_81_2023_qh15"}
    fifty_nine = ctx.kwic(r"\b59\b")
    return frames == expected and fifty_nine.empty, {"companions": sorted(frames),
                                                       "documents_with_59": sorted(fifty_nine["doc_id"].unique())}


@finding("07-6", "Resolution 57 shares more paragraphs with innovation than independence predicts, but apart from "
                 "the companion resolutions no association of Resolution 57 survives the Benjamini-Hochberg adjustment")
def _07_6(ctx):
    pairs = ctx.pairs("resolution_57")
    innovation = pairs.loc["innovation"] if "innovation" in pairs.index else None
    others = pairs.drop(index="companion_resolutions", errors="ignore")
    above = innovation is not None and innovation["n_both"] > innovation["expected"]
    return above and (others["p_adjusted"] >= 0.05).all(), {
        "innovation": None if innovation is None else {k: round(float(innovation[k]), 3) for k in ("n_both", "expected")},
        "adjusted_p_below_0.05": others.index[others["p_adjusted"] < 0.05].tolist()}


@finding("07-7", "three teasers cite Resolution 57")
def _07_7(ctx):
    teasers = ctx.theme_docs("resolution_57", kind="related")
    return len(teasers) == 3, {"teasers": teasers}


@finding("07-8", "of the themes Resolution 57 never shares a paragraph with, only international cooperation has "
                 "one co-occurrence or more expected under independence")
def _07_8(ctx):
    pairs = ctx.pairs("resolution_57")
    never = pairs[pairs["n_both"] == 0]
    informative = sorted(never.index[never["informative"]])
    return informative == ["international_cooperation"], {
        "never_but_informative": informative, "expected": never["expected"].round(2).to_dict()}


@finding("07-9", "the teasers citing Resolution 57 stand on a 2016 page and on a 2025 page")
def _07_9(ctx):
    docs = ctx.theme_docs("resolution_57", kind="related")
    files = ctx.related.set_index("doc_id").loc[docs, "source_files"].str.split(",").explode().str.strip()
    pages = ctx.articles.set_index("source_file")["date"].dt.year.astype(str)
    years = sorted(set(pages.reindex(files).dropna()))
    return years == ["2016", "2025"], {"page_years": years, "pages": sorted(set(files))}


@finding("07-10", "in the article, the target statements stand in other paragraphs than the citation of the resolution")
def _07_10(ctx):
    from analysis import evidence

    docs = ctx.theme_docs("resolution_57", kind="article")
    cited = ctx.theme("resolution_57", kind="article")[["doc_id", "para_id"]]
    rows = ctx.paragraphs[ctx.paragraphs["doc_id"].isin(docs)]
    targets = evidence.target_statements(rows, patterns=ctx.study.targets)
    shared = targets.merge(cited, on=["doc_id", "para_id"])
    return len(targets) > 0 and shared.empty, {"target_paragraphs": targets[["doc_id", "para_id"]].drop_duplicates()
                                                .to_dict(orient="records"),
                                                "citing_paragraphs": cited.to_dict(orient="records")}


@finding("07-11", "one teaser cites Resolution 57 as proof of political will, beside Resolution 68")
def _07_11(ctx):
    docs = ctx.theme_docs("resolution_57", subframe="political_will")
    with_68 = ctx.theme_docs("companion_resolutions", subframe="resolution_68", docs=docs)
    kinds = ctx.units.set_index("doc_id").loc[docs, "kind"].tolist() if docs else []
    return len(docs) == 1 and kinds == ["related"] and with_68 == docs, {
        "political_will": docs, "kinds": kinds, "with_resolution_68": with_68}


# ---------------------------------------------------------------------------------------------
# 08 · Vietnam-Laos cooperation
# ---------------------------------------------------------------------------------------------

def _component(ctx, name: str, period: str) -> int:
    theme, subframes = ctx.study.components[name]
    docs = ctx.laos_articles[ctx.laos_articles == period].index
    return len(ctx.theme(theme, subframe=subframes, docs=docs))


@finding("08-1", "the Vietnam-Laos sub-corpus holds three articles, two from 2016 and one from 2025")
def _08_1(ctx):
    counts = ctx.laos_articles.value_counts().to_dict()
    return counts == {"2016": 2, "2025": 1}, {"laos_articles_by_period": counts}


@finding("08-2", "four related items name Laos, three in their headline and one in its lead only")
def _08_2(ctx):
    related = ctx.related[ctx.related["doc_id"].isin(ctx.laos_docs)]
    in_title = related["title"].str.contains(ctx.study.cooperation_pattern, regex=True)
    return len(related) == 4 and int(in_title.sum()) == 3, {
        "related_items": len(related), "named_in_headline": int(in_title.sum())}


@finding("08-3", "cybersecurity and training run through both periods")
def _08_3(ctx):
    counts = {(c, p): _component(ctx, c, p) for c in ("cybersecurity", "training and human resources")
              for p in ("2016", "2025")}
    return all(counts.values()), {"matches": {f"{c} {p}": n for (c, p), n in counts.items()}}


@finding("08-4", "e-government is a 2016 request; the 2025 article does not use the word")
def _08_4(ctx):
    n16, n25 = _component(ctx, "e-government", "2016"), _component(ctx, "e-government", "2025")
    return n16 > 0 and n25 == 0, {"2016": n16, "2025": n25}


@finding("08-5", "population data and data infrastructure are new in 2025: the 2016 articles contain no data "
                 "vocabulary beyond the satellite and telecommunications")
def _08_5(ctx):
    docs_2016 = ctx.laos_articles[ctx.laos_articles == "2016"].index
    frames_2016 = set(ctx.theme("data_infrastructure", docs=docs_2016)["subframe"])
    population_2025 = _component(ctx, "population data", "2025")
    return frames_2016 <= {"telecom", "satellite"} and population_2025 > 0, {
        "subframes_2016": sorted(frames_2016), "population_data_2025": population_2025}


@finding("08-6", "press and information belong to 2016 only")
def _08_6(ctx):
    n16, n25 = (_component(ctx, "press and information", p) for p in ("2016", "2025"))
    return n16 > 0 and n25 == 0, {"2016": n16, "2025": n25}


@finding("08-7", "AI appears in 2025 only")
def _08_7(ctx):
    n16, n25 = (_component(ctx, "artificial intelligence", p) for p in ("2016", "2025"))
    return n16 == 0 and n25 > 0, {"2016": n16, "2025": n25}


@finding("08-8", "the related items carry one match of the cooperation themes, of press and information")
def _08_8(ctx):
    m = ctx.matches[ctx.matches["doc_id"].isin(ctx.laos_docs) & ctx.matches["kind"].eq("related")
                    & ctx.matches["theme"].isin(ctx.study.focus_themes("cooperation"))]
    return len(m) == 1 and m["theme"].eq("press_information").all(), {"matches": m["theme"].value_counts().to_dict()}


@finding("08-9", "in 2016 only the Lao side speaks of cybersecurity; in 2025 both sides do")
def _08_9(ctx):
    from analysis import evidence, speakers

    rows = ctx.paragraphs[ctx.paragraphs["doc_id"].isin(ctx.laos_articles.index)]
    speech = speakers.attribute_speech(rows)
    if speech.empty:
        return False, {"attributed_sentences": 0}
    table = evidence.themes_by_speaker(speech, by=["doc_id", "country"], themes=["cybersecurity"],
                                       codebook=ctx.codebook)
    table["period"] = table["doc_id"].map(ctx.laos_articles)
    by_period = table[table["cybersecurity"] > 0].groupby("period")["country"].agg(lambda c: sorted(set(c))).to_dict()
    return by_period == {"2016": ["Laos"], "2025": ["Laos", "Vietnam"]}, {"countries_by_period": by_period}
