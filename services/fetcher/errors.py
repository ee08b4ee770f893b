"""Why a fetch failed, as a tree under the pipeline's error classes.

``retriable`` decides everything downstream: a retriable failure releases the
article's claim so a later poll tries again; any other failure is final for
that URL (recorded, counted, never fetched again).
"""

from __future__ import annotations

from services.common.errors import RegwireError, TransientError


class FetchError(RegwireError):
    """A fetch that cannot succeed as asked (final for this URL)."""

    reason = "fetch"


class AddressRefused(FetchError):
    """The URL or what its host resolves to is not a public HTTP(S) address."""

    reason = "address_refused"

    def __init__(self, message: str, why: str) -> None:
        super().__init__(message)
        self.why = why


class RobotsDenied(FetchError):
    reason = "robots_denied"


class BodyTooLarge(FetchError):
    reason = "size_cap"


class TooManyRedirects(FetchError):
    reason = "redirects"


class UnsupportedContent(FetchError):
    """A content type or content encoding the fetcher does not handle."""

    reason = "unsupported_content"


class HTTPStatusError(FetchError):
    """A final (non-retriable) HTTP status such as 404 or 410."""

    reason = "http_status"

    def __init__(self, status: int, url: str) -> None:
        super().__init__(f"HTTP {status} for {url}")
        self.status = status


class FetchTransient(TransientError):
    """A timeout, a reset connection, a 5xx or a 429: the same fetch may work later."""

    reason = "transient"

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class FetchTimeout(FetchTransient):
    reason = "timeout"


class ConnectionFailed(FetchTransient):
    reason = "connection"


class RobotsUnavailable(FetchTransient):
    """robots.txt answered 5xx/429 or not at all: RFC 9309 says disallow, for now."""

    reason = "robots_unavailable"


class HostCoolingDown(FetchTransient):
    """The host asked (``Retry-After``) for a pause longer than we wait in place."""

    reason = "cooling_down"


class HTTPStatusTransient(FetchTransient):
    reason = "http_status"

    def __init__(self, status: int, url: str, retry_after: float | None = None) -> None:
        super().__init__(f"HTTP {status} for {url}", retry_after)
        self.status = status


class FeedRejected(FetchError):
    """A feed or sitemap that is hostile (entities, DTD tricks) or not XML at all."""

    reason = "feed_rejected"
