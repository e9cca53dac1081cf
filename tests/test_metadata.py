"""The metadata table cannot be misread: every mistake is named with its file and physical line."""
import csv
import datetime as dt
import io
import re
import tempfile
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from analysis import corpus
from analysis.errors import CorpusError, MetadataError
from analysis.metadata import (
    ACCEPTED_DATE_FORMS,
    METADATA_COLUMNS,
    csv_records,
    load_metadata,
    parse_iso_date,
)

HEADER = ",".join(METADATA_COLUMNS)
GOOD = "001_a.txt,Vietnam+ (VNA),,2025-01-15,day,inferred,Forum national du 15 janvier"


def write(tmp_path, *lines, name="metadata.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def only_problem(path, on_error="warn"):
    table, problems = load_metadata(path, on_error=on_error)
    assert len(problems) == 1, problems
    return table, problems[0]


def test_seed_metadata_loads_as_before(seed_metadata):
    table, problems = load_metadata(seed_metadata)
    old, old_problems = corpus.load_metadata(seed_metadata)
    assert problems == old_problems == []
    pd.testing.assert_frame_equal(table, old)
    assert set(table.date_source) <= {"stated", "inferred", "unknown"}
    assert str(table["date"].dtype) == "datetime64[us]"


def test_good_rows_of_each_precision_load(tmp_path):
    path = write(tmp_path, HEADER, GOOD, "002_b.txt,CVN,,2025-06,month,inferred,juin",
                 "003_c.txt,CVN,,2016,year,inferred,année", "004_d.txt,CVN,,,,unknown,pas de date")
    table, problems = load_metadata(path)
    assert problems == []
    assert table.date.tolist() == [pd.Timestamp("2025-01-15"), pd.Timestamp("2025-06-01"),
                                   pd.Timestamp("2016-01-01"), pd.NaT]


@pytest.mark.parametrize("date", ["28/11/2026", "05/11/2026", "now", "today", "2016-10-31T00:00:00+07:00",
                                  "2016-10-31 00:00", "31 octobre 2016", "2016-13-01", "2016-02-30", "16-10-31"])
def test_non_iso_date_is_rejected_with_file_line_and_forms(tmp_path, date):
    path = write(tmp_path, HEADER, GOOD, f'005_e.txt,CVN,,"{date}",day,stated,le texte')
    table, message = only_problem(path)
    assert message.startswith("metadata.csv line 3:")
    assert repr(date) in message and ACCEPTED_DATE_FORMS in message
    assert pd.isna(table.at["005_e.txt", "date"])  # kept, undated, never guessed
    with pytest.raises(MetadataError, match=r"metadata\.csv line 3: .*accepted forms"):
        load_metadata(path, on_error="raise")


@pytest.mark.parametrize("date,precision", [("2016", "day"), ("2016-10", "day"), ("2016-10-31", "month"),
                                            ("2016-10-31", "year")])
def test_date_must_match_its_precision(tmp_path, date, precision):
    path = write(tmp_path, HEADER, f"005_e.txt,CVN,,{date},{precision},inferred,x")
    table, message = only_problem(path)
    assert message.startswith("metadata.csv line 2:") and f"date_precision says {precision}" in message
    assert pd.isna(table.at["005_e.txt", "date"])


def test_precision_and_source_come_from_fixed_vocabularies(tmp_path):
    path = write(tmp_path, HEADER, "005_e.txt,CVN,,2016-10-31,jour,inferred,x",
                 "006_f.txt,CVN,,2016-10-31,day,guessed,x")
    _, problems = load_metadata(path)
    assert len(problems) == 2
    assert problems[0].startswith("metadata.csv line 2:") and "'jour'" in problems[0]
    assert problems[1].startswith("metadata.csv line 3:") and "'guessed'" in problems[1]


def test_physical_line_numbers_count_multiline_quoted_fields(tmp_path):
    path = write(tmp_path, HEADER, '001_a.txt,CVN,,2025-01-15,day,stated,"première ligne', 'deuxième ligne',
                 'troisième"', "002_b.txt,CVN,,15/01/2025,day,stated,x")
    _, message = only_problem(path)
    assert message.startswith("metadata.csv line 5:")  # the 3rd record, on physical line 5


def test_extra_field_is_reported_by_line(tmp_path):
    path = write(tmp_path, HEADER, GOOD, "002_b.txt,Hanoi, Vietnam,,2025-01-15,day,inferred,x")
    table, message = only_problem(path)
    assert message.startswith("metadata.csv line 3:") and "extra field" in message
    assert list(table.index) == ["001_a.txt"]


def test_short_row_is_reported_by_line(tmp_path):
    path = write(tmp_path, HEADER, "002_b.txt,CVN,,2025-01-15,day", GOOD)
    table, message = only_problem(path)
    assert message.startswith("metadata.csv line 2:") and "short row" in message
    assert list(table.index) == ["001_a.txt"]


def test_unbalanced_quote_does_not_swallow_the_rest(tmp_path):
    path = write(tmp_path, HEADER, '002_b.txt,"CVN,,2025-01-15,day,inferred,x', GOOD,
                 "003_c.txt,CVN,,2016,year,inferred,x")
    table, message = only_problem(path)
    assert message.startswith("metadata.csv line 2:") and "quot" in message
    assert list(table.index) == ["001_a.txt", "003_c.txt"]


def test_empty_date_is_reported_unless_unknown(tmp_path):
    path = write(tmp_path, HEADER, "002_b.txt,CVN,,,day,inferred,x", "003_c.txt,CVN,,,,unknown,x")
    table, message = only_problem(path)
    assert message.startswith("metadata.csv line 2:") and "empty date" in message
    assert table.date.isna().all() and len(table) == 2


@pytest.mark.parametrize("name", ["/etc/passwd", "../secret.txt", "sub/page.txt", "sub\\page.txt", "C:\\page.txt"])
def test_a_path_in_file_is_rejected_by_line(tmp_path, name):
    path = write(tmp_path, HEADER, GOOD, f'"{name}",CVN,,2016,year,inferred,x')
    table, message = only_problem(path)
    assert message.startswith("metadata.csv line 3:") and "path" in message
    assert list(table.index) == ["001_a.txt"]


def test_duplicate_file_names_the_first_line(tmp_path):
    path = write(tmp_path, HEADER, GOOD, GOOD.replace("2025-01-15", "2025-01-16"))
    table, message = only_problem(path)
    assert message.startswith("metadata.csv line 3:") and "line 2" in message
    assert table.at["001_a.txt", "date"] == pd.Timestamp("2025-01-15")


def test_cp1252_is_loaded_with_a_problem_naming_the_line(tmp_path):
    path = write(tmp_path, HEADER, GOOD, "002_b.txt,Le Courrier,,2025-01-15,day,inferred,Société et économie",
                 encoding="cp1252")
    table, message = only_problem(path)
    assert message.startswith("metadata.csv line 3:") and "cp1252" in message
    assert table.at["002_b.txt", "evidence"] == "Société et économie"
    with pytest.raises(MetadataError, match="metadata.csv"):
        load_metadata(path, on_error="raise")


@pytest.mark.parametrize("encoding", ["utf-16", "utf-8-sig"])
def test_utf16_and_bom_load_cleanly(tmp_path, encoding):
    path = write(tmp_path, HEADER, GOOD, encoding=encoding)
    table, problems = load_metadata(path)
    assert problems == [] and table.at["001_a.txt", "outlet"] == "Vietnam+ (VNA)"


@pytest.mark.parametrize("content", [b"", b"\n\n  \n", b"\x00\x01\x02binary\x00"])
def test_empty_or_binary_file_raises_naming_the_file(tmp_path, content):
    path = tmp_path / "metadata.csv"
    path.write_bytes(content)
    with pytest.raises(MetadataError, match="metadata.csv"):
        load_metadata(path)


def test_missing_column_and_missing_file_raise_naming_the_file(tmp_path):
    path = write(tmp_path, "file,outlet,date", "001_a.txt,CVN,2025-01-15")
    with pytest.raises(MetadataError, match=r"metadata\.csv: line 1: missing column\(s\) url"):
        load_metadata(path)
    with pytest.raises(MetadataError, match="absent.csv"):
        load_metadata(tmp_path / "absent.csv")
    assert issubclass(MetadataError, CorpusError)  # callers catching CorpusError still catch it


def test_raise_mode_raises_on_every_kind_of_problem(tmp_path):
    rows = ["002_b.txt,CVN,,2025-01-15,day,inferred,x,extra", "002_b.txt,CVN,,2025-01-15,day",
            "../b.txt,CVN,,2016,year,inferred,x", "002_b.txt,CVN,,,day,inferred,x", GOOD]
    for k, row in enumerate(rows):
        path = write(tmp_path, HEADER, GOOD, row, name=f"m{k}.csv")
        with pytest.raises(MetadataError, match=rf"m{k}\.csv line 3:"):
            load_metadata(path, on_error="raise")


def test_optional_title_and_extra_columns_are_kept(tmp_path):
    path = write(tmp_path, HEADER + ",title,note", GOOD + ",Le forum national,relu")
    table, problems = load_metadata(path)
    assert problems == []
    assert table.at["001_a.txt", "title"] == "Le forum national" and table.at["001_a.txt", "note"] == "relu"


def test_dataframe_rows_are_numbered_as_csv_lines():
    frame = pd.DataFrame([dict(zip(METADATA_COLUMNS, GOOD.split(","))),
                          dict(zip(METADATA_COLUMNS, GOOD.replace("001_a", "002_b").replace("2025-01-15", "now").split(",")))])
    table, problems = load_metadata(frame)
    assert len(problems) == 1 and problems[0].startswith("<DataFrame> line 3:")
    assert table.at["001_a.txt", "date"] == pd.Timestamp("2025-01-15")


def test_parse_iso_date_forms():
    assert parse_iso_date(" 2025-06 ") == (pd.Timestamp("2025-06-01"), "month")
    assert parse_iso_date(pd.Timestamp("2025-06-02")) == (pd.Timestamp("2025-06-02"), "day")
    with pytest.raises(ValueError):
        parse_iso_date(pd.Timestamp("2025-06-02 10:00"))


def test_csv_records_resume_after_a_bad_quote():
    records = list(csv_records('a,b\n1,"x\n2,y\n3,"z\nw"\n'))
    assert [(r[0], r[1], r[2]) for r in records] == [(1, 1, ["a", "b"]), (2, 2, None), (3, 3, ["2", "y"]),
                                                     (4, 5, ["3", "z\nw"])]


# --------------------------------------------------------------------------------------------
# Property: any table either loads with problems naming lines, or raises MetadataError naming it
# --------------------------------------------------------------------------------------------

DATES = st.one_of(
    st.dates().map(lambda d: d.isoformat()),
    st.dates().map(lambda d: d.strftime("%Y-%m")),
    st.dates().map(lambda d: d.strftime("%d/%m/%Y")),
    st.sampled_from(["now", "today", "", "2016-10-31T00:00+07:00", "2016-02-30", "2016", "yesterday", "NaN"]),
    st.text(max_size=12),
)
CELLS = st.one_of(st.text(max_size=15), st.sampled_from(["Société", "l’IA", 'dit "oui"', "a,b", "x\ny", "=1+1"]))
COLUMNS = st.lists(st.sampled_from(METADATA_COLUMNS + ["title", "note", "", "file"]), min_size=0, max_size=9)


@st.composite
def metadata_bytes(draw):
    columns = draw(st.one_of(st.just(list(METADATA_COLUMNS)), st.permutations(METADATA_COLUMNS).map(list), COLUMNS))
    n_rows = draw(st.integers(0, 5))
    rows = []
    for _ in range(n_rows):
        row = {c: draw(CELLS) for c in columns}
        if "date" in row:
            row["date"] = draw(DATES)
        if "date_precision" in row:
            row["date_precision"] = draw(st.sampled_from(["day", "month", "year", "", "jour"]))
        if "file" in row:
            row["file"] = draw(st.sampled_from(["a.txt", "b.txt", "../c.txt", "/etc/passwd", "", "d.txt"]))
        width = len(columns) + draw(st.sampled_from([0, 0, 0, -1, 1]))
        rows.append([row.get(c, "") for c in columns][:max(width, 0)] + [""] * max(0, width - len(columns)))
    out = io.StringIO()
    quoting = draw(st.sampled_from([csv.QUOTE_MINIMAL, csv.QUOTE_ALL, csv.QUOTE_NONNUMERIC]))
    writer = csv.writer(out, quoting=quoting, lineterminator=draw(st.sampled_from(["\n", "\r\n"])))
    writer.writerow(columns)
    writer.writerows(rows)
    text = out.getvalue()
    if draw(st.booleans()) and '"' in text:  # break one quote
        k = draw(st.integers(0, text.count('"') - 1))
        parts = text.split('"')
        text = '"'.join(parts[: k + 1]) + "".join(parts[k + 1: k + 2]) + '"'.join([""] + parts[k + 2:])
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252", "latin-1"]))
    return text.encode(encoding, errors="replace")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=metadata_bytes(), on_error=st.sampled_from(["warn", "raise"]))
