"""Reinert's descending hierarchical classification (simple and double)."""
import warnings

import numpy as np
import pandas as pd
import pytest
from scipy import sparse
from scipy.stats import chi2_contingency
from sklearn.metrics import adjusted_rand_score

from analysis.errors import AnalysisError
from analysis.textometry import (
    class_statistics,
    grouped_chi2,
    merge_short_segments,
    reinert,
    reinert_double,
    split_group,
    split_segments,
)

# Lexical worlds: each segment draws words from one world plus a few shared words.
WORLDS = [
    "cybersécurité attaque réseau pirate protection menace incident logiciel vulnérabilité alerte "
    "chiffrement intrusion serveur riposte criminalité rançongiciel hameçonnage sauvegarde pare-feu audit",
    "riz récolte paysan irrigation engrais delta semence rizière coopérative exportation "
    "sécheresse crue culture verger bétail pêche élevage marché rendement grenier",
    "université étudiant bourse enseignant diplôme recherche laboratoire thèse campus formation "
    "examen professeur doctorat chercheur publication colloque bibliothèque cursus stage master",
    "port conteneur fret navire quai logistique douane cargaison entrepôt transbordement "
    "armateur tonnage terminal grue chenal remorqueur escale manutention portique dock",
    "hôpital patient médecin vaccin clinique infirmier chirurgie épidémie soin urgence "
    "diagnostic traitement pharmacie dépistage ordonnance consultation santé maternité lit ambulance",
]
SHARED = "vietnam développer renforcer national année projet gouvernement province objectif nouveau".split()


def planted(k, n_per=50, n_world=6, n_shared=4, seed=0):
    """Token lists of ``k * n_per`` segments from ``k`` disjoint vocabularies, shuffled."""
    rng = np.random.default_rng(seed)
    tokens, labels = [], []
    for w in range(k):
        vocab = WORLDS[w].split()
        for _ in range(n_per):
            words = list(rng.choice(vocab, n_world, replace=False)) + list(rng.choice(SHARED, n_shared, replace=False))
            tokens.append(words)
            labels.append(w)
    perm = rng.permutation(len(tokens))
    return [tokens[i] for i in perm], np.asarray(labels)[perm]


@pytest.mark.parametrize("k", [2, 3, 4, 5])
def test_recovers_planted_worlds(k):
    tokens, labels = planted(k, seed=k)
    result = reinert(tokens=tokens, k=k, random_state=1)
    assert result.k == k
    assert adjusted_rand_score(labels, result.classes.to_numpy()) >= 0.9
    # each class's top term belongs to the world most of its segments come from
    for cl in range(1, k + 1):
        world = np.bincount(labels[result.classes.to_numpy() == cl]).argmax()
        top = result.top_terms(1)
        assert top.loc[top["class"] == cl, "term"].iloc[0] in WORLDS[world].split()


def _direct_split_chi2(result, split):
    units = result.unit_of_segment
    left = np.unique(units[result.members[split.left]])
    right = np.unique(units[result.members[split.right]])
    cols = result.split_terms[split.node]
    table = np.vstack([np.asarray(result.matrix[left][:, cols].sum(axis=0)).ravel(),
                       np.asarray(result.matrix[right][:, cols].sum(axis=0)).ravel()])
    table = table[:, table.sum(axis=0) > 0]
    return chi2_contingency(table, correction=False).statistic


