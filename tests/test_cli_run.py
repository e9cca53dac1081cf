"""``vn-discourse run``: the scalable pipeline from the command line (needs analysis.pipeline)."""
import io

import pandas as pd
from click.testing import CliRunner

from analysis.cli import main


def test_run_writes_the_theme_matches_and_reports_progress(seed_raw, tmp_path):
    out = tmp_path / "matches.csv"
    result = CliRunner().invoke(main, ["run", "-s", str(seed_raw), "--n-jobs", "1", "--chunk-size", "2",
                                       "--out-dir", str(tmp_path / "out"), "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    matches = pd.read_csv(out)
    assert "theme" in matches.columns and len(matches) > 0
    assert "theme matches" in result.stderr
    # the same run on standard output gives the same table
    again = CliRunner().invoke(main, ["run", "-s", str(seed_raw), "--n-jobs", "1"])
    assert again.exit_code == 0, again.stderr
    pd.testing.assert_frame_equal(pd.read_csv(io.StringIO(again.stdout)), matches)


def test_run_missing_source_is_one_line(tmp_path):
    result = CliRunner().invoke(main, ["run", "-s", str(tmp_path / "nowhere")])
    assert result.exit_code == 1
    assert result.stderr.strip().splitlines() == [f"Error: {tmp_path / 'nowhere'}: no such file or folder"]
