"""Correspondence analysis against direct computations."""
import numpy as np
import pandas as pd
import pytest
from scipy.stats import chi2_contingency

from analysis.errors import AnalysisError
from analysis.textometry import correspondence_analysis

# Terms x periods counts, made up for the test.
TABLE = pd.DataFrame(
    [[12, 30, 41, 9], [25, 8, 6, 14], [3, 17, 22, 40], [19, 21, 5, 2], [7, 7, 30, 11]],
    index=["numérique", "coopération", "IA", "cybersécurité", "souveraineté"],
    columns=["2016", "2020", "2024", "2025"],
)


def direct_ca(table):
    """CA written out from its definition: SVD of the standardized residuals."""
    X = table.to_numpy(float)
    P = X / X.sum()
    r, c = P.sum(1), P.sum(0)
    S = np.diag(r ** -0.5) @ (P - np.outer(r, c)) @ np.diag(c ** -0.5)
    U, s, Vt = np.linalg.svd(S)
    return s ** 2, np.diag(r ** -0.5) @ U[:, :3] * s[:3], np.diag(c ** -0.5) @ Vt[:3].T * s[:3]


def test_eigenvalues_and_coordinates_equal_direct_svd():
    result = correspondence_analysis(TABLE, n_components=3)
    eig, F, G = direct_ca(TABLE)
    np.testing.assert_allclose(result.eigenvalues, eig[:3], atol=1e-9)
    for j in range(3):  # axes are defined up to sign
        sign = np.sign(F[:, j] @ result.row_coordinates[j + 1].to_numpy())
        np.testing.assert_allclose(result.row_coordinates[j + 1], sign * F[:, j], atol=1e-9)
        np.testing.assert_allclose(result.column_coordinates[j + 1], sign * G[:, j], atol=1e-9)
    chi2 = chi2_contingency(TABLE.to_numpy(), correction=False).statistic
    assert result.total_inertia == pytest.approx(chi2 / TABLE.to_numpy().sum(), rel=1e-12)
    assert result.eigenvalues.sum() == pytest.approx(result.total_inertia, rel=1e-12)
    assert result.explained_inertia.sum() == pytest.approx(1.0)


def test_contributions_cos2_and_transition_formula():
    result = correspondence_analysis(TABLE, n_components=3)
    np.testing.assert_allclose(result.row_contributions.sum(), 1.0, atol=1e-12)
    np.testing.assert_allclose(result.column_contributions.sum(), 1.0, atol=1e-12)
    np.testing.assert_allclose(result.row_cos2.sum(axis=1), 1.0, atol=1e-12)  # all axes kept
    # barycentric relation: rows are the weighted mean of columns, divided by sqrt(eigenvalue)
    profiles = TABLE.to_numpy(float) / TABLE.to_numpy(float).sum(1, keepdims=True)
    G = result.column_coordinates.to_numpy()
    np.testing.assert_allclose(profiles @ G / np.sqrt(result.eigenvalues),
                               result.row_coordinates.to_numpy(), atol=1e-9)


def test_hand_worked_example():
    # 2 x 2: expected 15 in each cell, chi2 = 4 * 25 / 15 = 20/3, N = 60, inertia = 1/9.
    table = pd.DataFrame([[20, 10], [10, 20]], index=["a", "b"], columns=["x", "y"])
    result = correspondence_analysis(table)
    assert result.total_inertia == pytest.approx(1 / 9)
    np.testing.assert_allclose(result.eigenvalues, [1 / 9])
    # profiles (2/3, 1/3) and (1/3, 2/3) around (1/2, 1/2): chi2 distance 1/3 on each side
    np.testing.assert_allclose(np.abs(result.row_coordinates[1]), [1 / 3, 1 / 3])
    assert result.row_coordinates.loc["a", 1] == pytest.approx(-result.row_coordinates.loc["b", 1])
    assert list(result.row_coordinates.columns) == [1]  # a single axis
    np.testing.assert_allclose(result.row_contributions[1], [0.5, 0.5])


def test_bad_tables():
    with pytest.raises(AnalysisError, match="souveraineté"):
        table = TABLE.copy()
        table.loc["souveraineté"] = 0
        correspondence_analysis(table)
    with pytest.raises(AnalysisError):
        correspondence_analysis(TABLE * -1)
    with pytest.raises(AnalysisError):
        correspondence_analysis(TABLE[["2016"]])


def test_biplot_labels_columns_and_groups_coincident_rows():
    import matplotlib.pyplot as plt

    from analysis.plots.textometry import plot_ca

    table = TABLE.copy()
    table.loc["numérisation"] = table.loc["numérique"] * 2  # same profile: same point as numérique
    fig = plot_ca(correspondence_analysis(table), n_labels=6)
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert set(TABLE.columns) <= set(labels)
    assert {"numérique", "numérisation"} in [set(label.split(", ")) for label in labels]
    plt.close(fig)


def test_biplot_moves_labels_for_the_asked_number_of_iterations(monkeypatch):
    import adjustText
    import matplotlib.pyplot as plt

    from analysis.plots.textometry import plot_ca

    asked = []
    real = adjustText.adjust_text

    def recording(texts, **kwargs):
        asked.append(kwargs["iter_lim"])
        return real(texts, **kwargs)

    monkeypatch.setattr(adjustText, "adjust_text", recording)
    ca = correspondence_analysis(TABLE)
    plt.close(plot_ca(ca, n_labels=6))
    plt.close(plot_ca(ca, n_labels=6, label_iterations=7))
    assert asked == [100, 7]
