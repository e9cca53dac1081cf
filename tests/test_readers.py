"""Readers: every format comes out as the same units table; nothing lost, nothing counted twice."""
import csv
import datetime as dt
import inspect
import io
import json
import tempfile
import warnings
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import corpus
from analysis.errors import CorpusError, CorpusWarning
from analysis.readers import READERS, load_source, read_html, read_iramuteq, read_table
from analysis.readers.base import READER_COLUMNS
from analysis.text import count_words, tokenize_series
from analysis.themes import count_themes

TEXTS = [
    "Hanoi (VNA) - Le gouvernement a adopté un plan national de transformation numérique pour les "
    "services publics, conformément à la Résolution 57-NQ/TW.",
    "Le ministère de la Sécurité publique a présenté, mardi, le projet de loi sur la cybersécurité; "
    "les entreprises du numérique ont été consultées.",
    "Selon le vice-ministre, l'intelligence artificielle et les centres de données sont au cœur de la "
    "stratégie d'économie numérique du pays.",
]


def units_text_set(units):
    return sorted(units.text)


def check_report(units, records, dropped):
    report = units.attrs["report"]
    assert report["records"] == records
    assert report["dropped"] == dropped
    assert report["loaded"] == len(units) == records - sum(dropped.values())


def check_columns(units):
    seed = corpus.UNIT_COLUMNS
    assert list(units.columns[: len(seed) + len(READER_COLUMNS)]) == seed + READER_COLUMNS
    assert str(units["date"].dtype) == "datetime64[us]"
    assert str(units["n_words"].dtype) == "int64" and str(units["n_pages"].dtype) == "int64"
    assert str(units["source_row"].dtype) == "Int64"
    assert set(units.kind) <= {"article"} and (units.n_pages == 1).all()
    assert (units.parent_id == "").all() and (units.related_type == "").all() and (units.same_as == "").all()


# --------------------------------------------------------------------------------------------
# CSV / TSV
# --------------------------------------------------------------------------------------------


@pytest.fixture
def messy_csv(tmp_path):
    """Header, 3 good rows (one with a two-line text), a repeated header, a duplicate, an empty text."""
    path = tmp_path / "articles.csv"
    rows = [
        ["title", "text", "date", "outlet", "rubrique"],
        ["Plan numérique", TEXTS[0], "2025-01-15", "Vietnam+ (VNA)", "Politique"],   # line 2
        ["title", "text", "date", "outlet", "rubrique"],                             # line 3: header again
        ["Loi sur la cybersécurité", TEXTS[1] + "\n\nDeuxième paragraphe.", "2025-06", "CVN", "Société"],  # 4-6
        ["Plan numérique", TEXTS[0], "2025-01-15", "Vietnam+ (VNA)", "Politique"],   # line 7: duplicate of 2
        ["Sans texte", "   ", "2025", "CVN", "Société"],                              # line 8: empty text
        ["", TEXTS[2], "2016", "CVN", "Économie"],                                    # line 9
    ]
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows(rows)
    return path


def test_csv_reports_repeated_header_duplicate_and_empty_text(messy_csv):
    with pytest.warns(CorpusWarning) as record:
        units = read_table(messy_csv)
    messages = [str(w.message) for w in record]
    assert any(m.startswith("articles.csv line 3:") and "header" in m for m in messages)
    assert any(m.startswith("articles.csv line 7:") and "duplicate of line 2" in m for m in messages)
    assert any(m.startswith("articles.csv line 8:") and "empty text" in m for m in messages)
    check_report(units, 6, {"repeated_header": 1, "duplicate": 1, "empty_text": 1})
    check_columns(units)
    assert units.text.tolist() == [TEXTS[0], TEXTS[1] + "\n\nDeuxième paragraphe.", TEXTS[2]]
    assert units.source_row.tolist() == [2, 4, 9]
    assert units.doc_id.tolist() == ["articles_2", "articles_4", "articles_9"]
    assert units.title_source.tolist() == ["column", "column", "missing"]
    assert units.date.tolist() == [pd.Timestamp("2025-01-15"), pd.Timestamp("2025-06-01"), pd.Timestamp("2016-01-01")]
    assert units.date_precision.tolist() == ["day", "month", "year"]
    assert units.date_source.tolist() == ["metadata"] * 3
    assert units.outlet.tolist() == ["Vietnam+ (VNA)", "CVN", "CVN"]  # fills the standard column
    assert units.rubrique.tolist() == ["Politique", "Société", "Économie"]  # kept as metadata
    assert units.n_words.tolist() == [count_words(t) for t in units.text]


