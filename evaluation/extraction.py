"""Article-extraction evaluation: regwire's normaliser against trafilatura and htmldate.

    uv run python -m evaluation.extraction                 # table + reports/extraction.json
    uv run python -m evaluation.extraction --half a        # only half of the sites
    uv run python -m evaluation.extraction --write-floors  # per-page floors for the golden test

Body scoring follows the ScrapingHub article-extraction-benchmark (the one trafilatura's
0.958 F1 comes from): per page, word 4-gram shingles (``\\w+`` tokens, counted as a
multiset) give tp/fp/fn normalised to sum to 1; precision and recall are averaged over the
pages where they are defined, and F1 is the harmonic mean of those two averages. Pages
annotated with snippets instead of a full body score recall as the share of
``body_must_contain`` snippets found and precision as the share of
``body_must_not_contain`` snippets absent. Tokens are compared case-sensitively, as the
benchmark does.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import re
import statistics
import sys
import time
import zlib
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from schemas.models import Article, RawArticle, Source, SourceKind

ROOT = Path(__file__).resolve().parent.parent
PAGES = ROOT / "tests" / "fixtures" / "pages"
FLOORS = PAGES / "floors.json"
REPORT = ROOT / "reports" / "extraction.json"
FLOOR_MARGIN = 0.02
# Pages without a crawl date are treated as fetched on this day: fixed, so runs repeat.
DEFAULT_FETCHED_AT = datetime(2026, 11, 1, tzinfo=UTC)
_TOKEN = re.compile(r"\w+")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Case:
    """One dev page and what it should give."""

    id: str
    html: str
    url: str | None
    expected: dict[str, Any]
    fetched_at: datetime

    @property
    def site(self) -> str:
        return re.sub(r"-V\d+$", "", self.id)


@dataclass
class Prediction:
    body: str
    title: str | None = None
    published: str | None = None
    authors: list[str] = field(default_factory=list)
    language: str | None = None


@dataclass
class PageScore:
    id: str
    precision: float | None
    recall: float | None
    title: bool | None
    published: bool | None
    authors: float | None
    language: bool | None

    @property
    def f1(self) -> float:
        p, r = self.precision or 0.0, self.recall or 0.0
        return 2 * p * r / (p + r) if p + r else 0.0


# -- loading --------------------------------------------------------------------------


def load_cases(root: Path = PAGES) -> list[Case]:
    """Every page under ``root`` (``<id>/page.html.gz`` + ``<id>/expected.json``), by id."""
    cases = []
    for expected_path in sorted(root.glob("*/expected.json")):
        expected = json.loads(expected_path.read_text(encoding="utf-8"))
        html_path = expected_path.parent / "page.html.gz"
        html = gzip.decompress(html_path.read_bytes()).decode("utf-8", errors="replace")
        crawl = expected.get("crawl_date")
        fetched = datetime.fromisoformat(crawl).replace(tzinfo=UTC) if crawl else None
        cases.append(
            Case(
                id=expected_path.parent.name,
                html=html,
                url=expected.get("url"),
                expected=expected,
                fetched_at=fetched or DEFAULT_FETCHED_AT,
            )
        )
    return cases


def half_of(cases: Sequence[Case], half: str) -> list[Case]:
    """Split by site (not page), stably, so that tuning on one half can be checked on the other."""
    wanted = 0 if half == "a" else 1
    return [c for c in cases if zlib.crc32(c.site.encode()) % 2 == wanted]


def raw_article(case: Case) -> RawArticle:
    return RawArticle(
        article_id="0" * 64,
        url=case.url,
        html=case.html,
        fetched_at=case.fetched_at,
        source=Source(id="eval", kind=SourceKind.PAGE),
    )


# -- the metric -----------------------------------------------------------------------


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text or "")


def shingles(text: str, n: int = 4) -> Counter[tuple[str, ...]]:
    words = tokens(text)
    return Counter(tuple(words[i : i + n]) for i in range(max(1, len(words) - n + 1)) if words)


def shingle_tp_fp_fn(true: str, pred: str, n: int = 4) -> tuple[float, float, float]:
    """The benchmark's per-page counts, normalised so long pages do not weigh more."""
    true_sh, pred_sh = shingles(true, n), shingles(pred, n)
    tp = sum((true_sh & pred_sh).values())
    fp = sum((pred_sh - true_sh).values())
    fn = sum((true_sh - pred_sh).values())
    total = tp + fp + fn
    return (tp / total, fp / total, fn / total) if total else (0.0, 0.0, 0.0)


