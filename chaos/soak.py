"""``make soak``: the whole pipeline as processes at a steady rate, for a long time.

A local site announces the known articles in its feed at ``rate`` per second; the
fetcher, the parser and the sink run as processes on a local broker and PostgreSQL.
Every ``SAMPLE_S`` the soak records each service's RSS, open file descriptors and
CPU time, and each consumer group's lag. At the end it waits until the pipeline is
idle, audits the store against the known set, and reports RSS at start (after a
warm-up) and at the end, the RSS growth per hour (least-squares slope over the
samples after the warm-up; target < 5 MB/h), file descriptors, and the largest lag.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field
from pathlib import Path

import psutil

from chaos.corpus import build
from chaos.report import LIMITS
from chaos.rig import Infra, Rig
from chaos.scenarios.load import releasing
from chaos.site import Site

SAMPLE_S = 15.0
RSS_LIMIT_MB_PER_H = 5.0


@dataclass
class Sample:
    t: float  # seconds since the start
    rss_mb: dict[str, float]
    fds: dict[str, int]
    cpu_s: dict[str, float]
    lag: dict[str, int]


@dataclass
class SoakReport:
    minutes: float
    rate: float
    seed: int
    samples: list[Sample] = field(default_factory=list)
    warmup_s: float = 0.0
    released: int = 0
    lost: int | None = None
    duplicates: int | None = None
    idle_s: float | None = None
    restarts: int = 0

    def slope_mb_per_h(self, service: str) -> float:
        points = [(s.t, s.rss_mb[service]) for s in self.samples if s.t >= self.warmup_s]
        if len(points) < 2:
            return 0.0
        n = len(points)
        mean_t = sum(t for t, _ in points) / n
        mean_r = sum(r for _, r in points) / n
        var = sum((t - mean_t) ** 2 for t, _ in points)
        cov = sum((t - mean_t) * (r - mean_r) for t, r in points)
        return (cov / var) * 3600.0 if var else 0.0

    def text(self) -> str:
        services = list(self.samples[0].rss_mb) if self.samples else []
        after = [s for s in self.samples if s.t >= self.warmup_s] or self.samples
        first, last = after[0], self.samples[-1]
        lines = [
            f"regwire soak: {self.minutes:.0f} min at {self.rate:g} articles/s, seed {self.seed}, "
            f"{self.released} articles announced, {len(self.samples)} samples every "
            f"{SAMPLE_S:.0f}s, warm-up {self.warmup_s:.0f}s",
            f"{'service':<8} {'RSS start MB':>12} {'RSS end MB':>10} {'growth MB/h':>11} "
            f"{'fds start':>9} {'fds end':>7} {'fds max':>7} {'CPU s':>7} {'result':>6}",
        ]
        for svc in services:
            slope = self.slope_mb_per_h(svc)
            fds_max = max(s.fds[svc] for s in self.samples)
            lines.append(
                f"{svc:<8} {first.rss_mb[svc]:>12.1f} {last.rss_mb[svc]:>10.1f} {slope:>11.2f} "
                f"{first.fds[svc]:>9} {last.fds[svc]:>7} {fds_max:>7} {last.cpu_s[svc]:>7.0f} "
                f"{'PASS' if slope < RSS_LIMIT_MB_PER_H else 'FAIL':>6}"
            )
        for group in ("parser", "sink"):
            lags = [s.lag.get(group, 0) for s in self.samples]
            lines.append(
                f"lag {group}: max {max(lags, default=0)}, mean "
                f"{sum(lags) / max(1, len(lags)):.1f}, end {lags[-1] if lags else 0} messages"
            )
        lines.append(
            f"store: lost {self.lost}, duplicate or unexpected rows {self.duplicates}; idle "
            f"{self.idle_s:.0f}s after the last article; restarts by the supervisor: "
            f"{self.restarts}"
            if self.idle_s is not None
            else "store: not audited"
        )
        lines.append(
            "note: a growth figure from a run shorter than about an hour extrapolates a few "
            "minutes of noise (allocator warm-up, caches filling); read it with the samples."
        )
        lines.append("samples (t s: RSS MB per service | lag parser/sink):")
        for s in self.samples:
            rss = " ".join(f"{k}={v:.1f}" for k, v in s.rss_mb.items())
            lines.append(f"  {s.t:>6.0f}: {rss} | {s.lag.get('parser', 0)}/{s.lag.get('sink', 0)}")
        return "\n".join(lines)

    @property
    def passed(self) -> bool:
        services = list(self.samples[0].rss_mb) if self.samples else []
        leak = any(self.slope_mb_per_h(s) >= RSS_LIMIT_MB_PER_H for s in services)
        return not leak and self.lost == 0 and self.duplicates == 0


def _sample(rig: Rig, began: float, lag: dict[str, int]) -> Sample:
    rss: dict[str, float] = {}
    fds: dict[str, int] = {}
    cpu: dict[str, float] = {}
    for svc in (rig.fetcher, rig.parser, rig.sink):
        try:
            proc = psutil.Process(svc.pid or -1)
            with proc.oneshot():
                rss[svc.service] = proc.memory_info().rss / 1e6
                fds[svc.service] = proc.num_fds()
                times = proc.cpu_times()
                cpu[svc.service] = times.user + times.system
        except psutil.Error:
            rss[svc.service], fds[svc.service], cpu[svc.service] = 0.0, 0, 0.0
    return Sample(time.monotonic() - began, rss, fds, cpu, lag)


async def run_soak(
    minutes: float, rate: float, seed: int, work: Path | None, report_path: Path
) -> int:
    total = max(50, int(minutes * 60 * rate))
    print(f"soak: {minutes:g} min at {rate:g}/s ({total} articles), seed {seed}", flush=True)
    corpus = await asyncio.to_thread(build, total, seed)
    infra = await asyncio.to_thread(Infra.start, work)
    site = await asyncio.to_thread(Site, corpus)
    # Warm-up: until the feed holds its full window of items (the fetcher parses all of
    # it on every poll), and at least two minutes; never more than half the run.
    warmup = min(max(120.0, site.window / rate + 30.0), minutes * 60 * 0.5)
    report = SoakReport(minutes, rate, seed, warmup_s=warmup)
    site.start()
    try:
        rig = await Rig(infra, "soak").setup()
        try:
            rig.fetch_from(f"{site.base}/feed.xml")
            await rig.start(rig.sink, rig.parser, rig.fetcher)
            began = time.monotonic()
            async with releasing(site, rate):
                while time.monotonic() - began < minutes * 60:
                    await rig.supervise()
                    lags = await rig.lags() or {}
                    report.samples.append(_sample(rig, began, lags))
                    print(f"soak: {report.samples[-1]}", flush=True)
                    await asyncio.sleep(SAMPLE_S)
            report.released = site.released
            idle_began = time.monotonic()
            with contextlib.suppress(TimeoutError):
                await rig.wait_idle(site.released, within=600)
                report.idle_s = time.monotonic() - idle_began
            report.samples.append(_sample(rig, began, await rig.lags() or {}))
            report.restarts = sum(rig.restarts.values())
            released = type(site.corpus)(seed, site.corpus.articles[: site.released])
            audit = await rig.audit(released)
            report.lost = audit.lost + audit.lost_sources + audit.lost_articles
            report.duplicates = audit.duplicate_rows + audit.unexpected_rows
        finally:
            await rig.close()
    finally:
        site.stop()
        await asyncio.to_thread(infra.stop)
    text = report.text() + "\n\n" + LIMITS
    print("\n" + text)
    await asyncio.to_thread(_write, report_path, text)
    return 0 if report.passed else 1


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text + "\n", encoding="utf-8")
    print(f"\nreport written to {path}")
