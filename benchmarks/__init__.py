"""Benchmarks of the analysis pipeline on seeded synthetic corpora (1,000 to 100,000 pages).

- :mod:`benchmarks.synth` writes deterministic synthetic page files and their ``metadata.csv``.
- :mod:`benchmarks.run` times each stage of our pipeline and two reference pipelines in fresh
  subprocesses, one per corpus size, and writes ``benchmarks/results/<date>.json`` and a figure.

Benchmarks are not part of ``make test``; run ``make bench`` (or ``make bench-smoke``).
Importing this package prints nothing and touches no file.
"""