@pytest.mark.parametrize("min_segment_size", [0, 12])
def test_split_chi2_equals_direct_computation(min_segment_size):
    tokens, _ = planted(4, seed=7)
    doc_ids = np.repeat(np.arange(len(tokens) // 4), 4)  # four consecutive segments per document
    segments = pd.DataFrame({"doc_id": doc_ids, "text": [" ".join(t) for t in tokens]})
    result = reinert(segments, tokens=tokens, k=4, min_segment_size=min_segment_size, random_state=3)
    assert len(result.splits) == 3
    for split in result.splits.itertuples():
        assert split.chi2 == pytest.approx(_direct_split_chi2(result, split), rel=1e-9)
        assert split.n_left + split.n_right <= split.n_members
    if min_segment_size:
        assert result.matrix.shape[0] < len(tokens)  # some segments were merged
        # merged segments share their class
        classes = result.classes.to_numpy()
        for u in np.unique(result.unit_of_segment):
            assert len(set(classes[result.unit_of_segment == u])) == 1


def test_grouped_chi2_matches_scipy():
    rng = np.random.default_rng(0)
    X = sparse.csr_matrix(rng.integers(0, 2, size=(30, 12)))
    left = rng.random(30) < 0.4
    table = np.asarray(np.vstack([X[left].sum(axis=0), X[~left].sum(axis=0)]))
    table = table[:, table.sum(axis=0) > 0]
    assert grouped_chi2(X, left) == pytest.approx(chi2_contingency(table, correction=False).statistic, rel=1e-12)


def test_reassignment_reaches_a_local_optimum():
    rng = np.random.default_rng(5)
    X = sparse.csr_matrix((rng.random((40, 15)) < 0.3).astype(int))
    X = X[np.asarray(X.sum(axis=1)).ravel() > 0]
    X = X[:, np.asarray(X.sum(axis=0)).ravel() > 0]
    left, chi2 = split_group(X, random_state=0)
    assert chi2 == pytest.approx(grouped_chi2(X, left), rel=1e-12)
    for i in range(X.shape[0]):
        moved = left.copy()
        moved[i] = not moved[i]
        if moved.any() and not moved.all():
            assert grouped_chi2(X, moved) <= chi2 * (1 + 1e-9)


def test_same_random_state_same_classes():
    tokens, _ = planted(5, seed=11)
    a = reinert(tokens=tokens, k=6, random_state=42)
    b = reinert(tokens=tokens, k=6, random_state=42)
    pd.testing.assert_series_equal(a.classes, b.classes)
    pd.testing.assert_frame_equal(a.splits, b.splits)
    pd.testing.assert_frame_equal(a.terms, b.terms)


def test_merge_short_segments():
    counts = sparse.csr_matrix(np.array([[3], [2], [9], [1], [5], [1], [1]]))
    docs = ["a", "a", "a", "a", "b", "c", "c"]
    groups = merge_short_segments(counts, docs, 5)
    # a: 3+2 -> group 0, 9 -> 1, 1 (short, last) joins 1; b: 5 -> 2; c: 1+1 stays alone -> 3
    assert groups.tolist() == [0, 0, 1, 1, 2, 3, 3]
    assert merge_short_segments(counts, docs, 0).tolist() == list(range(7))


def test_class_statistics_signed_chi2():
    X = sparse.csr_matrix(np.array([[1, 0], [1, 0], [1, 1], [0, 1], [0, 1], [0, 1]]))
    classes = np.array([1, 1, 1, 2, 2, 0])
    terms, segs = class_statistics(X, classes, ["numérique", "riz"], n_segments=2)
    row = terms[(terms["class"] == 1) & (terms.term == "numérique")].iloc[0]
    table = np.array([[3, 0], [0, 2]])  # class 1 / class 2 x with / without (unclassified left out)
    assert row.chi2 == pytest.approx(chi2_contingency(table, correction=False).statistic)
    riz = terms[(terms["class"] == 1) & (terms.term == "riz")].iloc[0]
    assert riz.chi2 < 0 and riz.n_class == 1 and riz.n_total == 3
    assert set(segs["class"]) == {1, 2}


def test_double_keeps_only_classes_of_both_simple_classifications():
    tokens, labels = planted(4, n_per=40, seed=2)
    order = np.argsort(labels, kind="stable")  # documents of two segments from the same world
    tokens, labels = [tokens[i] for i in order], labels[order]
    doc_ids = np.repeat(np.arange(len(tokens) // 2), 2)
    segments = pd.DataFrame({"doc_id": doc_ids, "text": [" ".join(t) for t in tokens]})
    r1 = reinert(segments, tokens=tokens, k=5, min_segment_size=0, random_state=0)
    r2 = reinert(segments, tokens=tokens, k=5, min_segment_size=15, random_state=1)
    d = reinert_double(segments, tokens=tokens, k=5, result1=r1, result2=r2, min_members=5, min_chi2=3.84)
    classes = d.classes.to_numpy()
    assert d.k >= 2
    for cl in range(1, d.k + 1):
        members = np.flatnonzero(classes == cl)
        assert len(members) >= 5
        in1 = [nd for nd, m in r1.members.items() if nd and set(members) <= set(m)]
        in2 = [nd for nd, m in r2.members.items() if nd and set(members) <= set(m)]
        assert in1 and in2  # inside one class (node) of each simple classification
        # and it is exactly the crossing of the smallest such nodes
        n1 = min(in1, key=lambda nd: len(r1.members[nd]))
        n2 = min(in2, key=lambda nd: len(r2.members[nd]))
        assert set(members) == set(r1.members[n1]) & set(r2.members[n2])
    kept = d.crossed[d.crossed.kept]
    assert (kept.n >= 5).all() and (kept.chi2 >= 3.84).all()
    for cl in range(1, d.k + 1):  # each stable class is (almost) one planted world
        assert np.bincount(labels[classes == cl]).max() / (classes == cl).sum() >= 0.9
    assert d.share_classified == pytest.approx((classes > 0).mean())


def test_double_prefers_high_chi2_and_respects_min_members():
    tokens, _ = planted(3, n_per=30, seed=4)
    segments = pd.DataFrame({"doc_id": np.arange(len(tokens)), "text": [" ".join(t) for t in tokens]})
    d = reinert_double(segments, tokens=tokens, k=3, min_segment_size1=0, min_segment_size2=0,
                       min_members=1000, random_state=0)
    assert d.k == 0 and d.share_classified == 0  # no crossed class is big enough


def test_seed_corpus_classification(seed_raw, seed_metadata):
    from analysis.corpus import load_corpus

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        units = load_corpus(seed_raw, seed_metadata)
    segments = split_segments(units[units.kind == "article"])
    result = reinert(segments, k=4, random_state=0)
    assert result.classes.index.equals(segments.index)
    sizes = result.class_sizes()
    assert sizes.n_segments.sum() == len(segments)
    top = result.segments[result.segments["rank"] == 1]
    for row in top.itertuples():  # the top segment of each class is in that class
        assert result.classes.loc[row.segment] == row[1]
        assert row.text == segments.text.loc[row.segment]


def test_bad_parameters():
    tokens, _ = planted(2)
    with pytest.raises(AnalysisError):
        reinert(tokens=tokens, k=1)
    with pytest.raises(AnalysisError):
        reinert(tokens=tokens, k=3, cc_test=2)
    with pytest.raises(AnalysisError):
        reinert_double(tokens=tokens, k=3, criterion="size")


def test_best_cut_scans_every_prefix():
    from analysis.textometry.reinert import _best_cut

    rng = np.random.default_rng(8)
    X = sparse.csr_matrix((rng.random((25, 10)) < 0.35).astype(int))
    X = X[np.asarray(X.sum(axis=1)).ravel() > 0]
    X = X[:, np.asarray(X.sum(axis=0)).ravel() > 0]
    order = rng.permutation(X.shape[0])
    left, chi2 = _best_cut(X, order)
    direct = []
    for i in range(1, X.shape[0]):
        mask = np.zeros(X.shape[0], dtype=bool)
        mask[order[:i]] = True
        direct.append(grouped_chi2(X, mask))
    assert chi2 == pytest.approx(max(direct), rel=1e-9)
    assert grouped_chi2(X, left) == pytest.approx(chi2, rel=1e-9)


def test_plot_reinert_lists_every_class():
    import matplotlib.pyplot as plt

    from analysis.plots.textometry import plot_reinert

    tokens, _ = planted(3, seed=9)
    result = reinert(tokens=tokens, k=3, random_state=0)
    fig = plot_reinert(result, n_top_words=3)
    labels = [t.get_text() for t in fig.axes[0].texts]
    assert len(labels) == 3 and all(label.startswith(f"class {i + 1} ") for i, label in enumerate(labels))
    plt.close(fig)
