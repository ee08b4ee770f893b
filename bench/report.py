"""The benchmark report: figures over several runs, ratios, targets; markdown and JSON.

Every figure keeps each run's value and is reported as median, min and max. A ratio
is computed per run from two figures measured side by side in that run (paired, so a
burst of load from elsewhere moves both sides), then summarised the same way.

>>> r = Report()
>>> s = r.stage("parse", "parse + normalise, one core")
>>> s.add("ours", "pages/s", [410.0, 400.0, 420.0])
>>> s.get("ours").median
410.0
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

Op = Literal[">=", "<="]


@dataclass
class Figure:
    key: str
    unit: str
    values: list[float]
    label: str = ""
    note: str = ""

    @property
    def median(self) -> float:
        return statistics.median(self.values)

    @property
    def low(self) -> float:
        return min(self.values)

    @property
    def high(self) -> float:
        return max(self.values)

    def as_json(self) -> dict[str, Any]:
        return {
            "label": self.label or self.key,
            "unit": self.unit,
            "median": self.median,
            "min": self.low,
            "max": self.high,
            "runs": self.values,
            **({"note": self.note} if self.note else {}),
        }


@dataclass
class Target:
    name: str
    stage: str
    key: str
    op: Op
    threshold: float

    def check(self, value: float) -> bool:
        return value >= self.threshold if self.op == ">=" else value <= self.threshold


@dataclass
class Stage:
    name: str
    title: str
    figures: dict[str, Figure] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    error: str | None = None

    def add(
        self, key: str, unit: str, values: Sequence[float], label: str = "", note: str = ""
    ) -> Figure:
        clean = [float(v) for v in values if v is not None]
        if not clean:
            raise ValueError(f"{self.name}.{key}: no values")
        figure = Figure(key, unit, clean, label, note)
        self.figures[key] = figure
        return figure

    def ratio(self, key: str, ours: Sequence[float], ref: Sequence[float], label: str) -> Figure:
        """Per-run ours/ref (the runs are paired), as a figure of its own."""
        pairs = [o / r for o, r in zip(ours, ref, strict=True) if r]
        return self.add(key, "x", pairs, label)

    def get(self, key: str) -> Figure:
        return self.figures[key]


@dataclass
class Report:
    machine: dict[str, Any] = field(default_factory=dict)
    versions: dict[str, str] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)
    stages: dict[str, Stage] = field(default_factory=dict)
    targets: list[Target] = field(default_factory=list)

    def stage(self, name: str, title: str) -> Stage:
        self.stages[name] = Stage(name, title)
        return self.stages[name]

    def target(self, name: str, stage: str, key: str, op: Op, threshold: float) -> None:
        self.targets.append(Target(name, stage, key, op, threshold))

    def verdicts(self) -> list[dict[str, Any]]:
        out = []
        for t in self.targets:
            figure = self.stages.get(t.stage, Stage("", "")).figures.get(t.key)
            value = figure.median if figure else None
            out.append(
                {
                    "target": t.name,
                    "figure": f"{t.stage}.{t.key}",
                    "median": value,
                    "min": figure.low if figure else None,
                    "max": figure.high if figure else None,
                    "op": t.op,
                    "threshold": t.threshold,
                    "result": "n/a" if value is None else ("PASS" if t.check(value) else "MISS"),
                }
            )
        return out

    def as_json(self) -> dict[str, Any]:
        return {
            "machine": self.machine,
            "versions": self.versions,
            "config": self.config,
            "stages": {
                name: {
                    "title": s.title,
                    "figures": {k: f.as_json() for k, f in s.figures.items()},
                    "notes": s.notes,
                    **({"error": s.error} if s.error else {}),
                }
                for name, s in self.stages.items()
            },
            "targets": self.verdicts(),
        }

    def markdown(self) -> str:
        lines = ["# regwire benchmark", ""]
        lines += ["## Machine", "", "| | |", "|---|---|"]
        lines += [f"| {k} | {v} |" for k, v in self.machine.items()]
        lines += ["", "## Versions", "", "| | |", "|---|---|"]
        lines += [f"| {k} | {v} |" for k, v in self.versions.items()]
        lines += ["", "## Settings", "", "| | |", "|---|---|"]
        lines += [f"| {k} | {v} |" for k, v in self.config.items()]
        lines += ["", "## Targets", "", "| target | median (min–max) | target | result |"]
        lines += ["|---|---:|---:|---|"]
        for v in self.verdicts():
            spread = (
                "–"
                if v["median"] is None
                else f"{fmt(v['median'])} ({fmt(v['min'])}–{fmt(v['max'])})"
            )
            lines.append(
                f"| {v['target']} | {spread} | {v['op']} {fmt(v['threshold'])} | {v['result']} |"
            )
        for stage in self.stages.values():
            lines += ["", f"## {stage.title}", ""]
            if stage.error:
                lines += [f"**failed:** `{stage.error}`", ""]
            if stage.figures:
                lines += [
                    "| figure | median | min | max | unit | runs |",
                    "|---|---:|---:|---:|---|---:|",
                ]
                for f in stage.figures.values():
                    label = f.label or f.key
                    lines.append(
                        f"| {label} | {fmt(f.median)} | {fmt(f.low)} | {fmt(f.high)} "
                        f"| {f.unit} | {len(f.values)} |"
                    )
            lines += [f"- {n}" for n in stage.notes]
        return "\n".join(lines) + "\n"


def fmt(value: float | None) -> str:
    if value is None:
        return "–"
    magnitude = abs(value)
    if magnitude >= 100:
        return f"{value:,.0f}"
    if magnitude >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}" if magnitude >= 0.1 else f"{value:.3g}"
