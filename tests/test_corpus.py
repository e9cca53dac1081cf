"""Tests of the page-aware corpus loader (analysis.corpus).

Seed-corpus tests read the frozen copy of the five seed pages (``SEED_RAW``, ``SEED_METADATA``;
fixtures ``seed_raw``, ``seed_metadata``), never ``data/raw``. New page patterns are tested in
``tests/test_pages.py``.
"""
import shutil
import warnings

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import corpus
from analysis.corpus import CorpusError, CorpusWarning
from analysis.paths import RAW, SEED_METADATA, SEED_RAW
from analysis.text import count_words

SEED_FILES = sorted(p.name for p in SEED_RAW.glob("*.txt"))
NON_BODY_ROLES = {"caption", "caption_repeat", "teaser_caption", "teaser_caption_repeat", "teaser_title",
                  "teaser_title_repeat", "teaser_lead", "link", "signoff", "source", "image_file"}


@pytest.fixture(scope="module")
def units(seed_raw, seed_metadata):
    with warnings.catch_warnings():
        warnings.simplefilter("error", CorpusWarning)  # the seed corpus loads without any warning
        return corpus.load_corpus(seed_raw, seed_metadata)


def page_text(name):
    return corpus.decode_page((SEED_RAW / name).read_bytes())[0]


# ---------------------------------------------------------------------------------------------
# The seed corpus
# ---------------------------------------------------------------------------------------------

def test_seed_corpus_five_articles_with_titles_and_dates(units):
    articles = units[units.kind == "article"].set_index("source_file")
    assert list(articles.index) == SEED_FILES
    expected = {
        "000_1a05a85f63068217.txt": ("Le Laos souhaite coopérer avec le Vietnam dans la cybersécurité", "2016-10-31"),
        "001_850b8497c3c40278.txt": ("Vietnam - Laos : élargir la coopération en technologie, données et "
                                     "transformation numérique", "2025-11-25"),
        "002_2c011ea8c1d02bdc.txt": ("Vietnam-Laos : renforcement de la coopération dans l'information et la "
                                     "communication", "2016-11-02"),
        "003_820e157e04b203e2.txt": ("Le leader appelle à hisser le pays dans le trio de tête d’Asie du Sud-Est "
                                     "pour la technologie numérique", "2025-01-15"),
        "004_f5bc68af38e55537.txt": ("Le Premier ministre souhaite que l’Estonie partage son expérience numérique",
                                     "2025-06-06"),
    }
    for name, (title, date) in expected.items():
        assert articles.at[name, "title"] == title
        assert articles.at[name, "date"] == pd.Timestamp(date)
    # 001 states its date in the page; the others take it from the metadata table
    assert articles.at["001_850b8497c3c40278.txt", "date_source"] == "page"
    assert set(articles.drop(index="001_850b8497c3c40278.txt").date_source) == {"metadata"}
    assert articles.dateline.to_dict() == {
        "000_1a05a85f63068217.txt": "Vientiane", "001_850b8497c3c40278.txt": "",
        "002_2c011ea8c1d02bdc.txt": "Vientiane", "003_820e157e04b203e2.txt": "Hanoi",
        "004_f5bc68af38e55537.txt": "Tallinn"}


def test_seed_corpus_stated_date_agrees_with_metadata_table(seed_metadata):
    table, problems = corpus.load_metadata(seed_metadata)
    assert problems == []
    assert sorted(table.index) == SEED_FILES
    for name in SEED_FILES:
        page = corpus.parse_page(page_text(name))
        if page.date:
            assert table.at[name, "date"].strftime("%Y-%m-%d") == page.date
            assert table.at[name, "date_source"] == "stated"
        else:
            assert table.at[name, "date_source"] == "inferred"


@pytest.mark.parametrize("name", SEED_FILES)
def test_seed_corpus_no_caption_signoff_teaser_or_link_text_in_article(units, name):
    article = units[(units.kind == "article") & (units.source_file == name)].iloc[0]
    text = article.text
    assert "Photo" not in text and "ảnh 1" not in text and "Voir plus" not in text
    assert not text.rstrip().endswith(("VNA", "CVN")), "sign-off left in the body"
    roles = corpus.page_roles(page_text(name))
    for role, piece in zip(roles.role, roles.text):
        if role in NON_BODY_ROLES and count_words(piece) >= 3:
            assert piece not in text, f"{role} text inside the article of {name}: {piece[:60]!r}"
        elif role in NON_BODY_ROLES:  # short pieces (source, sign-offs): never a paragraph or its tail
            assert all(p != piece and not p.endswith(piece) for p in text.split("\n\n")), (role, piece)
    # every teaser of this page is a separate related unit
    related = units[(units.kind == "related") & units.source_files.str.contains(name, regex=False)]
    teaser_titles = roles.text[roles.role.isin(["teaser_title", "link"])].str.removeprefix(">> ").tolist()
    assert sorted(teaser_titles) == sorted(related.title)