def precision_recall(tp: float, fp: float, fn: float) -> tuple[float | None, float | None]:
    """As the benchmark: undefined (None) precision when nothing was predicted, etc."""
    if fp == fn == 0:
        return (1.0 if tp else None), (1.0 if tp else None)
    precision = tp / (tp + fp) if tp + fp else None
    recall = tp / (tp + fn) if tp + fn else None
    return precision, recall


def snippet_precision_recall(
    pred: str, must: Sequence[str], must_not: Sequence[str]
) -> tuple[float | None, float | None]:
    """Share of must-not snippets absent (precision) and must snippets present (recall)."""
    haystack = " " + " ".join(tokens(pred)) + " "

    def present(snippet: str) -> bool:
        return " " + " ".join(tokens(snippet)) + " " in haystack

    recall = sum(present(s) for s in must) / len(must) if must else None
    precision = sum(not present(s) for s in must_not) / len(must_not) if must_not else None
    return precision, recall


def body_precision_recall(expected: dict[str, Any], body: str) -> tuple[float | None, float | None]:
    if expected.get("body"):
        return precision_recall(*shingle_tp_fp_fn(expected["body"], body))
    return snippet_precision_recall(
        body, expected.get("body_must_contain") or [], expected.get("body_must_not_contain") or []
    )


def same_title(expected: str, predicted: str | None) -> bool:
    return _SPACES.sub(" ", expected).strip() == _SPACES.sub(" ", predicted or "").strip()


def same_day(expected: str, predicted: str | None) -> bool:
    """Same calendar day; aware times are compared in the expected value's zone."""
    if not predicted:
        return False
    want, got = _as_datetime_or_date(expected), _as_datetime_or_date(predicted)
    if isinstance(want, datetime) and isinstance(got, datetime):
        if want.tzinfo is not None and got.tzinfo is not None:
            got = got.astimezone(want.tzinfo)
        return want.date() == got.date()
    return _day(want) == _day(got)


def authors_f1(expected: Sequence[str], predicted: Sequence[str]) -> float:
    want = {_name_key(a) for a in expected if _name_key(a)}
    got = {_name_key(a) for a in predicted if _name_key(a)}
    if not want and not got:
        return 1.0
    hits = len(want & got)
    if not hits:
        return 0.0
    precision, recall = hits / len(got), hits / len(want)
    return 2 * precision * recall / (precision + recall)


def same_language(expected: str, predicted: str | None) -> bool:
    return bool(predicted) and expected.lower().split("-")[0] == (predicted or "").lower()


def score_page(case: Case, pred: Prediction) -> PageScore:
    exp = case.expected
    precision, recall = body_precision_recall(exp, pred.body)
    return PageScore(
        id=case.id,
        precision=precision,
        recall=recall,
        title=same_title(exp["title"], pred.title) if exp.get("title") else None,
        published=same_day(exp["published"], pred.published) if exp.get("published") else None,
        authors=authors_f1(exp["authors"], pred.authors) if exp.get("authors") else None,
        language=same_language(exp["language"], pred.language) if exp.get("language") else None,
    )


def summarise(scores: Sequence[PageScore]) -> dict[str, float | int | None]:
    """The benchmark's aggregate: F1 of the mean precision and the mean recall."""
    precision = _mean([s.precision for s in scores])
    recall = _mean([s.recall for s in scores])
    f1 = 2 * precision * recall / (precision + recall) if precision and recall else None
    return {
        "pages": len(scores),
        "precision": precision,
        "recall": recall,
        "f1": f1,
        "f1_mean_per_page": _mean([s.f1 for s in scores]),
        "title": _mean([s.title for s in scores]),
        "published": _mean([s.published for s in scores]),
        "authors_f1": _mean([s.authors for s in scores]),
        "language": _mean([s.language for s in scores]),
    }


# -- extractors -----------------------------------------------------------------------


def predict_ours(case: Case) -> Prediction:
    from services.parser.normalise import NormaliseError, normalise

    try:
        article = normalise(raw_article(case))
    except NormaliseError:
        return Prediction(body="")
    return _from_article(article)


def _from_article(article: Article) -> Prediction:
    published = article.published_at.isoformat() if article.published_at else None
    return Prediction(
        body=article.text,
        title=article.title,
        published=published,
        authors=list(article.authors),
        language=article.language,
    )


