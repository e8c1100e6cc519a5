"""The TLS context every HTTP client of the process shares."""

from __future__ import annotations

import os
import ssl
from functools import cache


@cache
def shared_ssl_context() -> ssl.SSLContext:
    """One context for every client: loading the certificate authorities costs tens of
    milliseconds each time. ``SSL_CERT_FILE`` or ``SSL_CERT_DIR`` name a trust store of the
    environment's (a company's own authority); otherwise it is certifi's bundle."""
    if cafile := os.environ.get("SSL_CERT_FILE"):
        return ssl.create_default_context(cafile=cafile)
    if capath := os.environ.get("SSL_CERT_DIR"):
        return ssl.create_default_context(capath=capath)
    import certifi

    return ssl.create_default_context(cafile=certifi.where())
