"""Differences between the shell and the official client that are the client's fault.

Keyed by ``(release, app, endpoint)``, each with the reason the official client is wrong
there. Every other difference is presumed a bug of the shell: add an entry only with a
reason that shows the client is the one that is wrong.
"""

from __future__ import annotations

KNOWN: dict[tuple[str, str, str], str] = {
    (release, "chat_thinking", "/chat"): (
        "The app yields one ChatMessage and changes it in place between yields, so the app "
        "sends an empty diff for the second update. The shell shows each update as sent: "
        "'first ' twice, then the finished thought. The official client's first intermediate "
        "values already show the finished thought ('first then ', status 'done'), a state "
        "the message had not reached when they were sent: its stored values alias the "
        "message that later updates change."
    )
    for release in ("6.31.0", "5.50.0", "4.44.1")
}

#: A documented difference applied to every comparison, not an exception: an output that is
#: an update (``gr.update(value=..., visible=...)``, ``{"__type__": "update", ...}`` on the
#: wire) is shown by the shell as its value, and as null when it only changes how the page
#: looks; the official client returns the update as it is. See docs/compatibility.md.
UPDATES_AS_VALUES = True