def predict_trafilatura(case: Case) -> Prediction:
    import trafilatura

    doc = trafilatura.bare_extraction(
        case.html, url=case.url, with_metadata=True, include_comments=False
    )
    if doc is None:
        return Prediction(body="")
    fields = doc if isinstance(doc, dict) else {k: getattr(doc, k) for k in doc.__slots__}
    authors = [a.strip() for a in (fields.get("author") or "").split(";") if a.strip()]
    return Prediction(
        body=fields.get("text") or "",
        title=fields.get("title"),
        published=fields.get("date"),
        authors=authors,
        language=None,  # trafilatura does not identify the language
    )


def predict_htmldate(case: Case, *, original: bool) -> Prediction:
    from htmldate import find_date

    return Prediction(body="", published=find_date(case.html, url=case.url, original_date=original))


# -- throughput -----------------------------------------------------------------------


def pages_per_second(work: Callable[[Any], object], items: Sequence[Any], rounds: int = 1) -> float:
    """Sequential pages/s of ``work`` over ``items``, the best of ``rounds``.

    Counted in CPU time of this process (single-threaded), so that other work on a
    shared machine does not change the figure; on an idle machine it equals wall time.
    """
    best = float("inf")
    for _ in range(rounds):
        start = time.process_time()
        for item in items:
            work(item)
        best = min(best, time.process_time() - start)
    return len(items) / best


def normalise_rate(htmls: Sequence[str], rounds: int = 3) -> float:
    """Pages/s of ``normalise`` on HTML strings (RawArticles built outside the clock)."""
    from services.parser.normalise import NormaliseError, normalise

    raws = [raw_article(Case("x", h, None, {}, DEFAULT_FETCHED_AT)) for h in htmls]

    def work(raw: RawArticle) -> None:
        with contextlib.suppress(NormaliseError):
            normalise(raw)

    return pages_per_second(work, raws, rounds)


def selectolax_rate(htmls: Sequence[str], rounds: int = 3) -> float:
    """Pages/s of a bare lexbor parse: the ceiling for anything built on it."""
    from selectolax.lexbor import LexborHTMLParser

    return pages_per_second(LexborHTMLParser, htmls, rounds)


def trafilatura_rate(htmls: Sequence[str], rounds: int = 2) -> float:
    """Pages/s of trafilatura doing the same job (body + metadata), default settings."""
    import trafilatura

    def work(html: str) -> None:
        trafilatura.bare_extraction(html, with_metadata=True, include_comments=False)

    return pages_per_second(work, htmls, rounds)


# -- the run --------------------------------------------------------------------------


def evaluate(
    cases: Sequence[Case], predict: Callable[[Case], Prediction]
) -> tuple[list[PageScore], list[Prediction]]:
    predictions = [predict(case) for case in cases]
    return [score_page(c, p) for c, p in zip(cases, predictions, strict=True)], predictions


