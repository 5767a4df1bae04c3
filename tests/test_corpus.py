"""Reference data in corpus/: complete, and consistent with the spec."""
from __future__ import annotations

from saraban import corpus


def test_seventeen_goals_in_thai_and_english():
    goals = corpus.goals()
    assert [g["goal"] for g in goals] == list(range(1, 18))
    assert all(g["th_short"] and g["th_long"] and g["en_short"] and g["en_long"] for g in goals)
    assert goals[10]["en_short"] == "Sustainable Cities and Communities"


def test_169_targets_with_letter_targets():
    t = corpus.targets()
    assert len(t) == 169
    assert {"1.1", "1.b", "5.b", "11.7", "14.c", "17.19"} <= t
    assert not {"11.8", "17.20", "1.c", "5.B"} & t


def test_provinces_and_bangkok_code_in_letters():
    provs = {p["name_th"]: p for p in corpus.provinces()}
    assert len(provs) == 77
    assert provs["พิษณุโลก"]["abbr_th"] == "พล"
    assert provs["บึงกาฬ"]["name_en"]
    codes = corpus.agency_codes()
    assert codes["พล"]["name"] == "จังหวัดพิษณุโลก"
    assert codes["กท"]["name"] == "กรุงเทพมหานคร"  # letters write กท, not PyThaiNLP's กทม
    assert codes["นร"]["name"] == "สำนักนายกรัฐมนตรี"


def test_units_longest_first():
    units = corpus.units()
    assert units.index("เป้าหมายย่อย") < units.index("เป้าหมาย")
    assert units.index("องค์กรปกครองส่วนท้องถิ่น") < units.index("คน")
    assert corpus.unit_aliases()["อปท."] == "องค์กรปกครองส่วนท้องถิ่น"


def test_english_units_map_to_spec_units():
    english = corpus.english_units()
    assert english["villages"] == "หมู่บ้าน" and english["households"] == "ครัวเรือน"
    assert set(english.values()) <= set(corpus.units())
