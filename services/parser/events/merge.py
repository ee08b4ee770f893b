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

from schemas.models import DatePrecision

from .candidates import Candidate

_FAMILY = {
    "charge": "proceeding",
    "settle": "proceeding",
    "penalty": "proceeding",
    "order": "proceeding",
    "bar": "proceeding",
    "sanction": "proceeding",
    "judgment": "proceeding",
    "relief": "guidance",
}
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
    return any(len(s.split()) > 1 for s in c.subjects)


def _dates_agree(a: Candidate, b: Candidate) -> bool:
    if DatePrecision.UNKNOWN in (a.date.precision, b.date.precision):
        return True
    return a.date == b.date


def _same_act(a: Candidate, b: Candidate, release: bool) -> bool:
    if b.distinct or (a.type, a.jurisdiction) != (b.type, b.jurisdiction):
        return False
    if (a.authority.id if a.authority else None) != (b.authority.id if b.authority else None):
        return False
    if act_family(a) != act_family(b):
        return False
    if not _dates_agree(a, b):
        return False
    if release and a.authority is not None:
        return True  # a release announces one act of a kind a day; the rest are details
    ta, tb = _tokens(a.subjects), _tokens(b.subjects)
    return not ta or not tb or bool(ta & tb)


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
    for span in (rest.span, *rest.also):
        if span != best.span and span not in best.also:
            best.also.append(span)
    for s in rest.subjects:
        if s not in best.subjects and len(best.subjects) < 8:
            best.subjects.append(s)
    best.confidence = min(0.98, max(best.confidence, rest.confidence) + 0.02)
    return best


def merge_acts(cands: list[Candidate], *, release: bool = False) -> list[Candidate]:
    """Fold mentions of one act; ``release``: the article is a regulator's own release."""
    out: list[Candidate] = []
    for cand in cands:
        for i, kept in enumerate(out):
            if _same_act(kept, cand, release):
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
            best = cand if cand.priority > kept.priority else kept
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
