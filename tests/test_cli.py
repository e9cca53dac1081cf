"""The command line, run through click's test runner on the frozen seed corpus."""
import io

import pandas as pd
import pytest
from click.testing import CliRunner

from analysis.cli import main

COMMANDS = ["report", "kwic", "freq", "themes", "keyness", "topics", "run"]


@pytest.fixture
def runner():
    return CliRunner()


def _invoke(runner, *args):
    return runner.invoke(main, [str(a) for a in args])


def _table(result) -> pd.DataFrame:
    assert result.exit_code == 0, result.stderr
    return pd.read_csv(io.StringIO(result.stdout))


def _one_line_error(result, *fragments):
    assert result.exit_code != 0
    assert result.exception is None or isinstance(result.exception, SystemExit)  # no traceback
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    for fragment in fragments:
        assert fragment in lines[0]
    assert "Traceback" not in result.output


# --------------------------------------------------------------------------- help

def test_group_help_lists_every_command(runner):
    result = _invoke(runner, "--help")
    assert result.exit_code == 0
    for command in COMMANDS:
        assert f"  {command} " in result.stdout


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_real_help(runner, command):
    result = _invoke(runner, command, "--help")
    assert result.exit_code == 0
    assert f"Usage: main {command}" in result.stdout
    assert "--help" in result.stdout and len(result.stdout.splitlines()) > 6
    # --help never runs the command: nothing is loaded, nothing written on stderr
    assert result.stderr == ""


def test_python_dash_m_analysis_runs_the_same_cli():
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-m", "analysis", "kwic", "--help"], capture_output=True,
                          text=True, check=False)
    assert done.returncode == 0
    assert "Usage: python -m analysis kwic" in done.stdout


# --------------------------------------------------------------------------- report

def test_report_of_a_folder_and_of_one_file(runner, seed_raw):
    table = _table(_invoke(runner, "report", seed_raw))
    pages = sorted(p.name for p in seed_raw.glob("*.txt"))
    assert sorted(table.loc[table["status"] == "ok", "file"]) == pages
    one = _table(_invoke(runner, "report", seed_raw / pages[0]))
    assert one["file"].tolist() == [pages[0]]


def test_report_of_a_missing_path_is_one_line(runner, tmp_path):
    _one_line_error(_invoke(runner, "report", tmp_path / "absent"), "absent", "no such file")


# --------------------------------------------------------------------------- kwic

def test_kwic_finds_titles_and_leads_with_their_part(runner, seed_raw):
    table = _table(_invoke(runner, "kwic", "souveraineté", "-s", seed_raw))
    assert table.columns.tolist() == ["doc_id", "kind", "part", "left", "match", "right"]
    assert table["part"].tolist() == ["title", "lead"]
    only_text = _table(_invoke(runner, "kwic", "souveraineté", "-s", seed_raw, "--part", "text"))
    assert len(only_text) == 1


def test_kwic_filters_by_kind_period_and_any_column(runner, seed_raw):
    everything = _table(_invoke(runner, "kwic", "Laos", "-s", seed_raw))
    articles = _table(_invoke(runner, "kwic", "Laos", "-s", seed_raw, "--kind", "article"))
    assert set(articles["kind"]) == {"article"} and 0 < len(articles) < len(everything)
    in_2016 = _table(_invoke(runner, "kwic", "Laos", "-s", seed_raw, "--kind", "article", "--period", "2016"))
    assert 0 < len(in_2016) < len(articles)
    doc = in_2016["doc_id"].iloc[0]
    where = _table(_invoke(runner, "kwic", "Laos", "-s", seed_raw, "--where", f"doc_id={doc}"))
    assert set(where["doc_id"]) == {doc} and len(where) == (everything["doc_id"] == doc).sum()


def test_kwic_window_sort_literal_and_case(runner, seed_raw):
    narrow = _table(_invoke(runner, "kwic", r"\bIA\b", "-s", seed_raw, "--window", "15"))
    assert len(narrow) > 1
    assert narrow["left"].fillna("").str.len().max() <= 15
    by_right = _table(_invoke(runner, "kwic", r"\bIA\b", "-s", seed_raw, "--sort", "right"))
    keys = [str(r).casefold().split() for r in by_right["right"].fillna("")]
    assert keys == sorted(keys)
    literal = _table(_invoke(runner, "kwic", "l'IA", "--literal", "-s", seed_raw))
    insensitive = _table(_invoke(runner, "kwic", "l'ia", "--literal", "-i", "-s", seed_raw))
    assert len(insensitive) >= len(literal) > 0
    assert (insensitive["match"].str.casefold().str.replace("’", "'") == "l'ia").all()


