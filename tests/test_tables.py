"""Tables to cite: deterministic CSV files."""
import pandas as pd
import pytest

from analysis.tables import save_table


def test_save_table_is_deterministic_utf8_with_fixed_floats(tmp_path):
    df = pd.DataFrame({"term": ["souveraineté", "IA"], "G2": [12.3456789123, 1 / 3], "n": [3, 1]})
    path = save_table(df, "03_keyness", tmp_path)
    assert path == tmp_path / "03_keyness.csv"
    data = path.read_bytes()
    assert data == "term,G2,n\nsouveraineté,12.3457,3\nIA,0.333333,1\n".encode("utf-8")
    assert save_table(df, "03_keyness.csv", tmp_path).read_bytes() == data
    assert [p.name for p in tmp_path.iterdir()] == ["03_keyness.csv"]


@pytest.mark.parametrize("name", ["keyness", "3_x", "03_", "../03_x", "03_a/b"])
def test_save_table_refuses_names_that_are_not_nn_name(tmp_path, name):
    with pytest.raises(ValueError, match="NN_name"):
        save_table(pd.DataFrame({"a": [1]}), name, tmp_path)
