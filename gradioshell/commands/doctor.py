"""``doctor``: why an app or a Space does not work, one check per line, each with a next step.

The checks go in the order a connection does: the token and the Hub (for a Space: its
stage, hardware and last log lines), the name, the proxy, TLS and its certificate,
``/config`` and ``/info``, the protocol, the queue and the heartbeat. A check that cannot
run because an earlier one failed is left out. ``--json`` gives the same as one object,
for bug reports.
"""

from __future__ import annotations

import asyncio
import platform
import socket
import time
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING, Any

import httpx

from gradioshell import __version__
from gradioshell.errors import CallFailed, ShellError
from gradioshell.registry import Arg, Args, Grammar, Opt, command
from gradioshell.text import safe

if TYPE_CHECKING:
    from gradioshell.gradio import GradioApp, GradioError
    from gradioshell.hub import HubClient
    from gradioshell.state import State

LOG_LINES = 5


@dataclass
class Finding:
    """One line of the report: what was checked, how it went, and what to do next."""

    check: str
    status: str  # ok, problem or info
    detail: str
    next: str | None = None


class Report:
    def __init__(self) -> None:
        self.checks: list[Finding] = []

    def add(self, check: str, status: str, detail: str, next_step: str | None = None) -> None:
        self.checks.append(Finding(check, status, detail, next_step))

    @property
    def problems(self) -> int:
        return sum(1 for c in self.checks if c.status == "problem")


@command(
    "doctor",
    "Explain why an app or a Space does not work, one check per line",
    Grammar(
        args=(Arg("target", kind="target", optional=True),),
        options=(Opt("--json", help="the whole report as one JSON object"),),
    ),
    details=(
        "TARGET is a URL, a Space id or a session (default: the default session, else only\n"
        "the environment). Checks the token (where it was found, whom it is valid for, where\n"
        "it is sent), a Space's stage, hardware and last log lines, name resolution, the\n"
        "proxy, TLS and its certificate, /config and /info, the protocol and version, the\n"
        "queue and the heartbeat. Each line is ok or a problem with the next step to take.\n"
        "--json: the whole report as one JSON object, for bug reports."
    ),
)
async def doctor(shell: State, args: Args) -> None:
    from gradioshell.reports import Check, Checks, JsonValue

    report = Report()
    target: str | None = args.target
    session = shell.sessions.find(target) if target else shell.sessions.default
    if session is not None:
        target = session.target
    if target is not None:
        target = shell.settings.targets.get(target, target)
    url = await _diagnose(shell, report, target)
    record = {
        "event": "doctor",
        "target": target,
        "url": url,
        "problems": report.problems,
        "checks": [asdict(c) for c in report.checks],
        "versions": {
            "gradioshell": __version__,
            "python": platform.python_version(),
            "httpx": httpx.__version__,
            "platform": platform.platform(terse=True),
        },
    }
    checks = [Check(c.status, c.check, c.detail, c.next) for c in report.checks]
    if args.json:
        from gradioshell.text import json_text

        text = json_text(record, indent=2)
        shell.output.emit(JsonValue(value=record, record=record, plain=text))
    else:
        shell.output.emit(Checks(checks=checks, record=record))
    if report.problems:
        shell.output.info(f"{report.problems} problem{'s' if report.problems != 1 else ''} found")
        raise CallFailed("doctor found problems")


async def _diagnose(shell: State, report: Report, target: str | None) -> str | None:
    from gradioshell.connecting import hub_client
    from gradioshell.gradio import GradioError, normalize_url
    from gradioshell.hub import space_id_of

    space_id = space_id_of(target) if target else None
    async with hub_client(shell) as hub:
        if target is None or space_id is not None:
            await _token(shell, report, hub, space_id)
        if target is None:
            _environment(shell, report)
            return None
        if space_id is not None:
            url = await _space(shell, report, hub, space_id)
            if url is None:
                return None
        else:
            try:
                url = normalize_url(target)
            except GradioError as exc:
                report.add("target", "problem", str(exc), "give a URL such as http://HOST:PORT")
                return None
            report.add(
                "token",
                "info",
                "not sent to a plain URL",
                "connect URL --token sends it, if this app wants it",
            )
    if not await _reach(shell, report, url):
        return url
    await _app(shell, report, url, space_id)
    return url


# -- the token and the Hub -------------------------------------------------------------------


