"""Extractor for the `references` field of spec/extraction.md: official letter numbers.

The format (ระเบียบสำนักนายกรัฐมนตรีว่าด้วยงานสารบรรณ): ``ที่`` then the agency
code in Thai letters (``มท``, ``พล``), the office code in digit groups
(``0204.4``), a slash, ``ว`` for a circular letter, and the serial:
``ที่ มท ๐๒๐๔.๔/ว ๑๐๑๐๔``. Scans and typists vary the spacing and dots
(``กค. 0530.3/ว.61``, ``มท 0893.2/ว1918``, ``กค405.4/ว 395``) and OCR
drops the tone mark of ``ที่``; all of these are read here. A department's
letters in brackets after the ministry's code (``กค (กวจ) 0405.2/ว 119``, the
Comptroller General's) are kept in ``normalized``: ``กค (กวจ) 0405.2/ว119``.

A range of serials (``ว ๑๐๑๐๔ - ว ๑๐๑๐๗``) gives both ends, and serials
joined by ``และ`` or a comma share the agency and office code of the first.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from saraban.corpus import agency_codes
from saraban.extractors.records import Record

VERSION = "6"

_SP = r"[^\S\n]"        # horizontal white space: a reference never spans two lines
_THAI = r"\u0e00-\u0e7f"
_SLASH = r"[/／]"
# "ว" (circular letter), written "ว", "ว.", "ว .", before the serial
_CIRCULAR = rf"ว{_SP}*\.?{_SP}*"

_REFERENCE_RE = re.compile(
    # "ที่" (or OCR's "ที", "ท่ี" with its marks swapped) before the code, or at least no Thai letter glued in front;
    # OCR also glues a "ที่" that lost its vowel onto the code ("ท่มท ๐๒๑๐.๕/ว๒๔๗๖", r07 of the real
    # scans): then only a known agency code is taken (see extract_references)
    rf"(?:(?:ที่|ท่ี|ที){_SP}*[:：]?{_SP}*|(?<![{_THAI}A-Za-z])(?P<glued>ท[\u0e34-\u0e37]?[\u0e48\u0e49](?=[ก-ฮ]))?)"
    rf"(?P<agency>[ก-ฮ]{{2,4}})(?:{_SP}*\.)?{_SP}*"
    # the issuing department in brackets after the ministry's code: "กค (กวจ) 0405.2/ว 119"
    rf"(?:\({_SP}?(?P<dept>[ก-ฮ]{{2,6}})\.?{_SP}?\){_SP}*)?"
    # office code: digit groups joined by dots ("0204.4", "0032.005", OCR's "0204,4"),
    # sometimes with a unit's letters or number in brackets ("นร 0403(กร)", "อว 0601(1)")
    rf"(?P<office>[0-9]{{2,6}}(?:{_SP}?[.,]{_SP}?[0-9]{{1,4}}){{0,3}}(?:{_SP}?\({_SP}?[ก-ฮ0-9.]{{1,8}}{_SP}?\))?)"
    # the slash; OCR may lose it before a circular's ว ("มท 0204.4 ว 10104")
    rf"(?:{_SP}*{_SLASH}{_SP}*(?P<circ>{_CIRCULAR})?|{_SP}+(?P<circ_noslash>{_CIRCULAR}))"
    rf"(?P<serial>[0-9]{{1,7}})(?![0-9])"
    # a range of serials: "ว 10104 - ว 10107"
    rf"(?:{_SP}*[-–—]{_SP}*(?P<rng>(?P<circ2>{_CIRCULAR})?(?P<serial2>[0-9]{{1,7}}))(?![0-9]|{_SP}?[./])"
    rf"(?!{_SP}*(?!และ|ลง)[{_THAI}]))?"
)
# one more serial of the same agency and office: "... และ ๒๒๙๕๘", ", ว 10105";
# not a count or a date ("และ 2 ฉบับ", "และ 5 มี.ค."): no Thai word may follow but และ, ลงวันที่
_JOINED_RE = re.compile(
    rf"{_SP}*(?:,|และ){_SP}*(?P<ref>(?P<circ>{_CIRCULAR})?(?P<serial>[0-9]{{1,7}}))"
    rf"(?![0-9]|{_SP}?[./:]|{_SP}*(?!และ|ลง)[{_THAI}])"
    rf"(?:{_SP}*[-–—]{_SP}*(?P<rng>(?P<circ2>{_CIRCULAR})?(?P<serial2>[0-9]{{1,7}}))(?![0-9]|{_SP}?[./])"
    rf"(?!{_SP}*(?!และ|ลง)[{_THAI}]))?"
)
_SPACES_RE = re.compile(r"\s+")

# An agency code we do not know must look like one: its office code starts with 0
# and has at least 4 digits ("กฟภ 0100/123"); a known code needs 3 digits, so a
# meeting number "มท. ๑/๒๕๖๖" and an address "ซอย 12/3" are no references. A public
# organisation numbers its letters by the year ("ที่ สพร ๒๕๖๘/ว๗๑๐", the DGA's: r15
# of the real scans): an unknown code with a 4-digit office code that does not
# start with 0 counts when the number says it is one, "ที่" before it and a
# circular's ว before the serial.
_MIN_OFFICE_DIGITS_KNOWN = 3
_MIN_OFFICE_DIGITS_UNKNOWN = 4


@dataclass(frozen=True, slots=True, kw_only=True)
class Reference(Record):
    """An official letter number, e.g. ``ที่ มท ๐๒๐๔.๔/ว ๑๐๑๐๔`` (``มท 0204.4/ว10104``)."""

    normalized: str            # "มท 0204.4/ว10104"
    agency_code: str           # "มท"
    office_code: str           # "0204.4"
    circular: bool             # True when the serial carries ว
    serial: str                # "10104"
    agency_name: str | None    # "กระทรวงมหาดไทย", None for a code not in corpus.agency_codes()
    department: str | None = None  # "กวจ" of "กค (กวจ) 0405.2/ว 119"


def extract_references(text: str) -> list[Reference]:
    """Find official letter numbers (not receipt, meeting or phone numbers).

    >>> [r.normalized for r in extract_references("ที่ มท 0204.4/ว 10104 - ว 10107 และ 22958")]
    ['มท 0204.4/ว10104', 'มท 0204.4/ว10107', 'มท 0204.4/22958']
    >>> extract_references("เลขที่ 10629 ครั้งที่ 1/2563 โทร 0 5525 8559")
    []
    >>> [r.normalized for r in extract_references("ที่ กค (กวจ) 0405.2/ว 119")]
    ['กค (กวจ) 0405.2/ว119']
    >>> extract_references("ที่ กค (กวจ) 1/2566")
    []
    >>> [r.normalized for r in extract_references("ที่ สพร ๒๕๖๘/ว๗๑๐".translate(str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")))]
    ['สพร 2568/ว710']
    >>> extract_references("บ้านเลขที่ 2568/710 ซอย 12/3")
    []
    >>> [r.normalized for r in extract_references("ท่มท 0210.5/ว2476")], extract_references("ท่วม 0210.5/ว2476")
    (['มท 0210.5/ว2476'], [])
    """
    out: list[Reference] = []
    for m in _REFERENCE_RE.finditer(text):
        agency = m["agency"]
        office = _SPACES_RE.sub("", m["office"]).replace(",", ".")
        circ = m["circ"] is not None or m["circ_noslash"] is not None
        if not _plausible(agency, office, marked=circ and text.startswith("ที", m.start())):
            continue
        if m["glued"] is not None and agency not in agency_codes():
            continue
        agency = agency if m["dept"] is None else f"{agency} ({m['dept']})"
        out.append(_make(text, m.start(), m.end("serial"), agency, office, circ, m["serial"]))
        if m["rng"] is not None:
            out.extend(_range_end(text, m, agency, office, circ))
        pos = m.end()
        while (j := _JOINED_RE.match(text, pos)) is not None:
            jcirc = j["circ"] is not None
            out.append(_make(text, j.start("ref"), j.end("serial"), agency, office, jcirc, j["serial"]))
            if j["rng"] is not None:
                out.extend(_range_end(text, j, agency, office, jcirc))
            pos = j.end()
    return out


def _plausible(agency: str, office: str, *, marked: bool = False) -> bool:
    """Whether an agency code and office code look like a real letter number.

    ``marked``: "ที่" stands before the agency code and ``ว`` before the serial.

    >>> _plausible("สพร", "2568", marked=True), _plausible("สพร", "2568"), _plausible("ซอย", "12", marked=True)
    (True, False, False)
    """
    head = office.split(".")[0].split("(")[0]
    if agency in agency_codes():
        return len(head) >= _MIN_OFFICE_DIGITS_KNOWN
    if len(head) < _MIN_OFFICE_DIGITS_UNKNOWN:
        return False
    return head.startswith("0") or (marked and head == office)


def _range_end(text: str, m: re.Match[str], agency: str, office: str, circ: bool) -> list[Reference]:
    """The far end of a serial range; ``ว 10104-07`` abbreviates ``ว 10107``."""
    first, last = m["serial"], m["serial2"]
    if len(last) < len(first):
        last = first[: len(first) - len(last)] + last
    if int(last) <= int(first):
        return []
    # the far end is circular when written so, or when the range's start is ("ว 5 - 7")
    circ2 = m["circ2"] is not None or circ
    return [_make(text, m.start("rng"), m.end("serial2"), agency, office, circ2, last)]


def _make(text: str, start: int, end: int, agency: str, office: str, circ: bool, serial: str) -> Reference:
    """One reference; ``agency`` is the code, or the code and its department: ``กค (กวจ)``."""
    code, _, dept = agency.partition(" ")
    row = agency_codes().get(code)
    return Reference(
        text=text[start:end], start=start, end=end,
        normalized=f"{agency} {office}/{'ว' if circ else ''}{serial}",
        agency_code=code, office_code=office, circular=circ, serial=serial,
        agency_name=row["name"] if row else None, department=dept.strip("()") or None,
    )