def test_seed_corpus_named_leaks_do_not_happen(units):
    art = units[units.kind == "article"].set_index("source_file").text
    estonia, laos_2016 = art["004_f5bc68af38e55537.txt"], art["000_1a05a85f63068217.txt"]
    assert "Qualcomm" not in estonia and "Google" not in estonia
    assert "Au Lac" not in laos_2016 and "IA" not in laos_2016.split()
    assert "Estonie" in estonia and "Laosat" in laos_2016  # ...while the articles themselves are there


def test_seed_corpus_recurring_teasers_are_one_unit_each(units):
    related = units[units.kind == "related"]
    assert related.doc_id.is_unique and related.title.map(corpus._key).is_unique
    recurring = related[related.n_pages > 1]
    # five of the six teasers of page 000 also stand on page 003 (corpus README)
    assert len(recurring) == 5
    assert set(recurring.source_files) == {"000_1a05a85f63068217.txt;003_820e157e04b203e2.txt"}
    assert set(recurring.parent_id) == {"000_1a05a85f63068217"}
    au_lac = related[related.title.str.contains("Au Lac")]
    assert len(au_lac) == 1 and au_lac.n_pages.iloc[0] == 2
    # teasers are undated; links have a title and no text
    assert related.date.isna().all() and set(related.date_source) == {"undated"}
    links = related[related.related_type == "link"]
    assert len(links) == 3 and (links.text == "").all() and (links.parent_id == "001_850b8497c3c40278").all()


def test_seed_corpus_page_roles_keep_every_word_once():
    for name in SEED_FILES:
        text = page_text(name)
        assert corpus.page_roles(text).n_words.sum() == count_words(text), name


def test_seed_corpus_standfirst_kept_once(units):
    art = units[units.kind == "article"].set_index("source_file")
    # 002: standfirst repeated verbatim as the dateline paragraph -> once in the text
    text = art.at["002_2c011ea8c1d02bdc.txt", "text"]
    lead = art.at["002_2c011ea8c1d02bdc.txt", "lead"]
    assert lead.startswith("Le vice-Premier ministre laotien") and text.count(lead) == 1
    assert not text.startswith("Vientiane")  # the dateline went to its column
    # 000 and 003: the dateline paragraph restates the standfirst with small edits -> once
    for name in ["000_1a05a85f63068217.txt", "003_820e157e04b203e2.txt"]:
        lead, text = art.at[name, "lead"], art.at[name, "text"]
        assert lead and lead not in text
        assert corpus.parse_page(page_text(name)).lead_repeated
    # 001: a standfirst with no repeat is the first paragraph of the text
    assert art.at["001_850b8497c3c40278.txt", "text"].startswith(art.at["001_850b8497c3c40278.txt", "lead"])


def test_repeat_rule():
    assert corpus._repeats("Le ministre a reçu la délégation lundi.",
                           "Le ministre vietnamien a reçu lundi la délégation laotienne.")
    assert not corpus._repeats("Le ministre a reçu la délégation lundi.",
                               "La coopération numérique progresse entre les deux pays.")


def test_seed_corpus_paragraphs(units):
    paras = corpus.paragraphs(units)
    for unit in units.itertuples():
        rows = paras[paras.doc_id == unit.doc_id]
        assert list(rows.para_id) == list(range(len(rows)))
        assert "\n\n".join(rows.text) == unit.text
        assert rows.n_words.sum() == unit.n_words
    assert set(paras.part) == {"body", "lead"}
    with_titles = corpus.paragraphs(units, include_titles=True)
    assert len(with_titles) == len(paras) + (units.title != "").sum()


def test_raw_data_is_pinned():
    problems = corpus.verify_checksums(RAW)
    assert problems == [], "\n".join(problems)


