"""Per-scenario results and the table ``make chaos`` prints."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field

from chaos.audit import Audit

LIMITS = """\
What one broker on one machine cannot prove:
  * an OS crash or power loss with unflushed pages: Kafka acknowledges acks=all writes
    from the page cache (no fsync per write) and relies on replicas, not the disk, for
    durability; killing the broker process leaves the page cache intact, so
    'acknowledged-but-missing 0' here says nothing about a machine crash;
  * replication: ISR shrink/expand, min.insync.replicas, unclean leader election,
    a follower truncating acknowledged data: the replication factor is 1;
  * controller or leader failover: with one node, a broker fault is a full outage,
    never a partition moving to another broker while clients keep running;
  * network partitions, slow disks, clock skew and multi-machine timing: every process
    shares one kernel, one clock and a loopback network;
  * PostgreSQL failover or replica lag: one server, restarted in place."""


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""


@dataclass
class Result:
    key: str
    title: str
    runs: int = 1
    faults: int = 0
    audit: Audit | None = None
    recover: list[float] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str | None = None
    expected: int | None = None  # overrides the audit's (config guard)
    stored: int | None = None
    skipped: str | None = None  # why the scenario could not run here

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        self.checks.append(Check(name, bool(ok), detail))
        return bool(ok)

    @property
    def passed(self) -> bool:
        audit_ok = self.audit.clean if self.audit is not None else True
        return self.error is None and audit_ok and all(c.ok for c in self.checks)

    def cells(self) -> list[str]:
        a = self.audit
        expected = self.expected if self.expected is not None else (a.expected if a else None)
        stored = self.stored if self.stored is not None else (a.stored if a else None)
        lost = (a.lost + a.lost_sources + a.lost_articles + a.lost_in_topics) if a else None
        dup = (a.duplicate_rows + a.unexpected_rows) if a else None
        return [
            self.key,
            str(self.runs),
            str(self.faults),
            _n(expected),
            _n(stored),
            _n(lost),
            _n(dup),
            f"{a.parser_reprocessed}/{a.sink_reprocessed}" if a else "-",
            _recover(self.recover),
            "SKIP" if self.skipped else ("PASS" if self.passed else "FAIL"),
        ]


HEADER = [
    "scenario", "runs", "faults", "expected", "stored", "lost", "dup rows",
    "reprocessed p/s", "recover s (med/max)", "result",
]  # fmt: skip


def _n(value: int | None) -> str:
    return "-" if value is None else str(value)


def _recover(values: list[float]) -> str:
    if not values:
        return "-"
    return f"{statistics.median(values):.1f}/{max(values):.1f}"


def table(results: list[Result]) -> str:
    rows = [HEADER, *[r.cells() for r in results]]
    widths = [max(len(row[i]) for row in rows) for i in range(len(HEADER))]
    lines = []
    for n, row in enumerate(rows):
        lines.append(" | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)))
        if n == 0:
            lines.append("-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def details(result: Result) -> str:
    out = [f"[{result.key}] {result.title} ({result.seconds:.0f}s)"]
    if result.skipped:
        out.append(f"  SKIPPED: {result.skipped}")
    if result.error:
        out.append(f"  ERROR: {result.error}")
    a = result.audit
    if a is not None:
        out.append(
            f"  events expected {a.expected}, stored {a.stored}, lost {a.lost}; "
            f"sources lost {a.lost_sources}; articles lost {a.lost_articles}; "
            f"lost in topics {a.lost_in_topics}; duplicate rows {a.duplicate_rows}, "
            f"unexpected rows {a.unexpected_rows}; reprocessed: parser {a.parser_reprocessed} "
            f"(extra article messages), sink {a.sink_reprocessed} (row writes beyond one per "
            f"message, of {a.sink_messages})"
        )
    for c in result.checks:
        out.append(f"  {'ok  ' if c.ok else 'FAIL'} {c.name}{': ' + c.detail if c.detail else ''}")
    out.extend(f"  - {n}" for n in result.notes)
    return "\n".join(out)
