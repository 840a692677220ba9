"""ZeroGPU quota errors: recognised in what a Space's app says, and told in one clear line.

A ZeroGPU Space gets a GPU for each call from the ``spaces`` package, which raises
``gr.Error`` with a title such as "ZeroGPU quota exceeded" when the caller has used up
their GPU time. The wording changed over the package's releases; every form seen is
recognised here:

- ``You have exceeded your free ZeroGPU quota (60s requested vs. 12s left). Try again in
  2:05:11. ...`` (0.3x and later; "free", "Pro" or nothing before "ZeroGPU"/"GPU")
- ``You have exceeded your GPU quota (12s left vs. 60s requested). Please retry in 0:09:48``
  and ``... Sign-up on Hugging Face to get more quotas or retry in 0:09:48.`` (older)
- ``You have exceeded your ZeroGPU runs limit.``, ``Space app has reached its GPU limit.``
- ``You have too many ZeroGPU credits allocated to running tasks.``
- ``The requested GPU duration (120s) is larger than the maximum allowed``
- ``No GPU was available after 60s``, ``No GPU is currently available for you after 60s``,
  ``No GPU was available``: no GPU free right now, not a quota (a retry may get one).

Some releases send the message as HTML (a link to sign up); tags are dropped first.
"""

from __future__ import annotations

import contextvars
import dataclasses
import re
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from gradioshell.context import CallContext
    from gradioshell.gradio import Failed
    from gradioshell.sessions import Session

#: Seconds to wait when the Space says the quota is used up but not when it comes back.
DEFAULT_WAIT = 60.0
#: Added to the wait the Space gives, which is rounded down to the second.
MARGIN = 1.0

#: Set while a call runs that waits for the quota itself (``--wait-quota``, batches).
WAITING: contextvars.ContextVar[bool] = contextvars.ContextVar("waiting_for_quota", default=False)

_TAGS = re.compile(r"<[^>]*>")
_EXCEEDED = re.compile(r"exceeded your (?:(?P<tier>free|pro) )?(?:zero)?gpu quota", re.IGNORECASE)
_REQUESTED_LEFT = re.compile(r"\((\d+)s requested vs\.? (-?\d+)s left\)", re.IGNORECASE)
_LEFT_REQUESTED = re.compile(r"\((-?\d+)s left vs\.? (\d+)s requested\)", re.IGNORECASE)
_WAIT = re.compile(
    r"(?:try again|retry) in (?:(?P<days>\d+) days?, )?"
    r"(?P<h>\d+):(?P<m>\d{2}):(?P<s>\d{2}(?:\.\d+)?)",
    re.IGNORECASE,
)
_DURATION = re.compile(
    r"requested GPU duration \((\d+)s\) is larger than the maximum", re.IGNORECASE
)
_NO_GPU = re.compile(r"no GPU (?:was|is currently) available", re.IGNORECASE)


@dataclass(frozen=True)
class GpuQuota:
    """What a ZeroGPU error says.

    ``kind`` is ``quota`` (GPU time used up), ``runs`` (too many calls), ``space`` (the
    Space's own limit for anonymous callers), ``pending`` (too much GPU time booked by
    calls still running), ``duration`` (one call asks for more than is ever allowed) or
    ``no_gpu`` (no GPU free at the moment).
    """

    kind: str
    requested: int | None = None
    left: int | None = None
    wait: float | None = None
    tier: str | None = None

    @property
    def waitable(self) -> bool:
        """Whether waiting brings the quota back (``duration`` never comes back;
        ``no_gpu`` is not a quota, a retry with back-off is the cure)."""
        return self.kind in ("quota", "runs", "space", "pending")

    def seconds_to_wait(self) -> float:
        return (self.wait if self.wait is not None else DEFAULT_WAIT) + MARGIN


