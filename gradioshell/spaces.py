"""Managing a Space through the Hub's API: duplicate, logs, pause, hardware, sleep time.

The routes and payloads are those huggingface_hub uses (``duplicate_repo``,
``fetch_space_logs``, ``pause_space``, ``request_space_hardware``, ``set_space_sleep_time``,
``list_spaces_hardware``). Like :mod:`gradioshell.hub`, this knows nothing of the terminal.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from gradioshell.hub import HubClient, HubError, hub_error

#: Hardware that costs nothing to run a Space on.
FREE = frozenset({"cpu-basic", "zero-a10g"})
#: Without --follow, the logs end when the stream has been quiet this long.
QUIET = 3.0


@dataclass(frozen=True)
class Flavor:
    """A kind of hardware a Space can run on, and what it costs while the Space runs."""

    name: str
    pretty_name: str
    per_hour: float | None  # US dollars; None when the Hub does not say

    @classmethod
    def from_payload(cls, item: dict[str, Any]) -> Flavor:
        cost = item.get("unitCostUSD")
        unit = str(item.get("unitLabel") or "")
        per_hour: float | None = None
        if isinstance(cost, (int, float)) and not isinstance(cost, bool):
            per_hour = float(cost) * {"second": 3600, "minute": 60, "hour": 1}.get(unit, 60)
        return cls(str(item.get("name")), str(item.get("prettyName") or item.get("name")), per_hour)

    @property
    def free(self) -> bool:
        return self.per_hour == 0 if self.per_hour is not None else self.name in FREE

    def tier(self) -> str:
        """``free``, or ``paid: $0.40 per hour while it runs``."""
        if self.free:
            return "free"
        if self.per_hour is None:
            return "paid (billed while it runs)"
        return f"paid: ${self.per_hour:.2f} per hour while it runs"


async def flavors(hub: HubClient) -> dict[str, Flavor]:
    """The hardware the Hub offers for Spaces, by name; empty if it does not say."""
    try:
        data = await hub.get_json("/api/spaces/hardware", what="the hardware of Spaces")
    except HubError:
        return {}
    items = data if isinstance(data, list) else []
    found = [Flavor.from_payload(i) for i in items if isinstance(i, dict) and i.get("name")]
    return {flavor.name: flavor for flavor in found}


def flavor_of(name: str, known: dict[str, Flavor]) -> Flavor:
    return known.get(name) or Flavor(name, name, 0.0 if name in FREE else None)


async def duplicate(
    hub: HubClient,
    source: str,
    target: str,
    *,
    private: bool | None = None,
    hardware: str | None = None,
    secrets: dict[str, str] | None = None,
) -> str:
    """Copy the Space ``source`` to ``target`` (owner/name); return the new Space's id."""
    payload: dict[str, Any] = {"repository": target}
    if private is not None:
        payload["private"] = private
    if hardware:
        payload["hardware"] = hardware
    if secrets:
        payload["secrets"] = [{"key": k, "value": v} for k, v in secrets.items()]
    try:
        response = await hub.request(
            "POST",
            f"/api/spaces/{source}/duplicate",
            what=f"the Space {source}",
            json=payload,
        )
    except HubError as exc:
        if exc.status == 409:
            raise HubError(f"a Space named {target} already exists", 409, exc.code) from None
        raise
    try:
        url = response.json().get("url")
    except (ValueError, AttributeError):
        url = None
    if isinstance(url, str) and "/spaces/" in url:
        return "/".join(url.rstrip("/").split("/spaces/", 1)[1].split("/")[:2])
    return target


async def _post_runtime(
    hub: HubClient, space_id: str, action: str, **kwargs: Any
) -> dict[str, Any]:
    response = await hub.request(
        "POST", f"/api/spaces/{space_id}/{action}", what=f"the Space {space_id}", **kwargs
    )
    try:
        data = response.json()
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


async def pause(hub: HubClient, space_id: str) -> dict[str, Any]:
    return await _post_runtime(hub, space_id, "pause")


async def set_hardware(hub: HubClient, space_id: str, flavor: str) -> dict[str, Any]:
    return await _post_runtime(hub, space_id, "hardware", json={"flavor": flavor})


async def set_sleep_time(hub: HubClient, space_id: str, seconds: int) -> dict[str, Any]:
    return await _post_runtime(hub, space_id, "sleeptime", json={"seconds": seconds})


def hardware_of(runtime: dict[str, Any]) -> tuple[str | None, str | None]:
    """The current and the requested hardware in a runtime answer."""
    hardware = runtime.get("hardware")
    if isinstance(hardware, dict):
        current, requested = hardware.get("current"), hardware.get("requested")
        return (
            current if isinstance(current, str) else None,
            requested if isinstance(requested, str) else None,
        )
    return (hardware if isinstance(hardware, str) else None), None


@dataclass(frozen=True)
class LogLine:
    text: str
    timestamp: str


async def logs(
    hub: HubClient, space_id: str, *, build: bool = False, follow: bool = False
) -> AsyncIterator[LogLine]:
    """The Space's run (or build) log, line by line, from the Hub's server-sent events.

    Without ``follow``, the lines logged so far: the stream stays open for lines to come,
    so it is read until a line newer than the answer itself, or a quiet spell.
    """
    kind = "build" if build else "run"
    url = hub.url(f"/api/spaces/{space_id}/logs/{kind}")
    timeout = httpx.Timeout(None if follow else 30.0, connect=30.0)
    try:
        async with hub.http.stream(
            "GET", url, headers={"Accept": "text/event-stream"}, timeout=timeout
        ) as response:
            if response.status_code >= 400:
                await response.aread()
                raise hub_error(response, f"the Space {space_id}", with_token=hub.token is not None)
            replay_end = None
            if not follow and response.headers.get("date"):
                try:
                    replay_end = parsedate_to_datetime(response.headers["date"]) + timedelta(
                        seconds=1
                    )
                except (TypeError, ValueError):
                    replay_end = None
            lines = response.aiter_lines()
            # Keep-alives (empty data lines) do not count: quiet means no log line.
            quiet_until = time.monotonic() + QUIET
            while True:
                try:
                    raw = await (
                        lines.__anext__()
                        if follow
                        else asyncio.wait_for(
                            lines.__anext__(), max(quiet_until - time.monotonic(), 0.0)
                        )
                    )
                except (StopAsyncIteration, asyncio.TimeoutError):
                    return
                if not raw.startswith("data: {"):
                    continue
                quiet_until = time.monotonic() + QUIET
                try:
                    event = json.loads(raw[len("data: ") :])
                except ValueError:
                    continue
                if not isinstance(event, dict):
                    continue
                stamp = str(event.get("timestamp") or "")
                if replay_end is not None and _later(stamp, replay_end):
                    return
                text = event.get("data")
                if isinstance(text, str):
                    for part in text.rstrip("\n").split("\n"):
                        yield LogLine(part, stamp)
    except httpx.HTTPError as exc:
        from gradioshell.gradio.http import transport_error

        raise transport_error(exc, url) from None


def _later(stamp: str, moment: datetime) -> bool:
    try:
        when = datetime.fromisoformat(stamp.replace("Z", "+00:00"))
    except ValueError:
        return False
    # A time without a zone is UTC here: the Hub's Date header and its log timestamps are.
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return when > moment
