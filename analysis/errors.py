"""The package's error types: one base class, one subclass per kind of input.

Every error raised on bad user input is a subclass of :class:`AnalysisError`, so a caller (the
command line, a notebook) can catch them all, and each names the file (and line, row or key) and
what is wrong. Importing this module creates nothing.
"""


class AnalysisError(Exception):
    """Base class of every error this package raises on bad input."""


class CorpusError(AnalysisError):
    """A corpus source (folder, page, table, HTML or IRaMuTeQ file) cannot be read as asked."""


class MetadataError(CorpusError):
    """The metadata table is malformed (names the file, the physical line and the column)."""


class ChecksumError(CorpusError):
    """Pinning or verifying ``SHA256SUMS`` failed (names the page)."""


class CodebookError(AnalysisError, ValueError):
    """The theme codebook is malformed (names the file and the key)."""


class StudyError(AnalysisError, ValueError):
    """The study file (periods, comparisons, focus themes) is malformed (names the file and key)."""


class ClaimError(AnalysisError):
    """A sentence of a notebook's prose is no longer supported by the data."""


class CorpusWarning(UserWarning):
    """A problem with one file that did not stop the rest from loading (names the file)."""