def test_any_table_loads_with_line_problems_or_raises_metadata_error(data, on_error):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "meta_prop.csv"
        path.write_bytes(data)
        try:
            table, problems = load_metadata(path, on_error=on_error)
        except MetadataError as exc:
            assert "meta_prop.csv" in str(exc)
            return
    for problem in problems:
        assert re.match(r"meta_prop\.csv line \d+(-\d+)?: ", problem), problem
    if on_error == "raise":
        assert problems == []
    assert table.index.is_unique and table.index.name == "file"
    assert str(table["date"].dtype) == "datetime64[us]"


VALUES = st.one_of(CELLS, DATES, st.none(), st.integers(-5, 3000), st.floats(allow_nan=True),
                   st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2100, 1, 1)).map(pd.Timestamp))


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(columns=st.one_of(st.just(list(METADATA_COLUMNS)), COLUMNS.map(lambda c: list(dict.fromkeys(c)))),
       data=st.data())
def test_any_dataframe_loads_with_line_problems_or_raises_metadata_error(columns, data):
    n_rows = data.draw(st.integers(0, 4))
    frame = pd.DataFrame({c: [data.draw(VALUES) for _ in range(n_rows)] for c in columns}, columns=columns)
    try:
        table, problems = load_metadata(frame)
    except MetadataError as exc:
        assert "<DataFrame>" in str(exc)
        return
    assert all(re.match(r"<DataFrame> line \d+: ", p) for p in problems), problems
    assert table.index.is_unique and str(table["date"].dtype) == "datetime64[us]"
