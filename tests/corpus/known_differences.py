"""Differences between the shell and the official client that are the client's fault.

Keyed by ``(release, app, endpoint)``, each with the reason the official client is wrong
there. Every other difference is presumed a bug of the shell: add an entry only with a
reason that shows the client is the one that is wrong.
"""

from __future__ import annotations

KNOWN: dict[tuple[str, str, str], str] = {}