def test_kwic_bad_pattern_window_and_column_are_one_line(runner, seed_raw):
    _one_line_error(_invoke(runner, "kwic", "(IA", "-s", seed_raw), "'(IA'", "invalid regular expression")
    _one_line_error(_invoke(runner, "kwic", "", "-s", seed_raw), "empty search pattern")
    _one_line_error(_invoke(runner, "kwic", "IA", "-s", seed_raw, "--window", "-3"), "window")
    _one_line_error(_invoke(runner, "kwic", "IA", "-s", seed_raw, "--where", "colour=bleu"),
                    "unknown column 'colour'")
    _one_line_error(_invoke(runner, "kwic", "IA", "-s", seed_raw, "--where", "colour"), "COLUMN=VALUE")


def test_missing_source_is_one_line(runner, tmp_path):
    for command in (["kwic", "IA"], ["freq"], ["themes"], ["keyness", "--by", "period", "--target", "2025"],
                    ["topics", "--k", "2"]):
        _one_line_error(_invoke(runner, *command, "-s", tmp_path / "nowhere"), "nowhere", "no such file")


# --------------------------------------------------------------------------- outputs

@pytest.mark.parametrize("suffix", [".csv", ".xlsx", ".parquet"])
def test_out_file_by_extension(runner, seed_raw, tmp_path, suffix):
    path = tmp_path / f"lines{suffix}"
    result = _invoke(runner, "kwic", "Laos", "-s", seed_raw, "--out", path)
    assert result.exit_code == 0 and result.stdout == ""
    read = {".csv": pd.read_csv, ".xlsx": pd.read_excel, ".parquet": pd.read_parquet}[suffix]
    written = read(path)
    expected = _table(_invoke(runner, "kwic", "Laos", "-s", seed_raw))
    assert written["match"].tolist() == expected["match"].tolist()
    assert written["part"].tolist() == expected["part"].tolist()


def test_unknown_out_extension_is_one_line(runner, seed_raw, tmp_path):
    _one_line_error(_invoke(runner, "kwic", "Laos", "-s", seed_raw, "--out", tmp_path / "x.docx"),
                    "unknown output format")


# --------------------------------------------------------------------------- freq

def test_freq_overall_and_by_group(runner, seed_raw):
    overall = _table(_invoke(runner, "freq", "-s", seed_raw, "--top", "5", "--kind", "article"))
    assert overall.columns.tolist() == ["rank", "term", "frequency", "per_1000", "n_docs"]
    assert overall["rank"].tolist() == [1, 2, 3, 4, 5]
    assert overall["frequency"].is_monotonic_decreasing
    assert (overall["n_docs"] <= 5).all()
    by = _table(_invoke(runner, "freq", "-s", seed_raw, "--top", "3", "--kind", "article", "--by", "period"))
    assert by.columns[0] == "period"
    assert sorted(set(by["period"].astype(str))) == ["2016", "2025"]
    assert by.groupby("period").size().tolist() == [3, 3]


def test_freq_unknown_group_column_is_one_line(runner, seed_raw):
    _one_line_error(_invoke(runner, "freq", "-s", seed_raw, "--by", "colour"), "unknown column 'colour'")


# --------------------------------------------------------------------------- themes

def test_themes_prevalence_with_intervals(runner, seed_raw):
    table = _table(_invoke(runner, "themes", "-s", seed_raw, "--by", "period", "--kind", "article",
                           "--n-boot", "50"))
    assert table.columns.tolist()[:7] == ["period", "theme", "n_matches", "n_words", "rate_per_1000",
                                          "ci_low", "ci_high"]
    ai_2025 = table[(table["period"].astype(str) == "2025") & (table["theme"] == "ai")].iloc[0]
    assert ai_2025["n_matches"] > 0
    # three 2025 articles are fewer than the five documents an interval needs
    assert pd.isna(ai_2025["ci_low"]) and "fewer than 5 documents" in ai_2025["note"]
    by_kind = _table(_invoke(runner, "themes", "-s", seed_raw, "--by", "kind", "--theme", "ai", "--n-boot", "50"))
    teasers = by_kind[by_kind["kind"] == "related"].iloc[0]
    assert teasers["n_docs"] >= 5 and teasers["ci_low"] <= teasers["rate_per_1000"] <= teasers["ci_high"]
    assert teasers["design"].startswith("cluster bootstrap over documents")
    again = _table(_invoke(runner, "themes", "-s", seed_raw, "--by", "period", "--kind", "article",
                           "--n-boot", "50"))
    pd.testing.assert_frame_equal(table, again)  # seeded


def test_themes_custom_codebook_and_bad_codebook(runner, seed_raw, tmp_path):
    codebook = tmp_path / "codebook.toml"
    codebook.write_text(
        '[themes.laos]\nlabel = "Laos"\ndefinition = "Le Laos."\n'
        '[[themes.laos.patterns]]\nregex = \'\'\'\\bLaos\\b\'\'\'\ncase = "sensitive"\n', "utf-8")
    result = _invoke(runner, "themes", "-s", seed_raw, "--codebook", codebook, "--n-boot", "0")
    if result.exit_code == 0:
        table = _table(result)
        assert set(table["theme"]) == {"laos"}
        assert table["n_matches"].sum() > 0
    else:  # the codebook format may ask for more keys: then the error names the file
        _one_line_error(result, "codebook.toml")
    _one_line_error(_invoke(runner, "themes", "-s", seed_raw, "--codebook", tmp_path / "none.toml"),
                    "none.toml")


