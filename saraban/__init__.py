"""Saraban: Thai government paperwork to structured records.

The installed package holds every layer under one name (the folders stay at
the top of the repository, mapped by setuptools' ``package-dir``), from the
bottom up: ``saraban.core``; ``saraban.corpus``, ``saraban.normalizers``,
``saraban.extractors``; ``saraban.ingest`` and ``saraban.db``; and on top
``saraban.pipeline``, the runners ``saraban.batch`` and ``saraban.watch``, and
``saraban.cli``.
"""
from saraban.core import __version__

__all__ = ["__version__"]
