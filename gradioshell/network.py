"""Proxies and certificates, as every HTTP tool reads them from the environment.

Proxies: ``HTTPS_PROXY``, ``HTTP_PROXY``, ``ALL_PROXY`` and ``NO_PROXY`` (or their
lower-case forms) apply to every connection — apps, the Hub, downloads — since httpx reads
them itself; this module only says which one a URL goes through, for ``doctor`` and error
messages, with any user name and password left out.

Certificates: the CA bundle is the ``[network] ca_bundle`` config key, else the file in
``SSL_CERT_FILE``, else the one in ``REQUESTS_CA_BUNDLE``, else the bundled certificates.
A bundle replaces the default list, as with curl and requests: it must hold every CA needed.
"""

from __future__ import annotations

import os
import ssl
import urllib.request
from collections.abc import Mapping
from typing import TYPE_CHECKING

import httpx

from gradioshell.errors import ShellError

if TYPE_CHECKING:
    from gradioshell.settings import Settings

PROXY_VARIABLES = {
    "https": ("HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"),
    "http": ("HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"),
}


def ca_bundle(
    settings: Settings, env: Mapping[str, str] | None = None
) -> tuple[str | None, str | None]:
    """The CA bundle to verify with, and where it was named; (None, None) for the default."""
    env = os.environ if env is None else env
    if settings.ca_bundle:
        return settings.ca_bundle, "the [network] ca_bundle config key"
    for name in ("SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"):
        value = (env.get(name) or "").strip()
        if value:
            return value, f"the {name} environment variable"
    return None, None


def tls_verify(settings: Settings) -> ssl.SSLContext | bool:
    """What to give httpx's ``verify``: False with --insecure, else a verifying context."""
    if not settings.verify_tls:
        return False
    from gradioshell.gradio.http import tls_context

    path, source = ca_bundle(settings)
    if path is None:
        return tls_context()
    try:
        return tls_context(os.path.expanduser(path))
    except (OSError, ssl.SSLError) as exc:
        reason = getattr(exc, "strerror", None) or str(exc)
        raise ShellError(f"cannot read the CA bundle {path} (from {source}): {reason}") from None


def redact(url: str) -> str:
    """``url`` without its user name and password (a proxy URL often carries them)."""
    try:
        parsed = httpx.URL(url if "://" in url else "http://" + url)
    except (httpx.InvalidURL, TypeError, ValueError):
        return "<a proxy URL that cannot be read>"
    if parsed.userinfo:
        parsed = parsed.copy_with(username=None, password=None)
        return str(parsed).replace("://", "://***@", 1)
    return str(parsed)


def proxy_for(url: str, env: Mapping[str, str] | None = None) -> tuple[str | None, str]:
    """The proxy ``url`` goes through (without credentials) and why: the variable that names
    it, or why none is used."""
    env = os.environ if env is None else env
    parsed = httpx.URL(url)
    for name in PROXY_VARIABLES.get(parsed.scheme, ()):
        value = (env.get(name) or "").strip()
        if not value:
            continue
        bypass = _no_proxy(env)
        if bypass and _bypassed(parsed.host, parsed.port, bypass):
            return None, f"NO_PROXY={bypass} leaves {parsed.host} out of {name}"
        return redact(value), name
    return None, "no proxy is set (HTTPS_PROXY, HTTP_PROXY, ALL_PROXY)"


def _no_proxy(env: Mapping[str, str]) -> str:
    return (env.get("NO_PROXY") or env.get("no_proxy") or "").strip()


def _bypassed(host: str, port: int | None, no_proxy: str) -> bool:
    if no_proxy == "*":
        return True
    target = f"{host}:{port}" if port else host
    bypass = getattr(urllib.request, "proxy_bypass_environment")  # noqa: B009 (not in typeshed)
    return bool(bypass(target, {"no": no_proxy}))
