"""The bottom layer: what every other layer may import, and which imports nothing of Saraban.

``errors`` (one typed error per kind of bad input, each carrying the file's
path), ``options`` (the read options that travel from the command line to
every page) and the version.
"""
__version__ = "0.2.0"
