"""One event per distinct act: fold the repeated mentions of an act in one article.

Two candidates are one act when they have the same type, jurisdiction and authority,
the same family of act (a charge, its penalty and its settlement are one proceeding; an
arrest and an asset freeze are two acts), dates that agree (or one of them has none),
and subjects that share a name (or one has none). The clearest mention stays as the
evidence: the dated one, then the more confident, then the earlier.

Statements are folded by speaker: everything Senator Lummis says in one article is one
official_statement; "A Hong Kong lawmaker said ..." followed by "Johnny Ng, a member of
the Legislative Council, said ..." is one statement by Johnny Ng, with both sentences as
evidence.
"""

from __future__ import annotations

from datetime import date

from schemas.models import DatePrecision

from .candidates import Candidate

_FAMILY = {
    "charge": "proceeding",
    "settle": "proceeding",
    "penalty": "proceeding",
    "order": "proceeding",
    "sanction": "proceeding",
    "judgment": "proceeding",
    "bar": "proceeding",
    "relief": "guidance",
}
# Kinds of act that are documents: a second one a body "also" publishes is another one.
# A release's own act and a dated act this long before the release are two acts.
_BACKGROUND_DAYS = 180
_NAME_NOISE = frozenset(
    [
        "inc",
        "llc",
        "ltd",
        "limited",
        "corp",
        "company",
        "co",
        "lp",
        "plc",
        "the",
        "and",
        "of",
        "group",
    ]
)


def family(kind: str, authority_kind: str | None = None) -> str:
    """Kinds of act that are one act when they share authority, date and subjects.

    Everything a court does on one day in one case (rules, enters judgment, orders) is
    one act.
    """
    if authority_kind == "court":
        return "court"
    if kind == "seize" and authority_kind == "regulator":
        return "proceeding"  # "obtained a restraining order and an asset freeze"
    return _FAMILY.get(kind, kind)


def act_family(c: Candidate) -> str:
    return family(c.kind, c.authority.kind if c.authority else None)


def _tokens(subjects: list[str]) -> set[str]:
    out: set[str] = set()
    for s in subjects:
        for t in s.replace(",", " ").replace("(", " ").replace(")", " ").split():
            t = t.strip(".“”\"'’").casefold()
            if len(t) > 2 and t not in _NAME_NOISE:
                out.add(t)
    return out


def _named(c: Candidate) -> bool:
    """Does the mention name a firm or a person (not just a topic, "climate rules")?"""
    return any(len(s.split()) > 1 and s[:1].isupper() for s in c.subjects)


def _dates_agree(a: Candidate, b: Candidate) -> bool:
    if DatePrecision.UNKNOWN in (a.date.precision, b.date.precision):
        return True
    return a.date == b.date


def _same_act(a: Candidate, b: Candidate, release: bool, published: date | None) -> bool:
    if b.distinct or (a.type, a.jurisdiction) != (b.type, b.jurisdiction):
        return False
    if b.further and b.document is not None and b.document != a.document:
        return False  # "The FCA also published a discussion paper": another document
    if (a.authority.id if a.authority else None) != (b.authority.id if b.authority else None):
        return False
    if act_family(a) != act_family(b):
        return False
    if not _dates_agree(a, b):
        return False
    ta, tb = _tokens(a.subjects), _tokens(b.subjects)
    if release and (a.kind == "bar") != (b.kind == "bar"):
        return False  # a release's penalty on a firm and its ban on a person: two acts
    if release and a.authority is not None:
        # a release announces one act of a kind a day and the rest are its details,
        # unless the two name different people or firms ("the firm" and "two former
        # managers, Tan and Goh"), or one is an act dated long before the release
        if _named(a) and _named(b) and not ta & tb:
            return False
        return not (_background(a, published) or _background(b, published))
    return not ta or not tb or bool(ta & tb)


