"""Benchmarks of the analysis pipeline on seeded synthetic corpora (1,000 to 100,000 pages).

- :mod:`benchmarks.synth` writes deterministic synthetic page files and their ``metadata.csv``.
- :mod:`benchmarks.run` times :func:`analysis.pipeline.run` stage by stage (every page), its Dask
  backend and the reference pipelines in fresh subprocesses, one set per corpus size, and writes
  ``benchmarks/results/<date>.json`` and a figure.
- :mod:`benchmarks.notebooks` times ``make figures`` against the serial floor of as many
  notebooks that only import the stack.
- :mod:`benchmarks.large_page` times loading one very large page.

Benchmarks are not part of ``make test``; run ``make bench`` (or ``make bench-smoke``).
Importing this package prints nothing and touches no file.
"""
