"""What the command line and the config file decide, in one object the shell passes around."""

from __future__ import annotations

from dataclasses import dataclass, field

from gradioshell.gradio import Limits, Timeouts


@dataclass
class Settings:
    """What the command line and the config file decide."""

    timeouts: Timeouts = field(default_factory=Timeouts)
    limits: Limits = field(default_factory=Limits)
    keep_going: bool = False
    debug: bool = False
    verify_tls: bool = True
    space_wait_timeout: float = 300.0
    theme: str = "dark"
    color: bool = True
    vi_mode: bool = False
    preview_images: bool = True
    images: str = "auto"
    """How images are drawn: the terminal's protocol (kitty, iterm2, sixel), or half-blocks."""
    pager: str = "never"
    """``auto``: a result taller than the terminal opens in $PAGER at the prompt."""
    download_dir: str = ""
    targets: dict[str, str] = field(default_factory=dict)
    #: ``alias NAME = STATEMENT``: names that stand for a statement (``$1``... its arguments).
    aliases: dict[str, str] = field(default_factory=dict)
    startup: list[str] = field(default_factory=list)
    restore: bool = False
    """Reconnect the sessions saved with ``save`` when the interactive shell starts."""
    download: bool = True
    """Download the files of results; off (``--no-download``) leaves them as remote FileData."""
    batch_concurrency: int = 4
    """Calls a batch runs at once when neither --concurrency nor the app's /config says."""
    progress_bars: int = 10
    """Progress bars shown at once for a call; the others are counted on one line."""
    preview_pixels: int = 20_000_000
    """Largest image previewed (width × height), checked before it is decoded."""
    retries: int = 0
    """Retries of a call after a transient fault (full queue, 429, 503...); --retries N."""
    wait_quota: bool = False
    """Wait for a ZeroGPU quota to come back, then run the call again; --wait-quota."""
    batch_retries: int = 3
    """Retries of a batch's row after a transient fault; batch ... --retries N."""
    ca_bundle: str = ""
    """A CA bundle to verify TLS certificates with (else SSL_CERT_FILE, REQUESTS_CA_BUNDLE)."""
