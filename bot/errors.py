"""The project's own error tree. Adapters translate library errors into these.

SignalbotError
├── ConfigError            a bad config file or setting (carries every problem with its key path)
├── FetchError             a feed or article could not be fetched
│   ├── BlockedAddressError   the URL resolves to an address the bot may not reach
│   ├── BodyTooLargeError     the response exceeded the size cap
│   └── HTTPStatusError       the server answered with an error status (carries status, retry_after)
├── ParseError             fetched bytes are not a usable feed
│   └── NotAFeedError         a web page, carrying the feeds it links to (autodiscovery)
├── StoreError             the database refused or failed
└── DeliveryError          a chat platform refused a message
    └── RateLimitedError      the platform asked us to wait (carries retry_after seconds)
"""

from __future__ import annotations


class SignalbotError(Exception):
    """Base of every error the bot raises on purpose."""


class ConfigError(SignalbotError):
    """Configuration is invalid; ``problems`` lists ``(key path, message)`` pairs."""

    def __init__(self, problems: list[tuple[str, str]], source: str = "") -> None:
        self.problems = problems
        self.source = source
        where = f" in {source}" if source else ""
        lines = "\n".join(f"  {path or '<root>'}: {msg}" for path, msg in problems)
        super().__init__(f"{len(problems)} configuration problem(s){where}:\n{lines}")


class FetchError(SignalbotError):
    """A URL could not be fetched (network error, timeout, refused)."""

    def __init__(self, url: str, reason: str) -> None:
        self.url = url
        self.reason = reason
        super().__init__(f"could not fetch {url}: {reason}")


class BlockedAddressError(FetchError):
    """The URL points at an address class the bot refuses to reach (private, loopback, metadata)."""


class BodyTooLargeError(FetchError):
    """The response body exceeded the configured cap."""


class HTTPStatusError(FetchError):
    """The server answered with an error status."""

    def __init__(self, url: str, status: int, retry_after: float | None = None) -> None:
        self.status = status
        self.retry_after = retry_after
        super().__init__(url, f"HTTP {status}")


class ParseError(SignalbotError):
    """The bytes are not a feed the bot can read."""


class NotAFeedError(ParseError):
    """The URL is a web page; ``feeds`` lists the ``(url, title, type)`` of the feeds it
    announces with ``<link rel="alternate">``, best first (empty when it announces none)."""

    def __init__(self, url: str, feeds: list[tuple[str, str, str]]) -> None:
        self.url = url
        self.feeds = feeds
        if feeds:
            found = "; ".join(f"{u} ({t or kind})" for u, t, kind in feeds[:5])
            message = f"{url} is not a readable feed but a web page; it links to: {found}"
        else:
            message = (
                f"{url} is not a readable feed but a web page that announces no feed; read it "
                "as an announcement list with kind: html and CSS selectors"
            )
        super().__init__(message)


class StoreError(SignalbotError):
    """The state store failed."""


class DeliveryError(SignalbotError):
    """A chat platform refused or failed to take a message."""


class RateLimitedError(DeliveryError):
    """The platform throttled us; retry after ``retry_after`` seconds."""

    def __init__(self, retry_after: float, detail: str = "rate limited") -> None:
        self.retry_after = retry_after
        super().__init__(f"{detail}; retry after {retry_after:g}s")
