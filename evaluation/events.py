"""Regulatory-event evaluation against the gold set in tests/fixtures/events/.

    uv run python -m evaluation.events              # table + reports/events.json
    uv run python -m evaluation.events --details    # also every miss and false positive

Scoring follows tests/fixtures/events/README.md: an extracted event matches a gold event
of the same document when event_type and jurisdiction agree and its evidence overlaps the
gold evidence sentence; each gold event (and each extracted event) matches at most once
(a maximum bipartite matching). Precision, recall and F1 are over those matches, overall
and per type. On matched pairs: date accuracy (the same value at the gold precision; not
scored where the gold precision is unknown), authority accuracy (same name, or the same
registry authority) and subjects F1. Precision is also reported by confidence band, and
the errors are counted by kind.

Documents go through the product's own path: a RawArticle, the parser's normaliser, then
``extract``. The gold documents are split in two halves by a hash of their id: "dev" (rules
were written looking at its errors) and "check" (only scored); both are reported.

The check set (tests/fixtures/events/check/, see SOURCE.md there) is scored on its own as
"check_set": documents the rules were not written from (team-written releases and news in
the style of many regulators, real feed items, the general news pages). Its gold may mark
an event ``"optional": true`` (an act outside regwire's scope that a reader could still
record, e.g. a police arrest for an ordinary crime): extracting it is neither a hit nor a
false positive, missing it is not a miss. The dev gold has no optional events.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
import time
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from schemas.ids import article_id
from schemas.models import Article, RawArticle, RegulatoryEvent, Source, SourceKind
from services.parser.events import extract, measure_throughput
from services.parser.events.authorities import default_registry
from services.parser.events.extractor import EXTRACTOR_NAME

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "events"
CHECK = FIXTURES / "check"
PAGES = ROOT / "tests" / "fixtures" / "pages"
REPORT = ROOT / "reports" / "events.json"
BANDS = ((0.0, 0.5), (0.5, 0.7), (0.7, 0.85), (0.85, 1.01))

Extract = Callable[[Article], list[RegulatoryEvent]]


@dataclass
class Doc:
    doc: str
    split: str
    raw: RawArticle
    published: date
    gold: list[dict[str, Any]]


@dataclass
class Pair:
    gold: dict[str, Any]
    pred: RegulatoryEvent


@dataclass
class DocResult:
    doc: Doc
    article: Article
    preds: list[RegulatoryEvent]
    pairs: list[Pair] = field(default_factory=list)
    false_pos: list[RegulatoryEvent] = field(default_factory=list)
    missed: list[dict[str, Any]] = field(default_factory=list)
    ignored: list[RegulatoryEvent] = field(default_factory=list)  # matched optional gold

    @property
    def scored_preds(self) -> list[RegulatoryEvent]:
        return [p for p in self.preds if not any(p is i for i in self.ignored)]

    @property
    def scored_gold(self) -> list[dict[str, Any]]:
        return [g for g in self.doc.gold if not g.get("optional")]


# ---------------------------------------------------------------------- loading


def split_of(doc: str) -> str:
    """A stable half: 'dev' or 'check' (the seed is always dev)."""
    if doc.startswith("seed/"):
        return "dev"
    return "dev" if int(hashlib.sha256(doc.encode()).hexdigest(), 16) % 2 == 0 else "check"


def _published(value: str) -> datetime | date:
    if "T" in value:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return date.fromisoformat(value)


def _fetched(published: datetime | date) -> datetime:
    if isinstance(published, datetime):
        return published
    return datetime(published.year, published.month, published.day, tzinfo=UTC)


def _day(published: datetime | date) -> date:
    return published.date() if isinstance(published, datetime) else published


def _raw_from_line(line: dict[str, Any], source_file: str) -> RawArticle:
    published = _published(str(line["published"]))
    text = line.get("text")
    outlet = line.get("authority") or line.get("source")
    return RawArticle(
        article_id=article_id(line.get("url"), text or line.get("html")),
        url=line.get("url"),
        html=line.get("html"),
        text=text,
        title=line.get("title"),
        published=published,
        fetched_at=_fetched(published),
        source=Source(id=f"replay:{source_file}", kind=SourceKind.DUMP, outlet=outlet),
    )


def _raw_from_dump(path: Path, outlet: str | None) -> RawArticle:
    """A dump line: ' date YYYY-MM-DD <html...>'."""
    line = path.read_text(encoding="utf-8")
    m = re.match(r"\s*date\s+(\d{4}-\d{2}-\d{2})\s+(.*)", line, re.DOTALL)
    if m is None:
        raise ValueError(f"{path}: not a dump line")
    published = date.fromisoformat(m.group(1))
    html = m.group(2)
    return RawArticle(
        article_id=article_id(None, html),
        html=html,
        published=published,
        fetched_at=_fetched(published),
        source=Source(id=f"replay:{path.name}", kind=SourceKind.DUMP, outlet=outlet),
    )


def load_docs(fixtures: Path = FIXTURES) -> list[Doc]:
    lines: dict[str, dict[str, Any]] = {}
    for name in ("articles.jsonl", "releases.jsonl"):
        for raw_line in (fixtures / name).read_text(encoding="utf-8").splitlines():
            if raw_line.strip():
                item = json.loads(raw_line)
                lines[f"events/{name}#{item['id']}"] = item | {"_file": name}
    docs = []
    for raw_line in (fixtures / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        if not raw_line.strip():
            continue
        gold = json.loads(raw_line)
        doc = str(gold["doc"])
        if doc in lines:
            raw = _raw_from_line(lines[doc], lines[doc]["_file"])
        else:
            raw = _raw_from_dump(fixtures / doc, gold.get("outlet"))
        published = date.fromisoformat(str(gold["published"])[:10])
        docs.append(Doc(doc, split_of(doc), raw, published, list(gold["events"])))
    return docs


def _raw_from_page(page_id: str, published: datetime | date | None) -> RawArticle:
    """A general news page of tests/fixtures/pages, as the fetcher would deliver it."""
    folder = PAGES / page_id
    html = gzip.decompress((folder / "page.html.gz").read_bytes()).decode("utf-8", "replace")
    url = json.loads((folder / "expected.json").read_text(encoding="utf-8")).get("url")
    fetched = _fetched(published) if published else datetime(2026, 1, 1, tzinfo=UTC)
    return RawArticle(
        article_id=article_id(url, html),
        url=url,
        html=html,
        published=published,
        fetched_at=fetched,
        source=Source(id=f"replay:pages/{page_id}", kind=SourceKind.DUMP),
    )


def load_check_docs(check: Path = CHECK) -> list[Doc]:
    """The check set: ``docs.jsonl`` (team-written and feed documents) and the pages."""
    lines: dict[str, dict[str, Any]] = {}
    for raw_line in (check / "docs.jsonl").read_text(encoding="utf-8").splitlines():
        if raw_line.strip():
            item = json.loads(raw_line)
            lines[f"check/docs.jsonl#{item['id']}"] = item
    docs = []
    for raw_line in (check / "gold.jsonl").read_text(encoding="utf-8").splitlines():
        if not raw_line.strip():
            continue
        gold = json.loads(raw_line)
        doc = str(gold["doc"])
        published = date.fromisoformat(str(gold["published"])[:10])
        if doc in lines:
            raw = _raw_from_line(lines[doc], "check/docs.jsonl")
        elif doc.startswith("pages/"):
            hint = _published(str(gold["published"])) if gold.get("published_known") else None
            raw = _raw_from_page(doc.removeprefix("pages/"), hint)
            if hint is None:
                raw = raw.model_copy(update={"fetched_at": _fetched(published)})
        else:
            raise ValueError(f"check gold names an unknown document: {doc}")
        split = f"check_set/{gold.get('part', 'other')}"
        docs.append(Doc(doc, split, raw, published, list(gold["events"])))
    return docs


def to_article(raw: RawArticle) -> Article:
    """The product path: the parser's normaliser."""
    from services.parser.normalise import normalise

    return normalise(raw)


