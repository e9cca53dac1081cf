"""Tests of analysis.study: the study file, periods, comparisons, and the corpus fingerprint."""
import shutil
import warnings

import numpy as np
import pandas as pd
import pytest

from analysis import corpus, evidence, study, text, themes
from analysis.errors import StudyError
from analysis.features import keyness
from analysis.paths import CODEBOOK, STUDY


@pytest.fixture
def project(tmp_path, seed_raw, seed_metadata):
    """A project folder: data/ with the seed pages, metadata, codebook and study file."""
    data = tmp_path / "data"
    shutil.copytree(seed_raw, data / "raw")
    shutil.copy(seed_metadata, data / "metadata.csv")
    shutil.copy(CODEBOOK, data / "codebook.toml")
    shutil.copy(STUDY, data / "study.toml")
    return tmp_path


@pytest.fixture(scope="module")
def seed_units(seed_raw, seed_metadata):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return corpus.load_corpus(seed_raw, seed_metadata)


@pytest.fixture(scope="module")
def codebook():
    """The repository's codebook, loaded once (the copies in ``project`` are identical)."""
    return themes.load_codebook(CODEBOOK)


def edit(project, old, new):
    path = project / "data" / "study.toml"
    content = path.read_text(encoding="utf-8")
    assert old in content
    path.write_text(content.replace(old, new, 1), encoding="utf-8")
    return path


def test_repository_study_file_holds_the_values_the_code_used():
    s = study.load_study()
    assert s.source == study.RAW and s.metadata == study.METADATA and s.codebook == study.CODEBOOK
    # the research questions' constants live in the study file, not in the library
    for name in ("LAOS_PATTERN", "COOPERATION_COMPONENTS", "TARGET_PATTERNS"):
        assert not hasattr(evidence, name)
    assert s.cooperation_pattern == r"\b(?:Laos|[Ll]ao(?!\s+Cai)|[Ll]aotien\w*|Vientiane)\b"
    assert s.components["e-government"] == ("digital_transformation", ["e_government"])
    assert set(s.targets) == {"deadline", "ranking", "quantity"}
    assert s.comparison("2016_vs_2025").labels == ("2016", "2025")
    assert s.focus_themes("sovereignty") == ["sovereignty", "semiconductors", "cybersecurity", "ai"]


def test_paths_are_resolved_against_the_copy(project):
    s = study.load_study(project / "data" / "study.toml")
    assert s.source == project / "data" / "raw" and s.codebook == project / "data" / "codebook.toml"


def test_calendar_years_by_default(project):
    s = study.load_study(project / "data" / "study.toml")
    dates = pd.Series(pd.to_datetime(["2016-10-31", None, "2025-01-15"]), index=[7, 8, 9])
    labels = study.assign_periods(dates, s)
    assert labels.to_dict() == {7: "2016", 8: "undated", 9: "2025"}


def test_explicit_periods_label_dates_inclusively(project):
    path = edit(project, "[[comparisons]]", """[[periods]]
label = "before Resolution 57"
start = 2000-01-01
end = 2024-12-21

[[periods]]
label = "after Resolution 57"
start = "2024-12-22"
end = 2030-12-31

[[comparisons]]""")
    path.write_text(path.read_text(encoding="utf-8").replace('target = "2016"', 'target = "before Resolution 57"')
                    .replace('reference = "2025"', 'reference = "after Resolution 57"'), encoding="utf-8")
    s = study.load_study(path)
    dates = pd.to_datetime(["2024-12-21", "2024-12-22", "2031-01-01", None])
    assert study.assign_periods(dates, s).tolist() == [
        "before Resolution 57", "after Resolution 57", "unassigned", "undated"]


