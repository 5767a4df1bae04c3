"""Extractors: normalized text in, typed records out. See extractors.registry."""