# ---------------------------------------------------------------------- matching


def _normalised(text: str) -> tuple[str, list[int]]:
    """Text with quotes straightened and whitespace collapsed, plus an offset map back."""
    out: list[str] = []
    index: list[int] = []
    space = False
    for i, ch in enumerate(unicodedata.normalize("NFC", text)):
        ch = {"’": "'", "‘": "'", "“": '"', "”": '"', "\u00a0": " "}.get(ch, ch)
        if ch.isspace():
            if space:
                continue
            ch, space = " ", True
        else:
            space = False
        out.append(ch)
        index.append(i)
    return "".join(out), index


def _norm_plain(text: str) -> str:
    return _normalised(text)[0].strip()


def _gold_spans(article_text: str, evidence: str) -> list[tuple[int, int]]:
    """Where the gold evidence sits in the article (several places if it repeats)."""
    norm, index = _normalised(article_text)
    needle = _norm_plain(evidence)
    for probe in (needle, needle[:60], needle[-60:]):
        if len(probe) < 20:
            continue
        spans = []
        for m in re.finditer(re.escape(probe), norm):
            start = index[m.start()]
            end = index[min(m.start() + len(needle), len(norm)) - 1] + 1
            spans.append((start, end))
        if spans:
            return spans
    return []


def _overlaps(pred: RegulatoryEvent, spans: list[tuple[int, int]], evidence: str) -> bool:
    """Does the event's evidence (its first span: further spans are other mentions of
    the act, not the evidence) overlap the gold evidence sentence?"""
    if spans:
        primary = pred.evidence_spans[0]
        return any(primary.start < ge and gs < primary.end for gs, ge in spans)
    words = set(re.findall(r"\w+", evidence.lower()))
    got = set(re.findall(r"\w+", pred.evidence.lower()))
    return bool(words) and len(words & got) / len(words) >= 0.6


