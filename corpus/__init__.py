"""Reference data shipped with Saraban, each list loaded once by one cached function.

>>> goals()[0]["th_short"]
'ขจัดความยากจน'
>>> len(targets()), "5.b" in targets(), "11.8" in targets()
(169, True, False)
>>> agency_codes()["มท"]["name"]
'กระทรวงมหาดไทย'
"""
from __future__ import annotations

import json
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any


def _load(name: str) -> Any:
    return json.loads(resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8"))


@cache
def goals() -> list[dict[str, Any]]:
    """The 17 SDGs: ``goal``, ``th_short``, ``th_long``, ``en_short``, ``en_long``."""
    return _load("sdg_goals.json")


@cache
def targets() -> frozenset[str]:
    """The 169 official SDG target ids, ``"1.1"`` … ``"17.19"``, letters lowercase."""
    return frozenset(_load("sdg_targets.json"))


@cache
def provinces() -> list[dict[str, str]]:
    """The 77 provinces: ``name_th``, ``name_en``, ``abbr_th`` (from PyThaiNLP)."""
    return _load("provinces.json")


@cache
def agency_codes() -> dict[str, dict[str, str]]:
    """Agency codes of reference numbers (``มท``, ``พล``) -> ``{"code", "name", "kind"}``."""
    return {row["code"]: row for row in _load("agency_codes.json")}


@cache
def units() -> tuple[str, ...]:
    """Counting units of spec/extraction.md, longest first so a compound finds its head."""
    return tuple(sorted(_load("units.json")["units"], key=len, reverse=True))


@cache
def unit_aliases() -> dict[str, str]:
    """Unit spellings read as another unit (``อปท.`` -> ``องค์กรปกครองส่วนท้องถิ่น``)."""
    return _load("units.json")["aliases"]


@cache
def english_units() -> dict[str, str]:
    """English unit words (``villages``, ``households``) -> the unit of :func:`units` they count."""
    return _load("units.json")["english"]


@cache
def months() -> list[dict[str, Any]]:
    """Thai and English month names and abbreviations, January first."""
    return _load("months.json")


def samples_dir() -> Path:
    """The folder of bundled sample documents the README's demo reads."""
    return Path(str(resources.files(__package__).joinpath("samples")))


@cache
def unit_non_heads() -> frozenset[str]:
    """Words that begin with a unit's letters but are not that unit (``ข้อมูล`` is not ``ข้อ``)."""
    return frozenset(_load("units.json").get("not_heads", []))
