"""SQLite storage and the Datasette site. Every SQL statement of Saraban lives in this package.

``db.store`` holds the verbs the pipeline calls (open_store, save_document,
already_seen, ...); ``db.schema`` derives the tables from the extractor
registry; ``db.load`` is the loop behind ``saraban ingest``; ``db.site`` builds
Datasette's metadata and serves the file; ``db.thai_search`` is the Datasette
plugin that makes the search box on ``pages`` work for Thai.
"""
