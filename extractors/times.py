"""Extractor for times of day (``เวลา 15.52 น.``, ``13.00 - 15.30 น.``): an extra field, not scored.

Thai documents write the time as ``HH.MM น.`` (นาฬิกา), often after ``เวลา``;
receipt stamps write ``เวลา 15.52 น.``. A bare ``15.52`` is a decimal, so a time
needs ``น.``/``นาฬิกา`` after it, ``เวลา`` before it, or a colon (``13:30``).
English ``10:30 a.m.`` is read too.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from saraban.extractors.records import Record

VERSION = "1"

_SP = r"[^\S\n]"
_HHMM = r"(?<![0-9.,:/])(?P<h{n}>[01]?[0-9]|2[0-3])(?P<sep{n}>[.:])(?P<m{n}>[0-5][0-9])(?![0-9])"
_AMPM = rf"(?:{_SP}*(?P<ap{{n}}>(?i:a\.?m\.?|p\.?m\.?)))?"
_TIME_RE = re.compile(
    r"(?=[0-9เ])"  # a time starts with its digits or with เวลา: skip other text fast
    rf"(?P<lead>เวลา{_SP}*)?"
    + _HHMM.format(n=1) + _AMPM.format(n=1)
    + rf"(?:{_SP}*(?:[-–—]|ถึง|to){_SP}*" + _HHMM.format(n=2) + _AMPM.format(n=2) + ")?"
    + rf"(?P<unit>{_SP}*(?:น\.|นาฬิกา|hrs?\.?(?![A-Za-z])))?"
)


@dataclass(frozen=True, slots=True, kw_only=True)
class Time(Record):
    """A time of day or a span of time, e.g. ``13.00 - 15.30 น.`` (``13:00/15:30``)."""

    iso: str   # "HH:MM", or "START/END" for a span


def extract_times(text: str) -> list[Time]:
    """Find times of day (Thai digits already folded to Arabic).

    >>> [t.iso for t in extract_times("วันศุกร์ที่ 3 กุมภาพันธ์ 2566 เวลา 13.00 - 15.30 น.")]
    ['13:00/15:30']
    >>> [t.iso for t in extract_times("เลขที่ 10629 เวลา 15.52 น.")]
    ['15:52']
    >>> extract_times("งบประมาณ 9.6845 ล้านบาท ร้อยละ 15.52")
    []
    """
    out: list[Time] = []
    for m in _TIME_RE.finditer(text):
        # a dotted number is a time only when the layout says so
        if m["lead"] is None and m["unit"] is None and m["sep1"] == "." and m["ap1"] is None:
            continue
        first = _hhmm(m["h1"], m["m1"], m["ap1"])
        if first is None:
            continue
        iso = first
        if m["h2"] is not None:
            second = _hhmm(m["h2"], m["m2"], m["ap2"])
            if second is not None:
                iso = f"{first}/{second}"
        start = m.start("h1")
        end = m.end("unit") if m["unit"] else m.end()
        out.append(Time(text=text[start:end], start=start, end=end, iso=iso))
    return out


def _hhmm(h: str, m: str, ampm: str | None) -> str | None:
    hour = int(h)
    if ampm:
        if not 1 <= hour <= 12:
            return None
        pm = ampm.lower().startswith("p")
        hour = hour % 12 + (12 if pm else 0)
    return f"{hour:02d}:{m}"
