"""Measure the goal-title cut-off: recall on noisy titles, precision on non-goal text.

    python bench/goal_cutoff.py [--seed N]

Positives: every Thai and English title of corpus/data/sdg_goals.json with 1-3
OCR-like edits (a letter dropped, doubled, swapped with its neighbour or
confused with a look-alike Thai letter, a tone mark dropped, a stray space),
inside a sentence. Negatives: the lines of the bundled dev texts that name no
goal by title (lines holding a gold goal span left out), plus bare topics that are not
goal mentions (poverty, climate change, waste, ...). Prints precision and
recall of title matches at each cut-off; extractors.goals.TITLE_CUTOFF
records the figures this printed.
"""
from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from saraban import corpus  # noqa: E402
from saraban.extractors import goals  # noqa: E402
from saraban.normalizers import thai_digits_to_arabic  # noqa: E402

# Thai letters OCR confuses with each other (shapes differing by a tail or loop).
CONFUSABLE = ["ดต", "บปษ", "ขชซ", "ถภฤ", "ลส", "มน", "ฝฟ", "ผพ", "ทฑ", "ฎฏ", "อฮ", "ีื", "ิี", "่้"]
TONES = "่้๊๋็์"
TOPICS = [
    "แก้ไขปัญหาความยากจน", "โครงการประเภทแก้ไขปัญหาคความยากจน", "ผู้ทรงคุณวุฒิด้านการเปลี่ยนแปลงสภาพภูมิอากาศ",
    "กลุ่มงานการเปลี่ยนแปลงสภาพภูมิอากาศ", "การจัดการขยะและน้ำเสีย", "ความหลากหลายทางชีวภาพ",
    "การลดการปล่อยก๊าซเรือนกระจก", "ความเท่าเทียม", "การพัฒนาที่ยั่งยืนในระดับพื้นที่", "ทรัพยากรธรรมชาติและสิ่งแวดล้อม",
    "บริหารจัดการน้ำอย่างยั่งยืน", "ห้องเรียนชุมชน กระตุ้นเศรษฐกิจฐานราก", "การท่องเที่ยวอย่างยั่งยืน",
    "ระบบอาหารที่ยั่งยืน", "เศรษฐกิจหมุนเวียนระดับจังหวัด", "the climate emergency and waste management",
    "poverty alleviation, food security, housing", "gender equality and human rights", "clean water for the village",
    "Thailand's Waste Bank Partnership Initiative", "ความร่วมมือระหว่างประเทศ", "สุขภาพของประชาชน",
    "การศึกษาขั้นพื้นฐาน", "โครงสร้างพื้นฐานของจังหวัด", "สังคมที่เข้มแข็ง",
]


def _edit(s: str, rng: random.Random) -> str:
    i = rng.randrange(len(s))
    kind = rng.choice(["drop", "double", "swap", "confuse", "tone", "space"])
    if kind == "drop":
        return s[:i] + s[i + 1:]
    if kind == "double":
        return s[:i] + s[i] + s[i:]
    if kind == "swap" and i + 1 < len(s):
        return s[:i] + s[i + 1] + s[i] + s[i + 2:]
    if kind == "confuse":
        for group in CONFUSABLE:
            if s[i] in group and len(group) > 1:
                return s[:i] + rng.choice(group.replace(s[i], "")) + s[i + 1:]
    if kind == "tone":
        tones = [j for j, c in enumerate(s) if c in TONES]
        if tones:
            j = rng.choice(tones)
            return s[:j] + s[j + 1:]
    return s[:i] + " " + s[i:]


def positives(rng: random.Random, per_title: int = 14) -> list[tuple[str, int]]:
    out = []
    for g in corpus.goals():
        for title in [g["th_short"], g["th_long"], g["en_short"], g["en_long"], *g.get("th_alt", [])]:
            for _ in range(per_title):
                v = title
                for _ in range(rng.randint(1, 3)):
                    v = _edit(v, rng)
                out.append((f"ทั้งนี้ {v} ตามแผนงาน", g["goal"]))
    return out


def negatives() -> list[str]:
    gold_dir = REPO.parent / "shared" / "corpus" / "gold"
    spans = []
    for p in gold_dir.glob("*.json"):
        spans += [thai_digits_to_arabic(g["text"]) for g in json.loads(p.read_text(encoding="utf-8")).get("goals", [])]
    out = list(TOPICS)
    for p in sorted(corpus.samples_dir().glob("*.txt")):
        text = thai_digits_to_arabic(p.read_text(encoding="utf-8"))
        # a line that names a goal (the gold's spans) is not a negative, whatever else it holds
        out += [line for line in text.splitlines()
                if len(line.strip()) > 20 and not any(s in line for s in spans)]
    return out


def main(argv: list[str]) -> int:
    seed = int(argv[argv.index("--seed") + 1]) if "--seed" in argv else 7
    rng = random.Random(seed)
    pos, neg = positives(rng), negatives()
    scored_pos = [(goal, goals._by_title(s, cutoff=60)) for s, goal in pos]
    scored_neg = [goals._by_title(s, cutoff=60) for s in neg]
    print(f"{len(pos)} noisy titles, {len(neg)} non-goal sentences")
    print(f"{'cutoff':>6} {'recall':>7} {'precision':>9} {'fp':>4}")
    for cutoff in [*range(70, 84, 2), *range(84, 91), *range(92, 97, 2)]:
        c = cutoff / 100
        tp = sum(any(m.goal == goal and m.confidence >= c for m in ms) for goal, ms in scored_pos)
        fp = sum(m.goal != goal and m.confidence >= c for goal, ms in scored_pos for m in ms)
        fp += sum(m.confidence >= c for ms in scored_neg for m in ms)
        print(f"{cutoff:>6} {tp / len(pos):7.3f} {tp / (tp + fp) if tp + fp else 1:9.3f} {fp:4}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