def test_checksum_check_catches_changes_and_unpinned_files(tmp_path):
    for name in SEED_FILES[:2]:
        shutil.copy(SEED_RAW / name, tmp_path / name)
    corpus.write_checksums(tmp_path)
    assert corpus.verify_checksums(tmp_path) == []
    (tmp_path / SEED_FILES[0]).write_bytes((SEED_RAW / SEED_FILES[0]).read_bytes() + b" ")
    (tmp_path / "new.txt").write_text("Titre\n\nTexte.", encoding="utf-8")
    problems = corpus.verify_checksums(tmp_path)
    assert len(problems) == 2
    assert SEED_FILES[0] in problems[0] and "differ" in problems[0]
    assert "new.txt" in problems[1] and "not pinned" in problems[1] and "make pin" in problems[1]


# ---------------------------------------------------------------------------------------------
# Parsing rules on small synthetic pages
# ---------------------------------------------------------------------------------------------

PAGE = """Titre de l’article
Titre de l’article

Le ministre a reçu la délégation lundi.
Titre de l’article ảnh 1 Le ministre (droite) et
(gauche) la délégation. Photo : VNA

Hanoi, 3 mars (VNA) – Le ministre a reçu la délégation lundi.

>> Un autre article lié

Deuxième paragraphe du corps.

tt2-060625.jpg
Le ministre écoute. Photo d'illustration

Dernier paragraphe du corps.-VNA

source

Voir plus

Légende. Photo : VNA/CVN

Titre du premier teaser

Premier teaser : son chapeau se termine ici.

Titre du second teaser
Titre du second teaser

Le chapeau du second teaser.
"""


def test_parse_page_rules():
    page = corpus.parse_page(PAGE)
    assert page.title == "Titre de l’article"
    assert page.lead == "Le ministre a reçu la délégation lundi." and page.lead_repeated
    assert page.dateline == "Hanoi"
    assert page.body == ["Le ministre a reçu la délégation lundi.", "Deuxième paragraphe du corps.",
                         "Dernier paragraphe du corps."]
    assert page.signoff == "-VNA"
    assert len(page.captions) == 2 and page.captions[0].endswith("la délégation. Photo : VNA")
    assert [(t.title, t.lead, t.link) for t in page.teasers] == [
        ("Un autre article lié", "", True),
        ("Titre du premier teaser", "Premier teaser : son chapeau se termine ici.", False),
        ("Titre du second teaser", "Le chapeau du second teaser.", False),
    ]
    assert page.teasers[1].caption == "Légende. Photo : VNA/CVN"
    assert sum(count_words(t) for _, t in page.roles) == count_words(PAGE)


@pytest.mark.parametrize("ending, signoff", [
    ("Laosat. -NDEL/VNA", "-NDEL/VNA"), ("PPRL. - VNA", "- VNA"), ("fin. – VNA", "– VNA"),
    ("fin.-VNA", "-VNA"), ("fin. –VOV/VNA", "–VOV/VNA"),
])
def test_signoff_tails(ending, signoff):
    page = corpus.parse_page(f"Titre\n\nPremier paragraphe.\n\nCorps {ending}")
    assert page.signoff == signoff and page.body[-1].endswith(ending[: -len(signoff)].rstrip())


@pytest.mark.parametrize("line", ["VNA/CVN", "CVN", "–VOV/VNA", "- VNA"])
def test_signoff_lines(line):
    page = corpus.parse_page(f"Titre\n\nCorps du texte.\n\n{line}")
    assert page.body == ["Corps du texte."] and ("signoff", line) in page.roles


@pytest.mark.parametrize("header, date, precision, section, title", [
    (" date 2025-11-25 Vietnam - Laos : titre", "2025-11-25", "day", "", "Vietnam - Laos : titre"),
    (" date 2025-01\nUn titre", "2025-01", "month", "", "Un titre"),
    (" date 2025-10-22 Société\nLe vrai titre", "2025-10-22", "day", "Société", "Le vrai titre"),
    ("22/10/2025 14:35\nLe vrai titre", "2025-10-22", "day", "", "Le vrai titre"),
])
def test_date_headers(header, date, precision, section, title):
    page = corpus.parse_page(header + "\n\nCorps du texte.")
    assert (page.date, page.date_precision, page.section, page.title) == (date, precision, section, title)
    assert page.body == ["Corps du texte."]


def test_month_only_date_reaches_units(tmp_path):
    (tmp_path / "a.txt").write_text(" date 2025-01 Titre\n\nCorps.", encoding="utf-8")
    units = corpus.load_corpus(tmp_path, metadata=None)
    row = units.iloc[0]
    assert row.date == pd.Timestamp("2025-01-01") and row.date_precision == "month"
    assert row.date_source == "page" and row.title == "Titre"