def test_csv_raise_mode_stops_at_the_first_bad_row(messy_csv):
    with pytest.raises(CorpusError, match=r"articles\.csv line 3: .*header"):
        read_table(messy_csv, on_error="raise")


def test_missing_mapped_column_names_file_column_and_columns_present(messy_csv):
    with pytest.raises(CorpusError, match=r"articles\.csv: no column 'body' \(given as text=\); columns present: "
                                          r"'title', 'text', 'date', 'outlet', 'rubrique'"):
        read_table(messy_csv, text="body")
    with pytest.raises(CorpusError, match=r"no column 'published' \(given as date=\)"):
        read_table(messy_csv, date="published")


def test_tsv_in_cp1252_is_decoded_with_a_warning(tmp_path):
    path = tmp_path / "corpus.tsv"
    lines = ["id\ttexte\tdate", f"a1\t{TEXTS[1]}\t2025-06-10", f"a2\t{TEXTS[2]}\t2025-06-11"]
    path.write_bytes("\n".join(lines).encode("cp1252"))
    with pytest.warns(CorpusWarning, match=r"corpus\.tsv: decoded with cp1252 fallback"):
        units = read_table(path, text="texte", id="id")
    assert units.text.tolist() == TEXTS[1:] and units.doc_id.tolist() == ["a1", "a2"]
    assert "Sécurité" in units.text[0]
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        stated = read_table(path, text="texte", id="id", encoding="cp1252")
    assert stated.text.tolist() == units.text.tolist()


def test_semicolon_csv_with_bom_is_sniffed(tmp_path):
    path = tmp_path / "export.csv"
    body = "titre;text\n" + "".join(f'"Titre {k}";"{t}"\n' for k, t in enumerate(TEXTS))
    path.write_bytes(b"\xef\xbb\xbf" + body.encode("utf-8"))
    units = read_table(path, title="titre")
    assert units.text.tolist() == TEXTS and units.title.tolist() == ["Titre 0", "Titre 1", "Titre 2"]


def test_utf16_csv_and_a_one_column_csv(tmp_path):
    path = tmp_path / "utf16.csv"
    path.write_bytes(("text,outlet\n" + "".join(f'"{t}",CVN\n' for t in TEXTS)).encode("utf-16"))
    assert read_table(path).text.tolist() == TEXTS
    single = tmp_path / "single.csv"
    single.write_text("text\n" + "".join(f'"{t}"\n' for t in TEXTS) + "Sans guillemets, donc deux champs\n",
                      encoding="utf-8")
    with pytest.warns(CorpusWarning, match=r"single\.csv line 5: 2 fields for 1 columns"):
        units = read_table(single)
    assert units.text.tolist() == TEXTS  # the unquoted comma is reported, never split silently


def test_blank_headed_column_is_kept_not_lost(tmp_path):
    path = tmp_path / "pandas_export.csv"
    pd.DataFrame({"text": TEXTS[:2]}).to_csv(path)  # the index is written under a blank header
    units = read_table(path)
    assert units.unnamed_1.tolist() == ["0", "1"] and units.text.tolist() == TEXTS[:2]


def test_ids_must_be_unique_and_bad_dates_are_kept_undated(tmp_path):
    path = tmp_path / "ids.csv"
    path.write_text("id,text,date\nx1,premier texte sur le numérique,28/11/2026\n"
                    "x1,second texte sur le numérique,2025-11-28\nx2,troisième texte,2025-11\n", encoding="utf-8")
    with pytest.warns(CorpusWarning) as record:
        units = read_table(path, id="id")
    messages = [str(w.message) for w in record]
    assert any(m.startswith("ids.csv line 2:") and "'28/11/2026'" in m and "YYYY-MM-DD" in m for m in messages)
    assert any(m.startswith("ids.csv line 3:") and "'x1' already used on line 2" in m for m in messages)
    check_report(units, 3, {"bad_id": 1})
    assert units.attrs["report"]["flagged"] == {"bad_date": 1}
    assert units.doc_id.tolist() == ["x1", "x2"]
    assert pd.isna(units.date[0]) and units.date_source[0] == "unknown"
    assert units.date[1] == pd.Timestamp("2025-11-01") and units.date_precision[1] == "month"