def test_themes_over_time_with_teasers_mixed_in_is_refused_in_one_line(runner, seed_raw):
    result = _invoke(runner, "themes", "-s", seed_raw, "--by", "period", "--n-boot", "0")
    _one_line_error(result)


# --------------------------------------------------------------------------- keyness

def test_keyness_target_against_the_rest_and_against_a_reference(runner, seed_raw):
    table = _table(_invoke(runner, "keyness", "-s", seed_raw, "--kind", "article", "--by", "period",
                           "--target", "2025"))
    assert table.columns.tolist() == ["term", "n_target", "n_reference", "chi2", "G2", "p_value",
                                      "log_ratio", "lafon", "p_value_one_sided", "p_adjusted", "docs_target",
                                      "docs_reference"]
    assert (table["p_adjusted"] >= table["p_value"]).all()
    assert table["G2"].is_monotonic_decreasing
    assert table.iloc[0]["log_ratio"] > 0  # the top term is key in the target
    ref = _table(_invoke(runner, "keyness", "-s", seed_raw, "--kind", "article", "--by", "period",
                         "--target", "2025", "--reference", "2016", "--measure", "lafon", "--top", "10"))
    assert len(ref) == 10 and ref["lafon"].is_monotonic_decreasing
    expected = table.sort_values(["lafon", "term"], ascending=[False, True], kind="mergesort").head(10)
    columns = ["term", "n_target", "n_reference", "G2", "lafon"]  # p_value follows the measure
    pd.testing.assert_frame_equal(  # with two periods, the reference is the other one
        ref[columns], expected[columns].reset_index(drop=True), check_exact=False)


def test_keyness_unknown_value_or_column_is_one_line(runner, seed_raw):
    _one_line_error(_invoke(runner, "keyness", "-s", seed_raw, "--by", "period", "--target", "1999"),
                    "no unit has period = '1999'", "2016")
    _one_line_error(_invoke(runner, "keyness", "-s", seed_raw, "--by", "colour", "--target", "x"),
                    "unknown column 'colour'")
    missing = _invoke(runner, "keyness", "-s", seed_raw, "--by", "period")
    assert missing.exit_code == 2 and "--target" in missing.stderr


# --------------------------------------------------------------------------- topics

def test_topics_top_terms_are_seeded(runner, seed_raw):
    args = ["topics", "-s", seed_raw, "--k", "2", "--top-words", "4"]
    table = _table(_invoke(runner, *args))
    assert table.columns.tolist() == ["topic", "rank", "term", "weight"]
    assert sorted(set(table["topic"])) == [1, 2]
    assert table.groupby("topic").size().tolist() == [4, 4]
    pd.testing.assert_frame_equal(table, _table(_invoke(runner, *args)))
    lda = _table(_invoke(runner, *args, "--method", "lda", "--random-state", "1"))
    assert len(lda) == 8


def test_topics_bad_k_is_refused(runner, seed_raw):
    result = _invoke(runner, "topics", "-s", seed_raw, "--k", "0")
    assert result.exit_code == 2 and "--k" in result.stderr
    _one_line_error(_invoke(runner, "topics", "-s", seed_raw, "--k", "100000"), "paragraphs")


# --------------------------------------------------------------------------- a researcher's table

def test_a_csv_export_with_its_own_column_names(runner, tmp_path):
    table = tmp_path / "veille.csv"
    table.write_text("ref,titre,date_pub,contenu\n"
                     "a1,L'IA au Vietnam,2025-03-01,\"Le Vietnam mise sur l'intelligence artificielle.\"\n"
                     "a2,Cybersécurité,2024-11,\"La cybersécurité reste une priorité.\"\n", encoding="utf-8")
    counts = _table(_invoke(runner, "themes", "-s", table, "--column", "text=contenu", "--column", "title=titre",
                            "--column", "date=date_pub", "--column", "id=ref", "--by", "doc_id", "--n-boot", "0"))
    ai = counts[counts["theme"] == "ai"].set_index("doc_id")["n_matches"]
    assert ai.to_dict() == {"a1": 2, "a2": 0}  # title "L'IA" and body "intelligence artificielle"
    # without the mapping: one line naming the file and the columns present
    _one_line_error(_invoke(runner, "themes", "-s", table), "veille.csv", "contenu")
    bad = _invoke(runner, "freq", "-s", table, "--column", "body")
    assert bad.exit_code == 2 and "KEY=NAME" in bad.stderr  # a usage error, with click's usage line