async def _token(shell: State, report: Report, hub: HubClient, space_id: str | None) -> None:
    from gradioshell.gradio import GradioError
    from gradioshell.hub import HubError

    token = shell.tokens.current()
    if token is None:
        report.add(
            "token",
            "info",
            "no Hugging Face token: calls are anonymous",
            "private Spaces and more ZeroGPU time need one: 'token set' or HF_TOKEN",
        )
        return
    try:
        me = await hub.whoami()
    except HubError as exc:
        report.add(
            "token", "problem", f"{token.masked()} from {token.source}: {exc}", "'token set'"
        )
        return
    except GradioError as exc:
        report.add("token", "info", f"{token.masked()} from {token.source}; not checked: {exc}")
        return
    name = safe(str(me.get("name", "?")))
    orgs = [str(o.get("name")) for o in me.get("orgs", []) if isinstance(o, dict)]
    whom = name + (f" (and {', '.join(map(safe, orgs))})" if orgs else "")
    report.add("token", "ok", f"{token.masked()} from {token.source}, valid for {whom}")


def _environment(shell: State, report: Report) -> None:
    from gradioshell import network

    for scheme in ("https", "http"):
        proxy, why = network.proxy_for(f"{scheme}://example.com")
        if proxy:
            report.add("proxy", "info", f"{scheme} goes through {proxy} ({why})")
        else:
            report.add("proxy", "info", f"{scheme}: {why}")
    _ca_bundle(shell, report)


def _ca_bundle(shell: State, report: Report) -> None:
    from gradioshell import network

    if not shell.settings.verify_tls:
        report.add(
            "tls",
            "problem",
            "certificates are not verified (--insecure)",
            "drop --insecure, and name your CA with SSL_CERT_FILE or [network] ca_bundle",
        )
        return
    path, source = network.ca_bundle(shell.settings)
    if path is None:
        report.add("tls", "info", "certificates verified with the bundled CA list")
    else:
        report.add("tls", "info", f"certificates verified with {path} (from {source})")


async def _space(shell: State, report: Report, hub: HubClient, space_id: str) -> str | None:
    """The Space's checks; its URL when its app can be reached, else None."""
    from gradioshell.gradio import GradioError
    from gradioshell.hub import ERROR_STAGES, RUNNING_STAGES, STARTING_STAGES, HubError

    try:
        space = await hub.space(space_id)
    except HubError as exc:
        next_step = "check the id" + (
            "; if it is private, set a token of an account that can see it: 'token set'"
            if hub.token is None
            else ""
        )
        report.add("space", "problem", str(exc), next_step)
        return None
    except GradioError as exc:
        report.add("hub", "problem", f"cannot reach the Hub ({hub.endpoint}): {exc}", _reach_hint())
        return None
    sdk = " ".join(x for x in (space.sdk, space.sdk_version) if x) or "unknown SDK"
    report.add(
        "space",
        "ok",
        f"{space.id} on the Hub: {safe(sdk)}, {'private' if space.private else 'public'}, "
        f"served at {space.host}",
    )
    stage = space.stage
    runtime_logs = True
    if stage in RUNNING_STAGES:
        report.add("stage", "ok", stage)
    elif stage in STARTING_STAGES:
        report.add(
            "stage", "problem", f"{stage}: not running yet", f"wait for it: space wait {space.id}"
        )
        runtime_logs = False
    elif stage in ("SLEEPING", "STOPPED"):
        report.add("stage", "info", f"{stage}: the first connect wakes it up")
    elif stage == "PAUSED":
        report.add(
            "stage", "problem", "PAUSED by its owner", f"its owner: space restart {space.id}"
        )
    elif stage in ERROR_STAGES:
        detail = f": {safe(space.error_message)}" if space.error_message else ""
        report.add(
            "stage",
            "problem",
            f"{stage}{detail}",
            f"see its logs: space logs {space.id} --build, or duplicate it and fix it",
        )
        runtime_logs = stage != "BUILD_ERROR"
    else:
        report.add("stage", "info", f"{safe(stage)} (a stage this shell does not know)")
    from gradioshell import spaces

    known = await spaces.flavors(hub)
    if space.hardware:
        flavor = spaces.flavor_of(space.hardware, known)
        detail = f"{space.hardware} ({flavor.tier()})"
        if space.hardware.startswith("zero"):
            detail += "; ZeroGPU: each call uses the caller's GPU quota"
        report.add("hardware", "info", detail)
    await _logs(report, hub, space.id, build=not runtime_logs)
    if hub.token is not None:
        report.add("token sent", "info", f"to the Hub and to {space.host}, and nowhere else")
    else:
        report.add("token sent", "info", "none: there is none to send")
    if stage not in RUNNING_STAGES and stage not in ("SLEEPING", "STOPPED"):
        return None
    if space.sdk and space.sdk.lower() != "gradio":
        report.add("app", "problem", f"a {safe(space.sdk)} app, not Gradio", "only Gradio Spaces")
        return None
    return space.host