def _background(c: Candidate, published: date | None) -> bool:
    if published is None or c.date.precision == DatePrecision.UNKNOWN:
        return False
    when = c.date.value
    first = date(int(when[:4]), int(when[5:7]) if len(when) >= 7 else 1, 1)
    return (published - first).days > _BACKGROUND_DAYS


def _better(a: Candidate, b: Candidate) -> bool:
    """Is ``a`` the clearer mention of the act?"""
    a_dated = a.date.precision != DatePrecision.UNKNOWN
    b_dated = b.date.precision != DatePrecision.UNKNOWN
    if a_dated != b_dated:
        return a_dated
    if _named(a) != _named(b):
        return _named(a)  # the mention that names whom ("charged Acme Ltd. and ...")
    if a.priority != b.priority:
        return a.priority > b.priority
    if abs(a.confidence - b.confidence) > 1e-9:
        return a.confidence > b.confidence
    return a.sentence.start < b.sentence.start


def _fold(keep: Candidate, other: Candidate) -> Candidate:
    best, rest = (keep, other) if _better(keep, other) else (other, keep)
    if (
        rest.sentence.start < best.sentence.start
        and _named(rest)
        and not _named(best)
        and best.date.precision != DatePrecision.UNKNOWN
        and rest.date.precision == DatePrecision.UNKNOWN
    ):
        # "BaFin has imposed a fine on Nordlicht Bank AG. The fine was imposed on 3
        # September.": the first mention is the evidence, the second gives the date
        rest.date = best.date
        best, rest = rest, best
    for span in (rest.span, *rest.also):
        if span != best.span and span not in best.also:
            best.also.append(span)
    for s in rest.subjects:
        if s not in best.subjects and len(best.subjects) < 8:
            best.subjects.append(s)
    best.confidence = min(0.98, max(best.confidence, rest.confidence) + 0.02)
    return best


def merge_acts(
    cands: list[Candidate], *, release: bool = False, published: date | None = None
) -> list[Candidate]:
    """Fold mentions of one act; ``release``: the article is a regulator's own release."""
    out: list[Candidate] = []
    for cand in cands:
        for i, kept in enumerate(out):
            if _same_act(kept, cand, release, published):
                out[i] = _fold(kept, cand)
                break
        else:
            out.append(cand)
    return out


def merge_statements(cands: list[Candidate]) -> list[Candidate]:
    by_speaker: dict[str, Candidate] = {}
    order: list[str] = []
    for cand in cands:
        key = cand.speaker or f"auth:{cand.authority.id if cand.authority else ''}"
        if key in by_speaker:
            kept = by_speaker[key]
            dated = cand.date.precision != DatePrecision.UNKNOWN
            kept_dated = kept.date.precision != DatePrecision.UNKNOWN
            better = (dated, cand.priority) > (kept_dated, kept.priority)
            best = cand if better else kept
            best.confidence = min(0.95, max(kept.confidence, cand.confidence) + 0.02)
            by_speaker[key] = best
        else:
            by_speaker[key] = cand
            order.append(key)
    out = [by_speaker[k] for k in order]
    return _join_unnamed(out)


def _join_unnamed(cands: list[Candidate]) -> list[Candidate]:
    """ "A lawmaker said ..." then "Johnny Ng, a lawmaker, said ...": one statement."""
    drop: set[int] = set()
    for i, c in enumerate(cands):
        if not (c.speaker or "").startswith("unnamed:"):
            continue
        for j, d in enumerate(cands):
            if j == i or not (d.speaker or "").startswith("person:"):
                continue
            same_body = (
                c.authority is not None
                and d.authority is not None
                and (c.authority.id == d.authority.id)
            )
            gap = d.sentence.start - c.sentence.end
            if same_body and 0 <= gap <= 3:
                c.span = (c.sentence.start, d.sentence.end)
                c.subjects = d.subjects
                c.label, c.speaker = d.label, d.speaker
                c.confidence = max(c.confidence, d.confidence)
                drop.add(j)
                break
    return [c for k, c in enumerate(cands) if k not in drop]
