"""SQLite storage and the Datasette site. Every SQL statement of Saraban lives in this package.

``db.store`` holds the verbs the pipeline calls (open_store, save_document,
already_seen, ...); ``db.schema`` derives the tables from the extractor
registry; ``db.site`` builds Datasette's metadata and serves the file.
"""