async def _logs(report: Report, hub: HubClient, space_id: str, *, build: bool) -> None:
    from gradioshell import spaces
    from gradioshell.gradio import GradioError

    kind = "build" if build else "run"
    lines: list[str] = []
    try:
        async for line in spaces.logs(hub, space_id, build=build):
            lines.append(line.text)
            del lines[:-LOG_LINES]
    except GradioError as exc:
        report.add(f"{kind} log", "info", f"not available: {exc}")
        return
    if not lines:
        report.add(f"{kind} log", "info", "empty")
    for text in lines:
        report.add(f"{kind} log", "info", safe(text))


# -- the network -----------------------------------------------------------------------------


def _reach_hint() -> str:
    return "check your network, the proxy (HTTPS_PROXY) and NO_PROXY"


async def _reach(shell: State, report: Report, url: str) -> bool:
    """Name resolution, proxy and TLS; whether the app can be asked for /config."""
    from gradioshell import network

    parsed = httpx.URL(url)
    host = parsed.host
    proxy, why = network.proxy_for(url)
    if proxy:
        report.add("proxy", "info", f"through {proxy} ({why})")
    else:
        report.add("proxy", "info", f"direct: {why}")
    if _is_address(host):
        report.add("name", "ok", f"{host} is an address")
    elif proxy:
        report.add("name", "info", f"{host} is looked up by the proxy")
    else:
        try:
            infos = await asyncio.wait_for(
                asyncio.get_running_loop().getaddrinfo(host, parsed.port or 443), 10
            )
        except (OSError, asyncio.TimeoutError) as exc:
            report.add(
                "name",
                "problem",
                f"{host} does not resolve ({exc or 'timed out'})",
                "check the name; behind a proxy, set HTTPS_PROXY",
            )
            return False
        addresses = sorted({str(info[4][0]) for info in infos})
        report.add("name", "ok", f"{host} resolves to {', '.join(addresses[:3])}")
    if parsed.scheme == "https":
        _ca_bundle(shell, report)
        return await _certificate(shell, report, url)
    return True


def _is_address(host: str) -> bool:
    for family in (socket.AF_INET, socket.AF_INET6):
        try:
            socket.inet_pton(family, host)
            return True
        except OSError:
            continue
    return False


async def _certificate(shell: State, report: Report, url: str) -> bool:
    """The app's certificate; whether it is trusted (or not checked: --insecure)."""
    from gradioshell import network

    verify = network.tls_verify(shell.settings)
    try:
        async with (
            httpx.AsyncClient(verify=verify, timeout=shell.settings.timeouts.httpx()) as http,
            http.stream("GET", url + "/config") as response,
        ):
            stream = response.extensions.get("network_stream")
            ssl_object = stream.get_extra_info("ssl_object") if stream is not None else None
            cert = ssl_object.getpeercert() if ssl_object is not None else None
    except httpx.HTTPError as exc:
        text = str(exc)
        if "CERTIFICATE" in text.upper() or "SSL" in text.upper():
            report.add(
                "certificate",
                "problem",
                f"not trusted: {text}",
                "name the CA that signed it with SSL_CERT_FILE or [network] ca_bundle (behind "
                "a company proxy that re-signs traffic: the proxy's CA)",
            )
            return False
        return True  # not a TLS fault: the /config check says what it is
    if not cert:
        report.add("certificate", "info", "not verified, so not read (--insecure)")
        return True
    subject = _name(cert.get("subject"))
    issuer = _name(cert.get("issuer"))
    until = cert.get("notAfter", "?")
    report.add("certificate", "ok", f"{subject or '?'}, issued by {issuer or '?'}, until {until}")
    return True


def _name(parts: Any) -> str:
    for rdn in parts or ():
        for key, value in rdn:
            if key in ("commonName", "organizationName"):
                return str(value)
    return ""


# -- the app ---------------------------------------------------------------------------------


