"""Stable identity for feed items: GUID, else canonical link, else a content hash."""

from __future__ import annotations

import hashlib
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

_TRACKING_PREFIXES = ("utm_", "mc_", "fbclid", "gclid", "ocid", "cmpid")


def canonical_link(link: str) -> str:
    """Lower-case scheme and host, drop the fragment, default ports and tracking parameters."""
    link = link.strip()
    if not link:
        return ""
    try:
        parts = urlsplit(link)
        port = parts.port
    except ValueError:
        return link
    scheme = parts.scheme.lower()
    host = (parts.hostname or "").lower()
    if port and not ((scheme == "http" and port == 80) or (scheme == "https" and port == 443)):
        host = f"{host}:{port}"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not k.lower().startswith(_TRACKING_PREFIXES)
    ]
    path = parts.path or "/"
    return urlunsplit((scheme, host, path, urlencode(sorted(query)), ""))


def content_hash(*parts: str) -> str:
    digest = hashlib.sha256("\x1f".join(p.strip() for p in parts).encode("utf-8", "replace"))
    return digest.hexdigest()[:32]


def item_key(guid: str, link: str, title: str, summary: str) -> str:
    """The key that decides whether an item was seen before.

    A GUID wins (publishers that change GUIDs are rare, and those that change links are not);
    then the canonical link; then a hash of title and summary.
    """
    guid = guid.strip()
    if guid:
        return "guid:" + (guid if len(guid) <= 200 else content_hash(guid))
    canon = canonical_link(link)
    if canon:
        return "link:" + (canon if len(canon) <= 200 else content_hash(canon))
    return "hash:" + content_hash(title, summary)