def test_teaser_matching_normalizes_whitespace_and_apostrophes(tmp_path):
    teaser_a = "Voir plus\n\nL’IA  souveraine du Vietnam\n\nUn chapeau."
    teaser_b = "Voir plus\n\nL'IA souveraine du Vietnam\n\nUn chapeau."
    (tmp_path / "a.txt").write_text(" date 2025-01-02 Titre A\n\nCorps A.\n\n" + teaser_a, encoding="utf-8")
    (tmp_path / "b.txt").write_text(" date 2025-01-03 Titre B\n\nCorps B.\n\n" + teaser_b, encoding="utf-8")
    units = corpus.load_corpus(tmp_path, metadata=None)
    related = units[units.kind == "related"]
    assert len(related) == 1 and related.n_pages.iloc[0] == 2 and related.parent_id.iloc[0] == "a"


def test_teaser_that_is_an_article_of_the_corpus_is_flagged(tmp_path):
    (tmp_path / "a.txt").write_text(" date 2025-01-02 Titre A\n\nCorps A.\n\nVoir plus\n\nTitre B\n\nChapeau B.",
                                    encoding="utf-8")
    (tmp_path / "b.txt").write_text(" date 2025-01-03 Titre B\n\nCorps B.", encoding="utf-8")
    units = corpus.load_corpus(tmp_path, metadata=None)
    assert units.set_index("title").at["Titre B", "same_as"].tolist() == ["", "b"]


# ---------------------------------------------------------------------------------------------
# Awkward input: one fixture file per case, written here
# ---------------------------------------------------------------------------------------------

GOOD = " date 2025-03-04\nTitre du bon article\n\nCorps du bon article.\n"


def _load(tmp_path, **kwargs):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        units = corpus.load_corpus(tmp_path, metadata=None, **kwargs)
    messages = [str(w.message) for w in caught if issubclass(w.category, CorpusWarning)]
    return units, messages, corpus.load_report(tmp_path, metadata=None).set_index("file")


def test_only_txt_files_are_pages(tmp_path):
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "notes.md").write_text("# not a page", encoding="utf-8")
    units, messages, report = _load(tmp_path)
    assert report.at["notes.md", "status"] == "ignored" and len(units) == 1
    assert len(messages) == 1 and "notes.md" in messages[0]


def test_utf8_bom_and_crlf(tmp_path):
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf" + " date 2025-03-04\r\nTitre é\r\n\r\nCorps à lire.\r\n".encode("utf-8"))
    units, messages, report = _load(tmp_path)
    assert messages == [] and report.at["bom.txt", "status"] == "ok"
    assert units.title.tolist() == ["Titre é"] and units.text.tolist() == ["Corps à lire."]


def test_utf16_with_bom(tmp_path):
    (tmp_path / "u16.txt").write_bytes((" date 2025-03-04\nTitre UTF-16\n\nCorps accentué.").encode("utf-16"))
    units, messages, report = _load(tmp_path)
    assert messages == [] and units.text.tolist() == ["Corps accentué."]
    assert "utf-16" in report.at["u16.txt", "message"]


def test_cp1252_fallback_warns_naming_the_file(tmp_path):
    (tmp_path / "latin.txt").write_bytes(" date 2025-03-04\nTitre\n\nLa coopération numérique.".encode("cp1252"))
    units, messages, report = _load(tmp_path)
    assert units.text.tolist() == ["La coopération numérique."]
    assert report.at["latin.txt", "status"] == "warning" and report.at["latin.txt", "quality"] == "encoding_fallback"
    assert len(messages) == 1 and "latin.txt" in messages[0] and "cp1252" in messages[0]


def test_binary_junk_is_undecodable(tmp_path):
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "junk.txt").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "zeros.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 64)
    units, messages, report = _load(tmp_path)
    assert report.at["junk.txt", "status"] == "undecodable"
    assert report.at["zeros.txt", "status"] == "undecodable"
    assert units.source_file.tolist() == ["good.txt"]  # the rest still loads
    assert len(messages) == 2 and any("junk.txt" in m for m in messages) and any("zeros.txt" in m for m in messages)