def test_extra_field_row_is_dropped_and_reported(tmp_path):
    path = tmp_path / "extra.csv"
    path.write_text(f"text,outlet\n\"{TEXTS[0]}\",CVN\n{TEXTS[2].replace(',', '')},CVN,de trop\n", encoding="utf-8")
    with pytest.warns(CorpusWarning, match=r"extra\.csv line 3: 3 fields for 2 columns"):
        units = read_table(path)
    check_report(units, 2, {"malformed": 1})


# --------------------------------------------------------------------------------------------
# JSON Lines, Excel, Parquet, DataFrame
# --------------------------------------------------------------------------------------------


def test_jsonl_with_a_broken_line_loads_the_rest(tmp_path):
    path = tmp_path / "scrape.jsonl"
    lines = [json.dumps({"url": "https://fr.vietnamplus.vn/a", "text": TEXTS[0], "date": "2025-01-15"}, ensure_ascii=False),
             "",
             '{"url": "https://fr.vietnamplus.vn/b", "text": "coupé',
             json.dumps({"url": "https://fr.vietnamplus.vn/c", "text": TEXTS[2], "tags": ["IA", "données"]},
                        ensure_ascii=False),
             "[1, 2]"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.warns(CorpusWarning) as record:
        units = read_table(path)
    messages = [str(w.message) for w in record]
    assert any(m.startswith("scrape.jsonl line 3:") and "not valid JSON" in m for m in messages)
    assert any(m.startswith("scrape.jsonl line 5:") and "not an object" in m for m in messages)
    check_report(units, 4, {"malformed": 2})
    check_columns(units)
    assert units.text.tolist() == [TEXTS[0], TEXTS[2]] and units.source_row.tolist() == [1, 4]
    assert units.url.tolist() == ["https://fr.vietnamplus.vn/a", "https://fr.vietnamplus.vn/c"]
    assert json.loads(units.tags[1]) == ["IA", "données"] and units.tags[0] == ""


def test_excel_rows_are_sheet_rows_and_date_cells_are_days(tmp_path):
    from openpyxl import Workbook

    path = tmp_path / "veille.xlsx"
    book = Workbook()
    sheet = book.active
    sheet.append(["Titre", "Texte", "Date", "Source"])
    sheet.append(["Plan numérique", TEXTS[0], dt.datetime(2025, 1, 15), "VNA"])
    sheet.append([None, None, None, None])
    sheet.append(["Loi", TEXTS[1], "2025-06", "CVN"])
    sheet.append(["Vide", "", "2025", "CVN"])
    sheet.append(["Plan numérique", TEXTS[0], dt.datetime(2025, 1, 15), "VNA"])
    book.save(path)
    with pytest.warns(CorpusWarning) as record:
        units = read_table(path, text="Texte", title="Titre", date="Date")
    messages = [str(w.message) for w in record]
    assert any(m.startswith("veille.xlsx row 5:") and "empty text" in m for m in messages)
    assert any(m.startswith("veille.xlsx row 6:") and "duplicate of row 2" in m for m in messages)
    check_report(units, 4, {"empty_text": 1, "duplicate": 1})
    check_columns(units)
    assert units.source_row.tolist() == [2, 4]
    assert units.date.tolist() == [pd.Timestamp("2025-01-15"), pd.Timestamp("2025-06-01")]
    assert units.Source.tolist() == ["VNA", "CVN"]


def test_parquet_round_trip_keeps_every_row(tmp_path):
    path = tmp_path / "corpus.parquet"
    frame = pd.DataFrame({"doc": ["d1", "d2", "d3"], "text": TEXTS, "annee": [2016, 2025, 2025]})
    frame.to_parquet(path)
    units = read_table(path, id="doc")
    check_report(units, 3, {})
    assert units.doc_id.tolist() == ["d1", "d2", "d3"] and units.text.tolist() == TEXTS
    assert units.annee.tolist() == ["2016", "2025", "2025"] and units.source_row.tolist() == [1, 2, 3]


def test_dataframe_source_through_load_source():
    frame = pd.DataFrame({"text": TEXTS + [TEXTS[0]], "kind": ["a", "b", "c", "a"]})
    with pytest.warns(CorpusWarning, match=r"<DataFrame> row 3: exact duplicate of row 0"):
        units = load_source(frame)
    check_report(units, 4, {"duplicate": 1})
    assert (units.source_file == "<DataFrame>").all() and units.source_row.tolist() == [0, 1, 2]
    assert units.meta_kind.tolist() == ["a", "b", "c"] and (units.kind == "article").all()


# --------------------------------------------------------------------------------------------
# IRaMuTeQ
# --------------------------------------------------------------------------------------------


def test_iramuteq_corpus_with_variables_thematics_and_a_bad_star_line(tmp_path):
    path = tmp_path / "corpus_iramuteq.txt"
    path.write_text(
        "**** *journal_vietnamplus *annee_2016 *theme_cyber\n"          # 1
        "Le Laos souhaite coopérer avec le Vietnam dans la cybersécurité.\n"
        "-*accord\n"
        "Les deux ministres ont signé un protocole d'entente.\n"
        "\n"
        "**** *journal_courrier *annee_2025 theme_forum\n"               # 6: malformed variable
        "Le forum national des entreprises numériques s'est ouvert à Hanoi.\n"
        "**** *journal_vietnamplus *annee_2025-06 *theme_ia\n"           # 8
        "L'intelligence artificielle au service de l'administration publique.\n"
        "****\n",                                                        # 10: no text
        encoding="utf-8")
    with pytest.warns(CorpusWarning) as record:
        units = read_iramuteq(path, date="annee")
    messages = [str(w.message) for w in record]
    assert any(m.startswith("corpus_iramuteq.txt line 6:") and "'theme_forum'" in m for m in messages)
    assert any(m.startswith("corpus_iramuteq.txt line 10:") and "no text" in m for m in messages)
    check_report(units, 4, {"empty_text": 1})
    check_columns(units)
    assert units.source_row.tolist() == [1, 6, 8]
    assert units.journal.tolist() == ["vietnamplus", "courrier", "vietnamplus"]
    assert units.theme.tolist() == ["cyber", "", "ia"]
    assert units.annee.tolist() == ["2016", "2025", "2025-06"]
    assert units.thematics.tolist() == ["accord", "", ""]
    assert "-*accord" not in units.text[0] and "protocole d'entente" in units.text[0]
    assert units.text[0].count("\n\n") == 1
    assert units.date.tolist() == [pd.Timestamp("2016-01-01"), pd.Timestamp("2025-01-01"), pd.Timestamp("2025-06-01")]
    assert units.date_precision.tolist() == ["year", "year", "month"]
    assert (units.title_source == "missing").all()
    with pytest.raises(CorpusError, match=r"corpus_iramuteq\.txt line 6:"):
        read_iramuteq(path, on_error="raise")


def test_iramuteq_stray_text_and_cp1252_are_reported(tmp_path):
    path = tmp_path / "ancien.txt"
    path.write_bytes("Préambule hors texte.\n**** *source_cvn\nUn texte sur la société numérique.\n".encode("cp1252"))
    with pytest.warns(CorpusWarning) as record:
        units = read_iramuteq(path)
    messages = [str(w.message) for w in record]
    assert any(m.startswith("ancien.txt: decoded with cp1252") for m in messages)
    assert any(m.startswith("ancien.txt line 1:") and "no text" in m for m in messages)
    assert units.text.tolist() == ["Un texte sur la société numérique."] and units.source_row.tolist() == [2]
    check_report(units, 1, {})
    with pytest.raises(CorpusError, match=r"ancien\.txt: no '\*\*\*\*' line"):
        path.write_text("Un texte sans ligne étoilée.\n", encoding="utf-8")
        read_iramuteq(path)


def test_iramuteq_txt_is_told_from_a_page(tmp_path, seed_raw):
    path = tmp_path / "iram.txt"
    path.write_text("\n\n**** *source_vnp\nUn texte court sur le numérique.\n", encoding="utf-8")
    units = load_source(path)
    assert units.text.tolist() == ["Un texte court sur le numérique."] and units.source.tolist() == ["vnp"]
    page = sorted(seed_raw.glob("*.txt"))[0]
    if "files" in inspect.signature(corpus.load_corpus).parameters:
        units = load_source(page)
        assert page.name in set(units.source_file)
    else:
        with pytest.raises(CorpusError, match=page.name):
            load_source(page)


# --------------------------------------------------------------------------------------------
# HTML
# --------------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<title>{title} | Le Courrier du Vietnam</title>
<meta property="og:title" content="{title}">
<meta property="og:site_name" content="Le Courrier du Vietnam">
<meta property="article:published_time" content="{date}T08:30:00+07:00">
<link rel="canonical" href="https://www.lecourrier.vn/{slug}/1296106.html">
</head><body>
<header><nav class="menu"><ul><li><a href="/">Accueil</a></li><li><a href="/politique">Rubrique Politique</a></li>
<li><a href="/economie">Rubrique Économie</a></li><li><a href="/societe">Rubrique Société</a></li></ul></nav></header>
<main><article>
<h1>{title}</h1>
<figure><img src="/photo.jpg" alt=""><figcaption>Une séance de travail au ministère, légende de la photographie. Photo : VNA</figcaption></figure>
{body}
</article></main>
<footer><p>Pied de page du journal : tous droits réservés, conditions d'utilisation, contact de la rédaction.</p></footer>
</body></html>
"""
BODY = "\n".join(f"<p>{t}</p>" for t in TEXTS)


def test_html_page_keeps_the_body_and_drops_menu_footer_and_caption(tmp_path):
    path = tmp_path / "plan-numerique.html"
    title = "Le Vietnam accélère la transformation numérique des services publics"
    path.write_text(PAGE.format(title=title, date="2025-03-14", slug="plan", body=BODY), encoding="utf-8")
    units = read_html(path)
    check_report(units, 1, {})
    check_columns(units)
    unit = units.iloc[0]
    for text in TEXTS:
        assert text in unit.text
    for boilerplate in ("Rubrique", "Accueil", "Pied de page", "droits réservés", "légende", "Photo"):
        assert boilerplate not in unit.text
    assert "<" not in unit.text and unit.text.count("\n\n") == 2
    assert unit.title == title and unit.title_source == "page" and title not in unit.text
    assert unit.date == pd.Timestamp("2025-03-14") and unit.date_precision == "day" and unit.date_source == "page"
    assert unit.outlet == "Le Courrier du Vietnam" and unit.doc_id == "plan-numerique"
    assert pd.isna(unit.source_row) and unit.source_file == "plan-numerique.html"


def test_one_bad_html_page_does_not_stop_the_others(tmp_path):
    folder = tmp_path / "pages"
    folder.mkdir()
    for k, text in enumerate(TEXTS):
        body = f"<p>{text}</p>\n<p>Un deuxième paragraphe propre à la page {k}, sur le numérique et la cybersécurité.</p>"
        (folder / f"p{k}.html").write_text(
            PAGE.format(title=f"Titre de la page {k}", date=f"2025-0{k + 1}-10", slug=f"p{k}", body=body),
            encoding="utf-8")
    (folder / "vide.html").write_bytes(b"")
    (folder / "menu-seul.html").write_text("<html><body><nav><a href='/'>Accueil</a></nav></body></html>",
                                           encoding="utf-8")
    (folder / "copie.htm").write_bytes((folder / "p1.html").read_bytes())
    with pytest.warns(CorpusWarning) as record:
        units = load_source(folder)
    messages = " | ".join(str(w.message) for w in record)
    assert "vide.html" in messages and "menu-seul.html" in messages and "p1.html: same article text as copie.htm" in messages
    check_report(units, 6, {"empty": 2, "duplicate": 1})
    assert units.doc_id.tolist() == ["copie", "p0", "p2"]  # name order: copie.htm comes first
    assert [any(t in u for u in units.text) for t in TEXTS] == [True, True, True]
    with pytest.raises(CorpusError, match="menu-seul.html"):
        read_html(folder, on_error="raise")


def test_html_metadata_table_fills_missing_title(tmp_path):
    path = tmp_path / "sans-titre.html"
    body = BODY.replace("mardi,", "le 12 juin 2025,")  # a date in the words is not the page's date
    path.write_text(f"<html><body><article>{body}</article></body></html>", encoding="utf-8")
    alone = read_html(path)
    assert pd.isna(alone.date[0]) and alone.date_source[0] == "unknown" and alone.title_source[0] == "missing"
    meta = tmp_path / "metadata.csv"
    meta.write_text("file,outlet,url,date,date_precision,date_source,evidence,title\n"
                    "sans-titre.html,CVN,,2025-02,month,inferred,x,Un titre donné\n", encoding="utf-8")
    units = load_source(path, metadata=meta)
    assert units.title[0] == "Un titre donné" and units.title_source[0] == "metadata"
    assert units.date[0] == pd.Timestamp("2025-02-01") and units.date_source[0] == "metadata"


# --------------------------------------------------------------------------------------------
# Dispatch and round trip
# --------------------------------------------------------------------------------------------


def test_load_source_formats_and_errors(tmp_path, seed_raw, seed_metadata):
    assert set(READERS) == {"pages", "table", "csv", "tsv", "excel", "parquet", "jsonl", "html", "iramuteq"}
    with pytest.raises(CorpusError, match=r"unknown format 'docx'; accepted: pages, table, csv"):
        load_source(tmp_path, format="docx")
    with pytest.raises(CorpusError, match="not found"):
        load_source(tmp_path / "absent.csv")
    odd = tmp_path / "notes.docx"
    odd.write_bytes(b"PK")
    with pytest.raises(CorpusError, match=r"notes\.docx: cannot tell the format"):
        load_source(odd)
    units = load_source(seed_raw, metadata=seed_metadata)
    expected = corpus.load_corpus(seed_raw, seed_metadata)
    pd.testing.assert_frame_equal(units[expected.columns], expected)
    assert set(READER_COLUMNS) <= set(units.columns) and set(units.title_source) <= {"page", "metadata", "missing"}
    txt = tmp_path / "corpus.txt"
    txt.write_text("text\nun\n", encoding="utf-8")
    units = load_source(txt, format="csv")
    assert units.text.tolist() == ["un"]


def test_seed_texts_round_trip_through_csv(tmp_path, seed_raw, seed_metadata):
    units = corpus.load_corpus(seed_raw, seed_metadata)
    articles = units[units.kind == "article"].reset_index(drop=True)
    path = tmp_path / "seed.csv"
    articles[["doc_id", "title", "text", "outlet"]].assign(
        date=articles.date.dt.strftime("%Y-%m-%d")).to_csv(path, index=False)
    back = read_table(path, id="doc_id")
    check_report(back, len(articles), {})
    assert back.text.tolist() == articles.text.tolist()
    assert back.doc_id.tolist() == articles.doc_id.tolist() and back.date.tolist() == articles.date.tolist()
    assert tokenize_series(back.text) == tokenize_series(articles.text)
    pd.testing.assert_frame_equal(count_themes(back.text), count_themes(articles.text))
    assert back.n_words.tolist() == articles.n_words.tolist()


# --------------------------------------------------------------------------------------------
# Property: any CSV bytes load with every record accounted for, or raise CorpusError naming it
# --------------------------------------------------------------------------------------------


CELLS = st.one_of(st.text(max_size=20), st.sampled_from(TEXTS + ["", "text", "a;b", 'x "y"', "2025-13", "l’IA\n\nsuite"]))


@st.composite
def csv_bytes(draw):
    columns = draw(st.lists(st.sampled_from(["text", "title", "date", "outlet", "note", "kind", ""]),
                            min_size=1, max_size=5))
    rows = [[draw(CELLS) for _ in columns] for _ in range(draw(st.integers(0, 6)))]
    if rows and draw(st.booleans()):
        rows.append(list(rows[0]))
    if draw(st.booleans()):
        rows.insert(draw(st.integers(0, len(rows))), list(columns))
    out = io.StringIO()
    csv.writer(out, delimiter=draw(st.sampled_from([",", ";", "\t"])), lineterminator="\n",
               quoting=draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL]))).writerows([columns] + rows)
    text = out.getvalue()
    if draw(st.booleans()) and '"' in text:
        k = text.index('"')
        text = text[:k] + text[k + 1:]
    return text.encode(draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"])), errors="replace")


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=csv_bytes())
def test_any_csv_is_accounted_for_or_raises_corpus_error(data):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "prop.csv"
        path.write_bytes(data)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                units = read_table(path)
            except CorpusError as exc:
                assert "prop.csv" in str(exc)
                return
    report = units.attrs["report"]
    assert report["records"] == report["loaded"] + sum(report["dropped"].values()) == len(units) + sum(report["dropped"].values())
    corpus_warnings = [str(w.message) for w in caught if issubclass(w.category, CorpusWarning)]
    assert corpus_warnings == report["problems"]  # every problem warned once, in order
    assert sum(report["dropped"].values()) + sum(report["flagged"].values()) <= len(corpus_warnings)
    assert all(m.startswith("prop.csv") for m in corpus_warnings)
    assert units.doc_id.is_unique and (units.text.str.strip() != "").all()
