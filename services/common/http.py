"""The HTTP side of every service: ``/metrics``, ``/healthz``, ``/readyz``.

Served by uvicorn inside the service's own event loop; the service owns signal
handling, so uvicorn's is switched off.
"""

from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator, Iterator

import uvicorn
from fastapi import APIRouter, FastAPI, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from services.common.health import Health
from services.common.metrics import Metrics


def build_app(
    metrics: Metrics,
    health: Health,
    readiness_timeout: float,
    routers: list[APIRouter] | None = None,
    title: str = "regwire",
) -> FastAPI:
    app = FastAPI(title=title, version=_version(), docs_url="/docs")

    @app.get("/metrics", include_in_schema=False)
    def prometheus_metrics() -> Response:
        return Response(generate_latest(metrics.registry), media_type=CONTENT_TYPE_LATEST)

    @app.get("/healthz", include_in_schema=False)
    def healthz() -> JSONResponse:
        ok, report = health.liveness()
        return JSONResponse({"status": "ok" if ok else "fail", "loops": report}, 200 if ok else 503)

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> JSONResponse:
        ok, report = await health.readiness(readiness_timeout)
        body = {"status": "ok" if ok else "fail", "checks": report}
        return JSONResponse(body, 200 if ok else 503)

    for router in routers or []:
        app.include_router(router)
    return app


def _version() -> str:
    from services.common.metrics import regwire_version

    return regwire_version()


class _EmbeddedServer(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        # The service's lifecycle handles SIGTERM/SIGINT and stops us explicitly.
        yield


@contextlib.asynccontextmanager
async def serve_http(app: FastAPI, host: str, port: int) -> AsyncIterator[int]:
    """Serve ``app`` until the block exits; yields the bound port (``port=0`` picks one)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    config = uvicorn.Config(app, log_config=None, access_log=False, lifespan="off")
    server = _EmbeddedServer(config)
    task = asyncio.create_task(server.serve(sockets=[sock]), name=f"http:{port}")
    try:
        # uvicorn exposes no "started" event, only a flag.
        while not server.started and not task.done():  # noqa: ASYNC110
            await asyncio.sleep(0.01)
        if task.done():
            task.result()  # re-raise a bind or start-up failure
        yield int(sock.getsockname()[1])
    finally:
        server.should_exit = True
        with contextlib.suppress(asyncio.CancelledError):
            await task
        sock.close()