def write_floors(cases: Sequence[Case], path: Path = FLOORS) -> None:
    """Per-page floors for the golden test: today's body F1 minus a margin, and the
    metadata that is right today. Deterministic, so regenerating without a change is a
    no-op diff."""
    scores, _ = evaluate(cases, predict_ours)
    floors = {
        s.id: {
            "body_f1": max(0.0, round(s.f1 - FLOOR_MARGIN, 3)),
            "title": bool(s.title),
            "published": bool(s.published),
        }
        for s in scores
    }
    path.write_text(json.dumps(floors, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"wrote {len(floors)} floors to {path.relative_to(ROOT)}")


def main(argv: Sequence[str] | None = None) -> int:
    args = _arguments(argv)
    _pin_to_one_core()
    cases = load_cases()
    if args.half:
        cases = half_of(cases, args.half)
    if args.write_floors:
        write_floors(cases)
        return 0
    ours, our_predictions = evaluate(cases, predict_ours)
    results: dict[str, Any] = {"ours": summarise(ours)}
    if args.verbose:
        _print_pages(ours, cases, our_predictions)
    if not args.fast:
        traf, _ = evaluate(cases, predict_trafilatura)
        hd_orig, _ = evaluate(cases, lambda c: predict_htmldate(c, original=True))
        hd_default, _ = evaluate(cases, lambda c: predict_htmldate(c, original=False))
        # trafilatura does not identify languages (its field echoes a filter setting).
        results["trafilatura"] = {**summarise(traf), "language": None}
        results["htmldate"] = {"published": summarise(hd_orig)["published"]}
        results["htmldate_default"] = {"published": summarise(hd_default)["published"]}
        results["per_page"] = {
            s.id: {"ours_f1": round(s.f1, 4), "trafilatura_f1": round(t.f1, 4)}
            for s, t in zip(ours, traf, strict=True)
        }
    htmls = [c.html for c in cases]
    # The same number of rounds for every extractor: the best of two.
    results["ours"]["pages_per_s"] = normalise_rate(htmls, rounds=2)
    results["selectolax_parse"] = {"pages_per_s": selectolax_rate(htmls, rounds=2)}
    if not args.fast:
        results["trafilatura"]["pages_per_s"] = trafilatura_rate(htmls)
    results["groups"] = {
        group: summarise([s for s in ours if s.id.startswith(group)])
        for group in ("fundus", "readability", "trafilatura")
    }
    _print_table(results)
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(json.dumps(results, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return 0


def _arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--write-floors", action="store_true", help="regenerate floors.json")
    parser.add_argument("--half", choices=("a", "b"), help="only the sites of one half")
    parser.add_argument("--fast", action="store_true", help="skip trafilatura and htmldate")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every page")
    return parser.parse_args(argv)


def _pin_to_one_core() -> None:
    if hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})


def _print_pages(
    scores: Sequence[PageScore], cases: Sequence[Case], preds: Sequence[Prediction]
) -> None:
    for score, case, pred in zip(scores, cases, preds, strict=True):
        flags = "".join(
            "." if ok is None else ("+" if ok else "-")
            for ok in (score.title, score.published, score.language)
        )
        authors = "." if score.authors is None else f"{score.authors:.1f}"
        print(
            f"{case.id:55} P={_fmt(score.precision)} R={_fmt(score.recall)} "
            f"F1={score.f1:.3f} tdl={flags} a={authors} words={len(pred.body.split())}"
        )


def _print_table(results: dict[str, Any]) -> None:
    ours, traf = results["ours"], results.get("trafilatura", {})
    rows = [
        ("body precision", "precision"),
        ("body recall", "recall"),
        ("body F1 (benchmark)", "f1"),
        ("body F1 (mean per page)", "f1_mean_per_page"),
        ("title exact match", "title"),
        ("published (same day)", "published"),
        ("authors F1", "authors_f1"),
        ("language", "language"),
    ]
    print(f"\n{ours['pages']} pages{'':19}{'regwire':>10}{'trafilatura':>13}{'htmldate':>10}")
    for label, key in rows:
        htmldate = results.get("htmldate", {}).get(key) if key == "published" else None
        print(f"{label:32}{_fmt(ours.get(key)):>10}{_fmt(traf.get(key)):>13}{_fmt(htmldate):>10}")
    if "htmldate_default" in results:
        print(
            f"{'  (htmldate, default settings)':55}"
            f"{_fmt(results['htmldate_default']['published']):>10}"
        )
    print(
        f"{'pages/s, one core':32}{ours['pages_per_s']:>10.0f}{traf.get('pages_per_s', 0):>13.1f}"
    )
    print(
        f"{'selectolax parse only (ceiling)':32}{results['selectolax_parse']['pages_per_s']:>10.0f}"
    )
    if traf.get("pages_per_s"):
        print(f"{'speed-up over trafilatura':32}{ours['pages_per_s'] / traf['pages_per_s']:>9.1f}x")
    print("\nregwire by source of the pages:")
    for group, summary in results["groups"].items():
        print(
            f"  {group:13} n={summary['pages']:3}  P={_fmt(summary['precision'])} "
            f"R={_fmt(summary['recall'])} F1={_fmt(summary['f1'])}"
        )


def _fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def _mean(values: Iterable[float | bool | None]) -> float | None:
    present = [float(v) for v in values if v is not None]
    return statistics.fmean(present) if present else None


def _as_datetime_or_date(value: str) -> datetime | date | None:
    try:
        return datetime.fromisoformat(value.strip().replace(" ", "T", 1))
    except ValueError:
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None


def _day(value: datetime | date | None) -> date | None:
    return value.date() if isinstance(value, datetime) else value


def _name_key(name: str) -> str:
    return _SPACES.sub(" ", name).strip().casefold()


if __name__ == "__main__":
    sys.exit(main())
