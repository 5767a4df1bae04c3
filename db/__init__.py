"""SQLite storage and the Datasette site. Every SQL statement of Saraban lives in this package.

``db.store`` holds the verbs the runners call (open_store, save_document,
already_seen, ...) and the plain data they take (StoredDocument); ``db.schema``
derives the tables from the extractor registry; ``db.site`` builds Datasette's
metadata and serves the file; ``db.thai_search`` is the Datasette plugin that
makes the search box on ``pages`` work for Thai. Nothing here knows the
pipeline or the file readers: they sit on other floors.
"""