def match(
    article: Article, gold: list[dict[str, Any]], preds: list[RegulatoryEvent]
) -> list[tuple[int, int]]:
    """Maximum bipartite matching of gold events to predictions."""
    spans = [_gold_spans(article.text, str(g["evidence"])) for g in gold]
    edges: dict[int, list[int]] = defaultdict(list)
    for gi, g in enumerate(gold):
        for pi, p in enumerate(preds):
            if (
                p.event_type.value == g["event_type"]
                and p.jurisdiction == g["jurisdiction"]
                and _overlaps(p, spans[gi], str(g["evidence"]))
            ):
                edges[gi].append(pi)
        # among equally valid pairs, try first the ones whose fields agree: the matching
        # stays maximum, and two acts in one sentence are not paired crosswise
        edges[gi].sort(
            key=lambda pi: (
                not authority_correct(g, preds[pi]),
                date_correct(g, preds[pi]) is False,
            )
        )
    owner: dict[int, int] = {}

    def augment(gi: int, seen: set[int]) -> bool:
        for pi in edges[gi]:
            if pi in seen:
                continue
            seen.add(pi)
            if pi not in owner or augment(owner[pi], seen):
                owner[pi] = gi
                return True
        return False

    for gi in range(len(gold)):
        augment(gi, set())
    return sorted((gi, pi) for pi, gi in owner.items())


# ---------------------------------------------------------------------- field scores


def date_correct(gold: dict[str, Any], pred: RegulatoryEvent) -> bool | None:
    precision = gold["date_precision"]
    if precision == "unknown":
        return None
    if pred.date_precision.value == "unknown":
        return False
    width = {"day": 10, "month": 7, "year": 4}[precision]
    return (
        len(pred.event_date) >= width and pred.event_date[:width] == str(gold["event_date"])[:width]
    )


def _authority_key(name: str | None) -> str | None:
    if not name:
        return None
    registry = default_registry()
    auth = registry.resolve(name)
    if auth is not None:
        return auth.id
    for candidate in registry.with_members():
        if any(re.search(rf"\b{re.escape(t)}\b", name) for t in candidate.members):
            return candidate.id
    return _norm_plain(name).casefold()


def authority_correct(gold: dict[str, Any], pred: RegulatoryEvent) -> bool:
    g, p = gold.get("authority"), pred.authority
    if not g or not p:
        return not g and not p
    if _norm_plain(g).casefold() == _norm_plain(p).casefold():
        return True
    return _authority_key(g) == (pred.authority_id or _authority_key(p))


def _subject_key(value: str) -> str:
    value = re.sub(r"\([^)]*\)", "", _norm_plain(value)).casefold()
    return " ".join(re.findall(r"\w+", value))


def _same_subject(a: str, b: str) -> bool:
    ka, kb = _subject_key(a), _subject_key(b)
    if not ka or not kb:
        return False
    return ka == kb or f" {ka} " in f" {kb} " or f" {kb} " in f" {ka} "