def test_changing_the_comparison_changes_keyness_groups_and_labels(project, seed_units):
    articles = seed_units[seed_units.kind == "article"].reset_index(drop=True)
    X, vocabulary = text.document_term_matrix(articles["text"])
    s = study.load_study(project / "data" / "study.toml")
    target, reference, labels = study.comparison_groups(articles, s, "2016_vs_2025")
    assert labels == ("2016", "2025")
    assert articles.loc[target, "date"].dt.year.eq(2016).all() and target.sum() == 2
    assert articles.loc[reference, "date"].dt.year.eq(2025).all() and reference.sum() == 3
    keep = target | reference
    before = keyness(X[keep], vocabulary, target=target[keep])

    # the same study with the comparison reversed and relabelled, and a third period on the reference side
    path = edit(project, 'target = "2016"\nreference = "2025"',
                'target = "2025"\nreference = ["2016", "2017"]\ntarget_label = "recent"\nreference_label = "early"')
    s2 = study.load_study(path)
    target2, reference2, labels2 = study.comparison_groups(articles, s2, "2016_vs_2025")
    assert labels2 == ("recent", "early")
    assert (target2 == reference).all() and (reference2 == target).all()
    after = keyness(X[keep], vocabulary, target=target2[keep])
    # a term key in 2016 is now key on the reference side: scores change sign, counts swap sides
    top = before.iloc[0]
    row = after.set_index("term").loc[top["term"]]
    assert row["n_reference"] == top["n_target"] and row["n_target"] == top["n_reference"]
    assert np.isclose(row["G2"], -top["G2"])


def test_comparison_groups_leave_undated_and_other_periods_out(project, seed_units):
    s = study.load_study(project / "data" / "study.toml")
    target, reference, _ = study.comparison_groups(seed_units, s, "2016_vs_2025")
    undated = seed_units["date"].isna().to_numpy()
    assert not (target & undated).any() and not (reference & undated).any()
    assert not (target & reference).any()


def test_empty_comparison_group_is_an_error_naming_the_comparison(project, seed_units):
    path = edit(project, 'reference = "2025"', 'reference = "2019"')
    s = study.load_study(path)
    with pytest.raises(StudyError, match=r"study.toml.*2016_vs_2025.*2019"):
        study.comparison_groups(seed_units, s, "2016_vs_2025")
    with pytest.raises(StudyError, match="no comparison 'nope'"):
        study.comparison_groups(seed_units, s, "nope")


@pytest.mark.parametrize("old, new, key", [
    ("[study]", "[study]\ncolour = 'red'", "study: unknown key(s) 'colour'"),
    ("[corpus]", "[corpora]\n[corpus]", "top level: unknown key(s) 'corpora'"),
    ('source = "data/raw"', "source = 3", "corpus.source: expected a non-empty string"),
    ('target = "2016"', 'target = "2017-18"', "comparisons[0].target: comparison '2016_vs_2025' names unknown period"),
    ('target = "2016"', "target = []", "comparisons[0].target: expected a string or a non-empty list"),
    ('target = "2016"', 'target = "2025"', "comparisons[0]: comparison '2016_vs_2025' puts ['2025'] on both sides"),
    ('"sovereignty", "semiconductors"', '"sovereignty", "semiconductor"', "focus.sovereignty[1]: 'semiconductor' is not a theme"),
    ('ai = ["ai",', 'ai = "ai"\nx = ["ai",', "focus.ai: expected a non-empty list"),
    ('theme = "human_capital"', 'theme = "training"', "cooperation.components[3].theme: 'training' is not a theme"),
    ('[targets.ranking]\ncase = "insensitive"', '[targets.ranking]\ncase = "loose"', "targets.ranking.case"),
    ("documents = '''\\b(?:Laos", "documents = '''\\b(?:Laos(", "cooperation.documents: bad regex"),
    ('[cooperation]', '[cooperation]\nleaders = 1', "cooperation: unknown key(s) 'leaders'"),
])
def test_errors_name_the_file_and_key(project, codebook, old, new, key):
    path = edit(project, old, new)
    with pytest.raises(StudyError) as info:
        study.load_study(path, codebook=codebook)
    assert str(path) in str(info.value) and key in str(info.value)


