"""Theme coding with a plain-text codebook: matches, counts, KWIC, prevalence, co-occurrence.

The themes (sovereignty, AI, Resolution 57-NQ/TW, cybersecurity, ...) are defined in a TOML
file a researcher edits without touching code, ``data/codebook.toml``
(:data:`analysis.paths.CODEBOOK`). Each theme has an id, a definition, inclusion and exclusion
rules in prose, positive and negative examples, and

- **patterns**: Python regular expressions, each with an explicit case rule (``"sensitive"`` for
  acronyms such as ``IA``, ``TIC``, ``5G``; ``"insensitive"`` for words, so that uppercase
  headlines match) and optionally a sub-frame, a cue required in the same sentence, or an
  item regex for lists ("les résolutions 57, 59 et 68");
- **exclusions**: regexes whose matches veto any overlapping match of the theme
  ("sécurité alimentaire", "fonds souverain", ministerial portfolio names);
- **context rules**: regexes that give a sub-frame to a match from its sentence.

Matching is done on :func:`analysis.text.normalize` of the text (NFC, every apostrophe is ASCII
``'``, white space folded), so ``l’IA`` and ``l'IA`` are the same string and all offsets
(``start``, ``end``) refer to the normalized text. Overlapping matches of one theme count once.
A match never spans a blank line (paragraph break), so a page's count is the sum of its
paragraphs' counts.

Public API
----------
- :func:`code_themes` (the matches table: one row per match with unit, paragraph, theme,
  sub-frame, rule, offsets, matched text and sentence);
- :func:`load_codebook`, :func:`get_codebook` (cached), :func:`codebook_table` (one row per
  theme, for a methods section);
- :func:`theme_matches` (one row per match: the evidence), :func:`count_themes` (texts x themes),
  :func:`theme_kwic` (keyword in context for one theme, with sub-frames);
- :func:`add_period`, :func:`prevalence` (rates per 1,000 words by group with stratified
  bootstrap intervals; refuses to pool articles with undated teasers over time);
- :func:`cooccurrence`, :func:`cooccurrence_stats` (paragraph-level co-occurrence, Jaccard, lift);
- :func:`load_validation`, :func:`validate` (precision/recall per theme against
  ``tests/data/theme_validation.csv``, the tuning set, or :data:`VALIDATION_HOLDOUT`, sentences
  the patterns were not written for), :func:`validation_errors` (the disagreements);
- figures in :mod:`analysis.plots.themes`; who speaks in :mod:`analysis.speakers`.

Rates are per 1,000 words, with :func:`analysis.text.count_words` (the ``n_words`` column of the
paragraph table) as the denominator.

The work is split in four modules, re-exported here (this module is the public facade):
:mod:`analysis.codebook` (schema, loading, validation, the backtracking check),
:mod:`analysis.matching` (the engine), :mod:`analysis.matches` (the **matches table** of
:func:`code_themes`, cached per text and codebook version; :func:`theme_matches`,
:func:`count_themes`, :func:`theme_kwic` are views of it) and :mod:`analysis.themestats`
(prevalence, co-occurrence, validation, all reading the matches table; each accepts
``matches=`` and otherwise codes once through the cache).

Importing this module reads no file; the codebook is read on first use and cached (it is read
again when the file changes).
"""

from __future__ import annotations

from analysis.codebook import (  # noqa: F401
    CASE_RULES, CODEBOOK, Codebook, Pattern, Person, Rule, Theme, codebook_table, get_codebook,
    load_codebook,
)
from analysis.errors import CodebookError  # noqa: F401
from analysis.matches import (  # noqa: F401
    MATCH_COLUMNS, clear_cache, code_themes, count_themes, theme_kwic, theme_matches,
)
from analysis.regex_syntax import safety_problem  # noqa: F401
from analysis.themestats import (  # noqa: F401
    TIME_COLUMNS, VALIDATION, VALIDATION_HOLDOUT, VALIDATION_HOLDOUT_FIRST_RUN, add_period,
    cooccurrence, cooccurrence_stats, load_validation, prevalence, validate, validation_errors,
)

__all__ = [
    "CASE_RULES", "CODEBOOK", "Codebook", "CodebookError", "MATCH_COLUMNS", "Pattern", "Person",
    "Rule", "TIME_COLUMNS", "Theme", "VALIDATION", "VALIDATION_HOLDOUT",
    "VALIDATION_HOLDOUT_FIRST_RUN", "add_period", "clear_cache", "code_themes",
    "codebook_table", "cooccurrence", "cooccurrence_stats", "count_themes", "get_codebook",
    "load_codebook", "load_validation", "prevalence", "safety_problem", "theme_kwic",
    "theme_matches", "validate", "validation_errors",
]