def subjects_f1(gold: list[str], pred: list[str]) -> float:
    if not gold and not pred:
        return 1.0
    if not gold or not pred:
        return 0.0
    tp_p = sum(1 for p in pred if any(_same_subject(p, g) for g in gold))
    tp_g = sum(1 for g in gold if any(_same_subject(p, g) for p in pred))
    precision, recall = tp_p / len(pred), tp_g / len(gold)
    return 0.0 if precision + recall == 0 else 2 * precision * recall / (precision + recall)


# ---------------------------------------------------------------------- errors


def _evidence_overlap(article: Article, g: dict[str, Any], p: RegulatoryEvent) -> bool:
    return _overlaps(p, _gold_spans(article.text, str(g["evidence"])), str(g["evidence"]))


def error_kinds(r: DocResult) -> list[str]:
    kinds: list[str] = []
    matched_gold = [pair.gold for pair in r.pairs]
    for p in r.false_pos:
        near = [g for g in r.doc.gold if _evidence_overlap(r.article, g, p)]
        t = p.event_type.value
        if not r.scored_gold:
            kinds.append(f"false positive in a document with no events ({t})")
        elif any(g["event_type"] != t and g["jurisdiction"] == p.jurisdiction for g in near):
            kinds.append(f"wrong type ({t} for {near[0]['event_type']})")
        elif any(g["event_type"] == t for g in near):
            kinds.append(
                "wrong jurisdiction"
                if all(g in r.missed for g in near if g["event_type"] == t)
                else "same act extracted twice"
            )
        elif any(g["event_type"] == t and g in matched_gold for g in r.doc.gold):
            kinds.append(f"same act extracted twice or extra mention ({t})")
        elif t == "official_statement":
            kinds.append("false positive: remark not in gold")
        else:
            kinds.append(f"false positive ({t})")
    for g in r.missed:
        if any(_evidence_overlap(r.article, g, p) for p in r.false_pos):
            continue  # counted on the prediction side
        day = str(g["event_date"])
        background = g["date_precision"] != "unknown" and day[:7] < r.doc.published.isoformat()[:7]
        if background:
            kinds.append(f"missed background ({g['event_type']})")
        else:
            kinds.append(f"missed {g['event_type']}")
    for pair in r.pairs:
        if date_correct(pair.gold, pair.pred) is False:
            kinds.append("wrong date")
        if not authority_correct(pair.gold, pair.pred):
            kinds.append("wrong authority")
    return kinds


# ---------------------------------------------------------------------- scoring


def _prf(tp: int, n_pred: int, n_gold: int) -> dict[str, float]:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
        "tp": tp,
        "predicted": n_pred,
        "gold": n_gold,
    }


def run(docs: Sequence[Doc], extractor: Extract = extract) -> list[DocResult]:
    results = []
    for doc in docs:
        article = to_article(doc.raw)
        preds = extractor(article)
        r = DocResult(doc, article, preds)
        pairs = match(article, doc.gold, preds)
        used_g = {gi for gi, _ in pairs}
        used_p = {pi for _, pi in pairs}
        optional = {gi for gi, g in enumerate(doc.gold) if g.get("optional")}
        r.pairs = [Pair(doc.gold[gi], preds[pi]) for gi, pi in pairs if gi not in optional]
        r.ignored = [preds[pi] for gi, pi in pairs if gi in optional]
        r.false_pos = [p for i, p in enumerate(preds) if i not in used_p]
        r.missed = [g for i, g in enumerate(doc.gold) if i not in used_g and i not in optional]
        results.append(r)
    return results