def parse(message: str, title: str = "") -> GpuQuota | None:
    """The quota error in an app's error message, or None if it is not one."""
    text = _TAGS.sub("", message)
    wait = _wait_seconds(text)
    exceeded = _EXCEEDED.search(text)
    if exceeded:
        requested = left = None
        match = _REQUESTED_LEFT.search(text)
        if match:
            requested, left = int(match.group(1)), int(match.group(2))
        else:
            match = _LEFT_REQUESTED.search(text)
            if match:
                left, requested = int(match.group(1)), int(match.group(2))
        tier = exceeded.group("tier")
        return GpuQuota("quota", requested, left, wait, tier.lower() if tier else None)
    lowered = text.lower()
    if "exceeded your zerogpu runs limit" in lowered:
        return GpuQuota("runs", wait=wait)
    if "space app has reached its gpu limit" in lowered:
        return GpuQuota("space", wait=wait)
    if "zerogpu credits allocated to running tasks" in lowered:
        return GpuQuota("pending", wait=wait)
    match = _DURATION.search(text)
    if match:
        return GpuQuota("duration", requested=int(match.group(1)))
    if _NO_GPU.search(text):
        return GpuQuota("no_gpu")
    if "zerogpu" in title.lower() and "quota" in title.lower():
        return GpuQuota("quota", wait=wait)
    return None


def _wait_seconds(text: str) -> float | None:
    match = _WAIT.search(text)
    if match is None:
        return None
    days = int(match.group("days") or 0)
    return (
        days * 86400
        + int(match.group("h")) * 3600
        + int(match.group("m")) * 60
        + float(match.group("s"))
    )


def duration(seconds: float) -> str:
    """``42 s``, ``4 min 05 s``, ``2 h 05 min``: a wait as people say it."""
    total = max(0, round(seconds))
    if total < 60:
        return f"{total} s"
    if total < 3600:
        return f"{total // 60} min {total % 60:02d} s"
    hours, rest = divmod(total, 3600)
    return f"{hours} h {rest // 60:02d} min"


def clock(seconds: float) -> str:
    """``H:MM:SS`` for a countdown."""
    total = max(0, int(seconds + 0.999))
    return f"{total // 3600}:{total // 60 % 60:02d}:{total % 60:02d}"


def describe(
    quota: GpuQuota,
    *,
    token_sent: bool,
    token_source: str | None = None,
    waiting: bool = False,
    now: float | None = None,
) -> str:
    """One line: what was asked and what is left, when it comes back, whether a token went
    with the call, and what to do."""
    parts: list[str] = []
    if quota.kind == "no_gpu":
        head = "no GPU is free on this Space right now (not your quota)"
        tail = "try again in a moment, or let calls retry with --retries N"
        return f"{head}; {tail}"
    if quota.kind == "duration":
        asked = f" ({quota.requested} s)" if quota.requested is not None else ""
        return (
            f"this call asks for more GPU time{asked} than any account "
            "may use at once; waiting will not help (a PRO account is allowed longer calls)"
        )
    head = {
        "quota": "GPU quota used up",
        "runs": "runs limit reached",
        "space": "this Space reached its GPU limit for anonymous calls",
        "pending": "too much GPU time booked by your calls still running",
    }[quota.kind]
    if quota.tier:
        head += f" ({quota.tier} account)"
    detail = []
    if quota.requested is not None:
        detail.append(f"{quota.requested} s requested")
    if quota.left is not None:
        detail.append(f"{max(quota.left, 0)} s left")
    if quota.wait is not None:
        at = time.strftime("%H:%M:%S", time.localtime((now or time.time()) + quota.wait))
        detail.append(f"back in {duration(quota.wait)} (at {at})")
    elif quota.kind == "pending":
        detail.append("back when those calls end")
    else:
        detail.append("the Space does not say when it comes back")
    parts.append(f"{head}: {', '.join(detail)}")
    if token_sent:
        where = f" (from {token_source})" if token_source else ""
        parts.append(f"your token was sent{where}")
    else:
        parts.append("no token was sent (anonymous calls get the least): sign in with 'token set'")
    if not waiting:
        parts.append("--wait-quota waits and retries")
    return "; ".join(parts)


def token_sent(session: Session) -> bool:
    """Whether this session's requests carry the Hugging Face token."""
    from gradioshell.hub import TokenHeaders

    hooks = session.app.http.event_hooks.get("request", [])
    return any(isinstance(h, TokenHeaders) and h.allows(session.url) for h in hooks)


def explained(shell: CallContext, session: Session, event: Failed) -> Failed:
    """``event`` with a ZeroGPU quota message told in one clear line; others as they are."""
    found = parse(event.message, event.title)
    if found is None:
        return event
    sent = token_sent(session)
    token = shell.tokens.current() if sent else None
    message = describe(
        found,
        token_sent=sent,
        token_source=token.source if token is not None else None,
        waiting=WAITING.get(),
    )
    return dataclasses.replace(event, message=message, title="ZeroGPU")
