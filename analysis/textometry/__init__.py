"""Textometry: segments, Reinert classification, correspondence analysis, dispersion and trends.

The French tradition of lexical statistics (Alceste, IRaMuTeQ, TXM) in plain Python:

- :mod:`analysis.textometry.segments`   text segments of about 40 words
- :mod:`analysis.textometry.reinert`    Reinert's descending hierarchical classification
- :mod:`analysis.textometry.ca`         correspondence analysis of a contingency table
- :mod:`analysis.textometry.dispersion` where terms occur, and their frequency by period

Figures are drawn by :mod:`analysis.plots.textometry`. Importing prints nothing.
"""
from analysis.textometry.ca import CAResult, correspondence_analysis
from analysis.textometry.dispersion import dispersion_plot, occurrences, term_trends
from analysis.textometry.reinert import (
    ReinertResult,
    class_statistics,
    crossed_classes,
    grouped_chi2,
    merge_short_segments,
    reinert,
    reinert_double,
    segment_term_matrix,
    split_group,
)
from analysis.textometry.segments import split_segments

__all__ = [
    "CAResult", "ReinertResult", "class_statistics", "correspondence_analysis", "crossed_classes",
    "dispersion_plot", "grouped_chi2", "merge_short_segments", "occurrences", "reinert",
    "reinert_double", "segment_term_matrix", "split_group", "split_segments", "term_trends",
]