def score(results: Sequence[DocResult]) -> dict[str, Any]:
    tp = sum(len(r.pairs) for r in results)
    n_pred = sum(len(r.scored_preds) for r in results)
    n_gold = sum(len(r.scored_gold) for r in results)
    per_type: dict[str, dict[str, float]] = {}
    types = sorted(
        {g["event_type"] for r in results for g in r.scored_gold}
        | {p.event_type.value for r in results for p in r.scored_preds}
    )
    for t in types:
        per_type[t] = _prf(
            sum(1 for r in results for pair in r.pairs if pair.gold["event_type"] == t),
            sum(1 for r in results for p in r.scored_preds if p.event_type.value == t),
            sum(1 for r in results for g in r.scored_gold if g["event_type"] == t),
        )
    dates = [
        d
        for r in results
        for pair in r.pairs
        if (d := date_correct(pair.gold, pair.pred)) is not None
    ]
    auths = [authority_correct(pair.gold, pair.pred) for r in results for pair in r.pairs]
    subj = [
        subjects_f1(list(pair.gold["subjects"]), pair.pred.subjects)
        for r in results
        for pair in r.pairs
    ]
    bands = []
    for lo, hi in BANDS:
        in_band = [
            (p, any(pair.pred is p for pair in r.pairs))
            for r in results
            for p in r.scored_preds
            if lo <= p.confidence < hi
        ]
        right = sum(1 for _, ok in in_band if ok)
        bands.append(
            {
                "band": f"[{lo:.2f}, {min(hi, 1.0):.2f}{']' if hi > 1 else ')'}",
                "events": len(in_band),
                "precision": round(right / len(in_band), 4) if in_band else None,
            }
        )
    errors = Counter(k for r in results for k in error_kinds(r))
    return {
        "overall": _prf(tp, n_pred, n_gold),
        "per_type": per_type,
        "date_accuracy": round(sum(dates) / len(dates), 4) if dates else None,
        "date_scored": len(dates),
        "authority_accuracy": round(sum(auths) / len(auths), 4) if auths else None,
        "subjects_f1": round(sum(subj) / len(subj), 4) if subj else None,
        "precision_by_confidence": bands,
        "errors": errors.most_common(),
        "documents": len(results),
    }


def seed_check(results: Sequence[DocResult]) -> dict[str, Any]:
    """Are all the seed's gold events matched with the right date, authority and subjects?"""
    seed = [r for r in results if r.doc.doc.startswith("seed/")]
    rows = []
    for r in seed:
        for g in r.doc.gold:
            pair = next((p for p in r.pairs if p.gold is g), None)
            ok = (
                pair is not None
                and date_correct(g, pair.pred) is not False
                and authority_correct(g, pair.pred)
                and subjects_f1(list(g["subjects"]), pair.pred.subjects) == 1.0
            )
            rows.append({"event_type": g["event_type"], "ok": ok})
    return {"all_right": all(row["ok"] for row in rows) and bool(rows), "events": rows}


def _details(results: Sequence[DocResult]) -> list[dict[str, Any]]:
    out = []
    for r in results:
        if not (
            r.false_pos or r.missed or any(date_correct(p.gold, p.pred) is False for p in r.pairs)
        ):
            continue
        out.append(
            {
                "doc": r.doc.doc,
                "split": r.doc.split,
                "false_positives": [
                    {
                        "type": p.event_type.value,
                        "jurisdiction": p.jurisdiction,
                        "authority": p.authority,
                        "date": p.event_date,
                        "confidence": p.confidence,
                        "evidence": p.evidence[:200],
                    }
                    for p in r.false_pos
                ],
                "missed": [
                    {
                        "type": g["event_type"],
                        "jurisdiction": g["jurisdiction"],
                        "date": g["event_date"],
                        "evidence": str(g["evidence"])[:200],
                    }
                    for g in r.missed
                ],
                "wrong_dates": [
                    {
                        "type": p.gold["event_type"],
                        "gold": p.gold["event_date"],
                        "got": p.pred.event_date,
                        "evidence": p.pred.evidence[:160],
                    }
                    for p in r.pairs
                    if date_correct(p.gold, p.pred) is False
                ],
            }
        )
    return out


def evaluate(
    extractor: Extract = extract, fixtures: Path = FIXTURES, check: Path = CHECK
) -> dict[str, Any]:
    docs = load_docs(fixtures)
    results = run(docs, extractor)
    report: dict[str, Any] = {"extractor": EXTRACTOR_NAME, "all": score(results)}
    for split in ("dev", "check"):
        report[split] = score([r for r in results if r.doc.split == split])
    report["seed"] = seed_check(results)
    report["details"] = _details(results)
    if (check / "gold.jsonl").exists():
        checked = run(load_check_docs(check), extractor)
        report["check_set"] = score(checked)
        parts = sorted({r.doc.split for r in checked})
        report["check_set_parts"] = {
            part.removeprefix("check_set/"): score([r for r in checked if r.doc.split == part])
            for part in parts
        }
        report["check_set_details"] = _details(checked)
    articles = [r.article for r in results]
    report["throughput_articles_per_s"] = round(
        measure_throughput(articles, extractor, min_seconds=1.0), 1
    )
    return report