@pytest.mark.parametrize("content", [b"", b"   \n\n\t \r\n"])
def test_empty_or_blank_file(tmp_path, content):
    (tmp_path / "good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "blank.txt").write_bytes(content)
    units, messages, report = _load(tmp_path)
    assert report.at["blank.txt", "status"] == "empty" and len(units) == 1
    assert len(messages) == 1 and "blank.txt" in messages[0]


def test_exact_duplicate_loaded_once(tmp_path):
    shutil.copy(SEED_RAW / SEED_FILES[1], tmp_path / "a.txt")
    shutil.copy(SEED_RAW / SEED_FILES[1], tmp_path / "b.txt")
    units, messages, report = _load(tmp_path)
    assert report.at["b.txt", "status"] == "duplicate" and "a.txt" in report.at["b.txt", "message"]
    assert (units.kind == "article").sum() == 1 and (units.n_pages == 1).all()
    assert len(messages) == 1 and "b.txt" in messages[0]


def test_raise_mode_names_the_first_bad_file(tmp_path):
    (tmp_path / "a_good.txt").write_text(GOOD, encoding="utf-8")
    (tmp_path / "b_empty.txt").write_bytes(b"")
    (tmp_path / "c_junk.txt").write_bytes(b"\x00\x01\x02")
    with pytest.raises(CorpusError, match="b_empty.txt"):
        corpus.load_corpus(tmp_path, metadata=None, on_error="raise")


def test_report_counts_units_per_file(tmp_path):
    for name in SEED_FILES:
        shutil.copy(SEED_RAW / name, tmp_path / name)
    report = corpus.load_report(tmp_path, metadata=SEED_METADATA)
    units = corpus.load_corpus(tmp_path, metadata=SEED_METADATA)
    # nothing lost: every page's units are in the table; nothing double counted: recurring merged
    assert report.n_units.sum() == len(units) + (units.n_pages - 1).sum()


def test_metadata_problems_are_reported(tmp_path):
    (tmp_path / "a.txt").write_text("Titre du bon article\n\nCorps du bon article.\n", encoding="utf-8")
    meta = tmp_path / "meta.csv"
    meta.write_text("file,outlet,url,date,date_precision,date_source,evidence\n"
                    "a.txt,X,,2025-02-30,day,inferred,bad day\nmissing.txt,X,,2025-01-01,day,stated,\n",
                    encoding="utf-8")
    with pytest.warns(CorpusWarning) as caught:
        units = corpus.load_corpus(tmp_path, metadata=meta)
    messages = " | ".join(str(w.message) for w in caught)
    assert "2025-02-30" in messages and "missing.txt" in messages
    assert units.date.isna().all() and units.date_source.tolist() == ["unknown"]
    (tmp_path / "bad.csv").write_text("file,date\na.txt,2025-01-01\n", encoding="utf-8")
    with pytest.raises(CorpusError, match="bad.csv.*outlet"):
        corpus.load_corpus(tmp_path, metadata=tmp_path / "bad.csv")


def test_page_date_wins_over_metadata_with_a_warning(tmp_path):
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text(" date 2025-03-01 Titre\n\nCorps.", encoding="utf-8")
    meta = tmp_path / "meta.csv"
    meta.write_text("file,outlet,url,date,date_precision,date_source,evidence\n"
                    "a.txt,X,,2025-03-02,day,inferred,\n", encoding="utf-8")
    with pytest.warns(CorpusWarning, match="a.txt.*2025-03-01.*2025-03-02"):
        units = corpus.load_corpus(raw, metadata=meta)
    assert units.date.iloc[0] == pd.Timestamp("2025-03-01") and units.date_source.iloc[0] == "page"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(contents=st.lists(st.one_of(st.binary(max_size=300), st.text(max_size=300).map(str.encode)),
                         min_size=1, max_size=4),
       mode=st.sampled_from(["warn", "raise"]))
def test_arbitrary_files_never_break_the_loader(tmp_path_factory, contents, mode):
    folder = tmp_path_factory.mktemp("fuzz")
    for i, data in enumerate(contents):
        (folder / f"{i}.txt").write_bytes(data)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CorpusWarning)
            units = corpus.load_corpus(folder, metadata=None, on_error=mode)
    except CorpusError:
        assert mode == "raise"
        return
    report = corpus.load_report(folder, metadata=None)
    loaded = report[report.status.isin(["ok", "warning"])]
    assert (units.kind == "article").sum() == len(loaded)
    assert set(report.status) <= set(corpus.STATUSES)
