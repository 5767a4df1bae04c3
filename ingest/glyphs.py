"""Text for the glyphs a PDF left unmapped, from the embedded font's own tables.

A CID TrueType font with no ToUnicode map (Microsoft Reporting Services,
some Office exports) leaves the reader to find each glyph's character.
pdfminer reverses the embedded font's ``cmap``, but two kinds of glyph stay
``(cid:N)``:

- glyphs of a format-4 ``cmap`` segment that uses ``idRangeOffset``:
  pdfminer.six (20260107) reads that segment's glyph array from the wrong
  place (it leaves out the segment's own offset, ``2 * i``), so Thai tone
  marks and thanthakhat of r14 come out as ``(cid:917)``, ``(cid:918)``...;
- positional variants a shaper put in by the font's ``GSUB`` (a mai ek
  raised over sara ii, ``glyph00999``): no ``cmap`` entry points at them at
  all, but the single substitution that made them names their base glyph.

fontTools reads both tables correctly; a substitution read backwards gives
a variant the character of its base. Only ``(cid:N)`` characters are
touched: a glyph pdfminer mapped keeps its text.
"""
from __future__ import annotations

import io
import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any

from pdfminer.pdftypes import resolve1, stream_value
from pdfminer.psparser import PSLiteral, literal_name

log = logging.getLogger(__name__)

_CID = re.compile(r"\(cid:(\d+)\)")
# GSUB lookup types read backwards: single (1) and alternate (3) substitution give one
# glyph for one, so the variant is its base's character; an extension (7) wraps either.
_SINGLE, _ALTERNATE, _EXTENSION = 1, 3, 7

GlyphMap = dict[int, str]        # CID -> text


def unmapped_glyph_text(page: Any) -> dict[str, GlyphMap]:
    """{font name as pdfplumber gives it: {CID: text}} for a pdfplumber page's CID TrueType fonts.

    Only fonts without a ToUnicode map and with an embedded TrueType
    (``FontFile2``) are read; a font that cannot be read is left out.
    """
    maps: dict[str, GlyphMap] = {}
    for spec in _font_specs(page.page_obj.resources):
        try:
            name, glyphs = _font_glyphs(spec)
        except Exception as err:  # a damaged font program: its glyphs stay (cid:N)
            log.debug("embedded font unreadable: %s", err)
            continue
        if not glyphs:
            continue
        if name in maps:       # two subsets under one name: keep what they agree on
            glyphs = {cid: t for cid, t in glyphs.items() if maps[name].get(cid, t) == t}
        maps[name] = {**maps.get(name, {}), **glyphs}
    return maps


def map_unmapped_glyphs(chars: Iterable[Mapping[str, Any]], maps: Mapping[str, GlyphMap]) -> list[Mapping[str, Any]]:
    """``chars`` with each ``(cid:N)`` that its font's tables map replaced by its character.

    >>> chars = [{"text": "ท", "fontname": "F"}, {"text": "(cid:917)", "fontname": "F"}, {"text": "(cid:5)", "fontname": "G"}]
    >>> [c["text"] for c in map_unmapped_glyphs(chars, {"F": {917: "\\u0e48"}})]
    ['ท', '่', '(cid:5)']
    """
    out: list[Mapping[str, Any]] = []
    for ch in chars:
        glyphs = maps.get(ch.get("fontname"))
        if glyphs and "(cid:" in ch["text"]:
            text = _CID.sub(lambda m: glyphs.get(int(m.group(1)), m.group()), ch["text"])
            if text != ch["text"]:
                ch = {**ch, "text": text}
        out.append(ch)
    return out


def _font_specs(resources: Any, depth: int = 0) -> Iterable[Mapping[str, Any]]:
    """The font dictionaries of a resource dictionary and of the forms it holds (3 levels deep)."""
    resources = resolve1(resources) or {}
    fonts = resolve1(resources.get("Font")) or {}
    for ref in fonts.values():
        spec = resolve1(ref)
        if isinstance(spec, dict):
            yield spec
    if depth >= 3:
        return
    for ref in (resolve1(resources.get("XObject")) or {}).values():
        xobject = resolve1(ref)
        attrs = getattr(xobject, "attrs", {})
        if _name(attrs.get("Subtype")) == "Form" and "Resources" in attrs:
            yield from _font_specs(attrs["Resources"], depth + 1)


def _font_glyphs(spec: Mapping[str, Any]) -> tuple[str, GlyphMap]:
    """(the name pdfminer gives the font, {CID: text}) of a Type0 font over an embedded TrueType."""
    if _name(spec.get("Subtype")) != "Type0" or "ToUnicode" in spec:
        return "", {}
    descendant = resolve1(resolve1(spec.get("DescendantFonts"))[0])
    if _name(descendant.get("Subtype")) != "CIDFontType2":
        return "", {}
    descriptor = resolve1(descendant.get("FontDescriptor")) or {}
    program = descriptor.get("FontFile2")
    if program is None:
        return "", {}
    # the name as pdfminer's PDFFont sets it, which pdfplumber passes on as "fontname"
    name = resolve1(descriptor.get("FontName", "unknown"))
    name = literal_name(name) if isinstance(name, PSLiteral) else name
    by_gid = _glyph_characters(stream_value(program).get_data())
    cid_to_gid = _cid_to_gid(descendant.get("CIDToGIDMap"))
    if cid_to_gid is None:                                # Identity: CID = GID
        return name, by_gid
    return name, {cid: by_gid[gid] for cid, gid in cid_to_gid.items() if gid in by_gid}


def _cid_to_gid(value: Any) -> dict[int, int] | None:
    value = resolve1(value)
    if value is None or isinstance(value, PSLiteral):
        return None
    data = stream_value(value).get_data()
    return {cid: (data[2 * cid] << 8) | data[2 * cid + 1] for cid in range(len(data) // 2)}


def _glyph_characters(program: bytes) -> dict[int, str]:
    """{glyph id: character} from a TrueType's cmap, and through its GSUB to the variants."""
    from fontTools.ttLib import TTFont    # only PDFs with unmapped CID glyphs need it

    font = TTFont(io.BytesIO(program), lazy=True)
    order = font.getGlyphOrder()
    by_name: dict[str, str] = {}
    for table in font["cmap"].tables:
        if table.isUnicode():
            for code, glyph in sorted(table.cmap.items(), reverse=True):   # the lowest code wins
                by_name[glyph] = chr(code)
    if "GSUB" in font:
        for base, variant in _substitutions(font["GSUB"].table):
            if base in by_name and variant not in by_name:
                by_name[variant] = by_name[base]
    ids = {glyph: gid for gid, glyph in enumerate(order)}
    return {ids[glyph]: char for glyph, char in by_name.items() if glyph in ids}


def _substitutions(gsub: Any) -> Iterable[tuple[str, str]]:
    """(base glyph, variant glyph) of every one-for-one substitution of a GSUB table."""
    for lookup in gsub.LookupList.Lookup if gsub.LookupList else ():
        for sub in lookup.SubTable:
            kind = lookup.LookupType
            if kind == _EXTENSION:
                sub, kind = sub.ExtSubTable, sub.ExtSubTable.LookupType
            if kind == _SINGLE:
                yield from sub.mapping.items()
            elif kind == _ALTERNATE:
                for base, variants in sub.alternates.items():
                    for variant in variants:
                        yield base, variant


def _name(value: Any) -> str:
    value = resolve1(value)
    return literal_name(value) if isinstance(value, PSLiteral) else str(value or "")
