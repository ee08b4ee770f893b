"""URL canonicalisation: one spelling per article, so one article id per article.

Lower-case scheme and host, IDNA host, no default port, no fragment, no tracking
parameters (``utm_*``, ``fbclid``...), sorted query, normalised percent-encoding
and dot segments (w3lib). A page's ``<link rel=canonical>`` is honoured when it
points at the same site (a page cannot claim another site's article id).

>>> canonicalize("HTTPS://Example.COM:443/a/../b?utm_source=x&b=2&a=1#top")
'https://example.com/b?a=1&b=2'
"""

from __future__ import annotations

import contextlib
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from selectolax.lexbor import LexborHTMLParser
from w3lib.url import canonicalize_url

TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "_hs")
TRACKING_PARAMS = frozenset(
    {
        "fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid",
        "mc_cid", "mc_eid", "igshid", "mkt_tok", "oly_anon_id", "oly_enc_id", "vero_id",
        "ref_src", "ref_url", "s_cid", "cmpid", "ncid", "ocid", "smid", "sr_share",
        "_ga", "_gl", "guccounter", "guce_referrer", "guce_referrer_sig", "spm",
    }
)  # fmt: skip
DEFAULT_PORTS = {"http": 80, "https": 443}
_SITE_PREFIXES = ("www.", "m.", "amp.", "mobile.")


def is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def canonicalize(url: str) -> str:
    """The canonical spelling of an absolute http(s) URL; raises ``ValueError`` otherwise."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"not an absolute http(s) URL: {url!r}")
    host = parts.hostname.rstrip(".").lower()
    with contextlib.suppress(UnicodeError):  # exotic hosts are left to w3lib's encoding
        host = host.encode("idna").decode("ascii")
    if ":" in host:
        host = f"[{host}]"
    port = parts.port
    netloc = host if port is None or port == DEFAULT_PORTS[scheme] else f"{host}:{port}"
    if parts.username:
        netloc = f"{parts.username}{':' + parts.password if parts.password else ''}@{netloc}"
    query = urlencode(
        [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not is_tracking(k)]
    )
    return canonicalize_url(urlunsplit((scheme, netloc, parts.path or "/", query, "")))


def absolute(base: str, href: str) -> str | None:
    """``href`` resolved against ``base`` and canonicalised, or None when not http(s)."""
    try:
        return canonicalize(urljoin(base, href.strip()))
    except ValueError:
        return None


def site_of(host: str) -> str:
    lowered = host.lower()
    for prefix in _SITE_PREFIXES:
        if lowered.startswith(prefix):
            return lowered[len(prefix) :]
    return lowered


def same_site(a: str, b: str) -> bool:
    """Hosts that belong to one publisher (``www.x.com`` ~ ``x.com`` ~ ``amp.x.com``)."""
    ha, hb = site_of(urlsplit(a).hostname or ""), site_of(urlsplit(b).hostname or "")
    return bool(ha) and (ha == hb or ha.endswith("." + hb) or hb.endswith("." + ha))


def canonical_link(html: str, page_url: str) -> str | None:
    """The page's ``<link rel=canonical>`` (absolute, canonical, same site), if any."""
    tree = LexborHTMLParser(html)
    for node in tree.css("link[rel][href]"):
        rels = (node.attributes.get("rel") or "").lower().split()
        if "canonical" not in rels:
            continue
        found = absolute(page_url, node.attributes.get("href") or "")
        return found if found and same_site(found, page_url) else None
    return None