# ---------------------------------------------------------------------- printing


def _table(report: dict[str, Any]) -> str:
    lines = []
    for split in ("all", "dev", "check"):
        s = report[split]
        o = s["overall"]
        lines.append(
            f"[{split}] {s['documents']} docs  P {o['precision']:.3f}  R {o['recall']:.3f}  "
            f"F1 {o['f1']:.3f}  (tp {o['tp']}, predicted {o['predicted']}, gold {o['gold']})  "
            f"date {s['date_accuracy']}  authority {s['authority_accuracy']}  "
            f"subjects F1 {s['subjects_f1']}"
        )
    lines.append("")
    lines.append(f"{'type':<20} {'P':>6} {'R':>6} {'F1':>6} {'tp':>4} {'pred':>5} {'gold':>5}")
    for t, v in report["all"]["per_type"].items():
        lines.append(
            f"{t:<20} {v['precision']:>6.3f} {v['recall']:>6.3f} {v['f1']:>6.3f} "
            f"{v['tp']:>4} {v['predicted']:>5} {v['gold']:>5}"
        )
    lines.append("")
    lines.append(
        "precision by confidence: "
        + "  ".join(
            f"{b['band']} {b['precision']} (n={b['events']})"
            for b in report["all"]["precision_by_confidence"]
        )
    )
    if "check_set" in report:
        lines.append("")
        lines.append(_check_table(report))
    seed = [(e["event_type"], e["ok"]) for e in report["seed"]["events"]]
    lines.append(f"seed all right: {report['seed']['all_right']}  {seed}")
    lines.append(f"throughput: {report['throughput_articles_per_s']} articles/s (extraction only)")
    lines.append("")
    lines.append("most common errors:")
    for kind, n in report["all"]["errors"][:12]:
        lines.append(f"  {n:>3}  {kind}")
    return "\n".join(lines)


def _summary_line(label: str, s: dict[str, Any]) -> str:
    o = s["overall"]
    return (
        f"[{label}] {s['documents']} docs  P {o['precision']:.3f}  R {o['recall']:.3f}  "
        f"F1 {o['f1']:.3f}  (tp {o['tp']}, predicted {o['predicted']}, gold {o['gold']})  "
        f"date {s['date_accuracy']}  authority {s['authority_accuracy']}  "
        f"subjects F1 {s['subjects_f1']}"
    )


def _check_table(report: dict[str, Any]) -> str:
    s = report["check_set"]
    lines = [_summary_line("check set", s)]
    for part, ps in report["check_set_parts"].items():
        lines.append("  " + _summary_line(f"check set: {part}", ps))
    lines.append(f"{'type':<20} {'P':>6} {'R':>6} {'F1':>6} {'tp':>4} {'pred':>5} {'gold':>5}")
    for t, v in s["per_type"].items():
        lines.append(
            f"{t:<20} {v['precision']:>6.3f} {v['recall']:>6.3f} {v['f1']:>6.3f} "
            f"{v['tp']:>4} {v['predicted']:>5} {v['gold']:>5}"
        )
    lines.append(
        "check set precision by confidence: "
        + "  ".join(
            f"{b['band']} {b['precision']} (n={b['events']})" for b in s["precision_by_confidence"]
        )
    )
    lines.append("check set errors:")
    for kind, n in s["errors"][:12]:
        lines.append(f"  {n:>3}  {kind}")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument(
        "--details", action="store_true", help="print every miss and false positive"
    )
    parser.add_argument(
        "--split",
        choices=["dev", "check", "all", "check_set"],
        default="all",
        help="details for this split only",
    )
    args = parser.parse_args(argv)
    started = time.perf_counter()
    report = evaluate()
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    print(_table(report))
    if args.details:
        details = report["details"] + report.get("check_set_details", [])
        for d in details:
            if args.split in ("all", d["split"], d["split"].split("/")[0]):
                print(json.dumps(d, indent=1, ensure_ascii=False))
    print(
        f"\nwrote {REPORT.relative_to(ROOT)} in {time.perf_counter() - started:.1f}s",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
