"""The ten scenarios of issue 7, each ``async (Ctx) -> Result``, in the issue's order."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from chaos.report import Result
from chaos.scenarios.base import Ctx
from chaos.scenarios.broker import broker_kill, broker_restart
from chaos.scenarios.config_guard import config_guard
from chaos.scenarios.kills import parser_kill, sink_kill_between_commits
from chaos.scenarios.load import consumer_churn, sigterm_under_load
from chaos.scenarios.poison import poison
from chaos.scenarios.postgres import postgres_restart
from chaos.scenarios.replay import full_replay

Scenario = Callable[[Ctx], Awaitable[Result]]

SCENARIOS: dict[str, Scenario] = {
    "parser-kill": parser_kill,
    "sink-kill-between-commits": sink_kill_between_commits,
    "full-replay": full_replay,
    "broker-kill": broker_kill,
    "broker-restart": broker_restart,
    "group-churn": consumer_churn,
    "sigterm": sigterm_under_load,
    "postgres-restart": postgres_restart,
    "poison": poison,
    "config-guard": config_guard,
}

__all__ = ["SCENARIOS", "Ctx", "Scenario"]