async def _app(shell: State, report: Report, url: str, space_id: str | None) -> None:
    from gradioshell import network
    from gradioshell.connecting import resolve_connect
    from gradioshell.gradio import GradioApp, GradioError

    on_request = None
    if space_id is not None:
        try:
            on_request = (await resolve_connect(shell, space_id)).on_request
        except (GradioError, ShellError) as exc:
            report.add("connect", "problem", str(exc))
            return
    started = time.monotonic()
    try:
        app = await GradioApp.connect(
            url,
            timeouts=shell.settings.timeouts,
            limits=shell.settings.limits,
            verify=network.tls_verify(shell.settings),
            on_request=on_request,
        )
    except GradioError as exc:
        report.add("/config", "problem", str(exc), _next_step(exc, url, space_id))
        return
    took = time.monotonic() - started
    try:
        config = app.config
        assert config is not None
        report.add(
            "/config",
            "ok",
            f"Gradio {safe(app.version)}, answered in {took:.2f} s"
            + (f", API under {config.api_prefix}" if config.api_prefix else ""),
        )
        report.add("/info", "ok", f"{len(app.endpoints)} endpoints")
        report.add("protocol", "ok", f"{app.protocol}: supported")
        await _queue(report, app)
        await _heartbeat(report, app)
    finally:
        await app.close()


def _next_step(exc: GradioError, url: str, space_id: str | None) -> str:
    from gradioshell.gradio import (
        AuthenticationRequired,
        ConnectionFailed,
        NotAGradioApp,
        TimedOut,
        UnsupportedApp,
    )

    text = str(exc)
    if isinstance(exc, TimedOut) or "timed out" in text or "stopped answering" in text:
        return "slow is not dead: try again, or raise [timeouts] connect and read" + (
            "; a Space may be starting: space wait " + space_id if space_id else ""
        )
    if "connection refused" in text:
        return "is the app running, and on this port?"
    if "resolve" in text:
        return "check the host name"
    if isinstance(exc, AuthenticationRequired):
        return f"connect {url} --user NAME"
    if isinstance(exc, NotAGradioApp):
        return "is this the app's address (with its path prefix, if any)?"
    if isinstance(exc, UnsupportedApp):
        return "see docs/compatibility.md for the versions supported"
    if isinstance(exc, ConnectionFailed) and "TLS" in text:
        return "name the CA with SSL_CERT_FILE or [network] ca_bundle, or --insecure"
    if "proxy" in text:
        return "check HTTPS_PROXY and the proxy's login"
    return "run with --debug and look at the log"


async def _queue(report: Report, app: GradioApp) -> None:
    from gradioshell.gradio import GradioError

    try:
        response = await app.request("GET", app.api_url + "/queue/status", check=False)
    except GradioError as exc:
        report.add("queue", "info", f"no status: {exc}")
        return
    if response.status_code >= 400:
        report.add("queue", "info", f"no status route (HTTP {response.status_code})")
        return
    try:
        status = response.json()
    except ValueError:
        status = {}
    size = status.get("queue_size") if isinstance(status, dict) else None
    eta = status.get("queue_eta") if isinstance(status, dict) else None
    if not isinstance(size, int):
        report.add("queue", "info", "the app does not say its queue's size")
        return
    detail = f"{size} waiting"
    if isinstance(eta, (int, float)) and size:
        detail += f", about {eta:.0f} s to the front"
    report.add("queue", "ok", detail)


async def _heartbeat(report: Report, app: GradioApp) -> None:
    from gradioshell.gradio import heartbeat
    from gradioshell.gradio.protocols import version_tuple

    if not heartbeat.wanted(version_tuple(app.version)):
        report.add("heartbeat", "info", "not served before Gradio 4.25; not needed")
        return
    url = f"{app.api_url}/heartbeat/{app.session_hash}"
    try:
        async with app.http.stream("GET", url, timeout=10.0) as response:
            if response.status_code in (404, 405):
                report.add("heartbeat", "info", "the app serves no heartbeat route")
                return
            if response.status_code >= 400:
                report.add(
                    "heartbeat",
                    "problem",
                    f"HTTP {response.status_code}",
                    "a proxy in between may block long-lived streams",
                )
                return
            first = await asyncio.wait_for(response.aiter_raw().__anext__(), 10.0)
    except (httpx.HTTPError, asyncio.TimeoutError, StopAsyncIteration) as exc:
        report.add(
            "heartbeat",
            "problem",
            f"no beat within 10 s ({type(exc).__name__})",
            "a proxy in between may buffer event streams: calls would hang; ask for it to "
            "pass text/event-stream through",
        )
        return
    beat = safe(first.decode(errors="replace").strip())[:40]
    report.add("heartbeat", "ok", f"the app beats ({beat})")


# -- rendering -------------------------------------------------------------------------------
