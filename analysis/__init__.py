"""vn-digital-discourse: the analysis pipeline behind the notebooks.

Stages (each a plain module whose objects are pandas DataFrames or scipy sparse matrices):

- :mod:`analysis.corpus`   raw pages -> units (article | related) and paragraphs
- :mod:`analysis.text`     French normalization, tokens, lemmas, stopwords, multiword terms
- :mod:`analysis.features` document-term matrices, TF-IDF, keyness
- :mod:`analysis.themes`   the theme codebook, counts, prevalence with intervals
- :mod:`analysis.topics`   NMF / LDA, coherence, stability, choice of k
- :mod:`analysis.plots`    figures

Importing the package prints nothing and touches no file.
"""

__version__ = "0.1.0"

from analysis.concordance import kwic  # noqa: E402  (``analysis.kwic(units, pattern, window=...)``)

__all__ = ["kwic"]