@pytest.mark.parametrize("periods, what", [
    ([("2016", "2016-01-01", "2016-12-31"), ("2017", "2016-12-31", "2017-12-31")], "overlap"),
    ([("2016", "2016-12-31", "2016-01-01")], "ends (2016-01-01) before it starts"),
    ([("2016", "2016-01-01", "2016-12-31"), ("2016", "2017-01-01", "2017-12-31")], "duplicate period label"),
    ([("undated", "2016-01-01", "2016-12-31")], "reserved"),
    ([("2016", "2016-13-01", "2016-12-31")], "expected a date"),
])
def test_bad_periods_are_named(project, codebook, periods, what):
    tables = "".join(f'[[periods]]\nlabel = "{label}"\nstart = "{start}"\nend = "{end}"\n\n'
                     for label, start, end in periods)
    path = edit(project, "[[comparisons]]", tables + "[[comparisons]]")
    with pytest.raises(StudyError) as info:
        study.load_study(path, codebook=codebook)
    assert str(path) in str(info.value) and "periods" in str(info.value) and what in str(info.value)


def test_comparison_must_name_an_explicit_period(project):
    path = edit(project, "[[comparisons]]", '[[periods]]\nlabel = "early"\nstart = 2016-01-01\nend = 2016-12-31\n\n'
                '[[comparisons]]')
    with pytest.raises(StudyError, match=r"comparisons\[0\]\.target: .*unknown period '2016' \(periods: early\)"):
        study.load_study(path)


@pytest.mark.parametrize("content, what", [
    (None, "study file not found"),
    (b"\xef\xbb\xbf[corpus]\n", "byte-order mark"),
    (b"[corpus]\x00\x01\x02", "binary"),
    (b"[corpus]\ntitle = 'caf\xe9'\n", "not valid UTF-8"),
    (b"[corpus\nsource = 1\n", "not valid TOML"),
    (b"[study]\ntitle = 'x'\n", "top level: missing key(s) 'corpus'"),
])
def test_unreadable_study_files_are_named(tmp_path, content, what):
    path = tmp_path / "data" / "study.toml"
    path.parent.mkdir()
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(StudyError) as info:
        study.load_study(path)
    assert str(path) in str(info.value) and what in str(info.value)


def test_fingerprint_follows_every_input(project):
    data = project / "data"
    paths = dict(raw=data / "raw", metadata=data / "metadata.csv", codebook=data / "codebook.toml",
                 study=data / "study.toml")
    first = study.corpus_fingerprint(**paths)
    assert first == study.corpus_fingerprint(**paths) and len(first) == 64
    seen = {first}
    (data / "raw" / "005_new.txt").write_text("date 2026-01-02\nTitre\n\nTexte.\n", encoding="utf-8")
    seen.add(study.corpus_fingerprint(**paths))  # a new page, not yet pinned
    from analysis import pinning
    pinning.pin(data / "raw")
    seen.add(study.corpus_fingerprint(**paths))  # now pinned
    for name in ("metadata.csv", "codebook.toml", "study.toml"):
        with open(data / name, "ab") as handle:
            handle.write(b"\n")
        seen.add(study.corpus_fingerprint(**paths))
    assert len(seen) == 6


def test_stamp_then_stale(project):
    data = project / "data"
    paths = dict(raw=data / "raw", metadata=data / "metadata.csv", codebook=data / "codebook.toml",
                 study=data / "study.toml")
    stamp = project / ".corpus-fingerprint"
    assert "run make figures" in study.stale_outputs(stamp, **paths)
    study.write_stamp(stamp, **paths)
    assert study.stale_outputs(stamp, **paths) is None
    with open(data / "metadata.csv", "ab") as handle:
        handle.write(b"\n")
    reason = study.stale_outputs(stamp, **paths)
    assert reason.startswith("notebook outputs are older than the corpus") and reason.endswith("run make figures")


def test_command_line_stamps_and_checks(project, monkeypatch, capsys):
    data = project / "data"
    for name, value in {"RAW": data / "raw", "METADATA": data / "metadata.csv", "CODEBOOK": data / "codebook.toml",
                        "STUDY": data / "study.toml", "FINGERPRINT": project / ".corpus-fingerprint"}.items():
        monkeypatch.setattr(study, name, value)
    assert study._main(["check"]) == 1
    assert "run make figures" in capsys.readouterr().out
    assert study._main(["stamp"]) == 0
    assert (project / ".corpus-fingerprint").read_text().strip() == study.corpus_fingerprint()
    assert study._main(["check"]) == 0
    assert study._main(["nonsense"]) == 2
