"""The config file: where it lives, and how its keys map onto :class:`Settings`.

The file is TOML. Every key the shell knows is one :class:`Key` row in :data:`KEYS`
(table, name, type, how it changes the settings), so adding a setting is adding a row
here, a field in ``Settings`` and a commented line in ``data/default_config.toml``.
A file that cannot be read or parsed gives one message naming the file and line, and
the shell starts with the defaults.
"""

from __future__ import annotations

import dataclasses
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gradioshell.settings import Settings

APP_NAME = "gradioshell"


def _toml() -> Any:
    """The TOML reader, imported when there is TOML to read."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib
    return tomllib


def config_path() -> Path:
    """``$XDG_CONFIG_HOME/gradioshell/config.toml`` (the platform's config dir elsewhere)."""
    return Path(user_dir("config")) / "config.toml"


def data_dir() -> Path:
    """The directory for history and other state, created private (0700)."""
    path = Path(user_dir("data"))
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


#: Each directory's XDG variable and default under the home directory.
_XDG = {"config": ("XDG_CONFIG_HOME", ".config"), "data": ("XDG_DATA_HOME", ".local/share")}


def user_dir(kind: str) -> str:
    """platformdirs' ``user_config_dir`` or ``user_data_dir`` (``kind``), without importing
    platformdirs on Linux.

    Every start reads the config file, and the prompt its history; platformdirs costs more
    to import than the rest of reading them. On Linux its answer is the XDG rule below
    (tests compare the two).
    """
    if sys.platform.startswith("linux"):
        variable, default = _XDG[kind]
        xdg = os.environ.get(variable, "")
        if os.path.isabs(xdg):
            return os.path.join(xdg, APP_NAME)
        home = os.environ.get("HOME", "")
        if os.path.isabs(home):
            return os.path.join(home, default, APP_NAME)
    import platformdirs

    found: str = getattr(platformdirs, f"user_{kind}_dir")(APP_NAME)
    return found


def default_config_text() -> str:
    """The shipped, commented default config."""
    from importlib.resources import files

    return files("gradioshell").joinpath("data/default_config.toml").read_text(encoding="utf-8")


@dataclass(frozen=True)
class Key:
    """One config key: ``[table] name = value`` of type ``kind``, applied by ``apply``."""

    table: str
    name: str
    kind: type | tuple[type, ...]
    apply: Callable[[Settings, Any], None]
    choices: tuple[str, ...] = ()


def _set(field_name: str) -> Callable[[Settings, Any], None]:
    def apply(settings: Settings, value: Any) -> None:
        setattr(settings, field_name, value)

    return apply


def _seconds(value: Any) -> float:
    if value <= 0:
        raise ValueError("must be a positive number of seconds")
    return float(value)


def _timeout(field_name: str) -> Callable[[Settings, Any], None]:
    def apply(settings: Settings, value: Any) -> None:
        timeouts = dataclasses.replace(settings.timeouts, **{field_name: _seconds(value)})
        settings.timeouts = timeouts

    return apply


def _limit(field_name: str) -> Callable[[Settings, Any], None]:
    def apply(settings: Settings, value: Any) -> None:
        if value <= 0:
            raise ValueError("must be a positive number of MiB")
        size = int(value * 1024 * 1024)
        settings.limits = dataclasses.replace(settings.limits, **{field_name: size})

    return apply


def _bound(field_name: str) -> Callable[[Settings, Any], None]:
    """A limit that is a count (files, levels of nesting), not a size."""

    def apply(settings: Settings, value: Any) -> None:
        if value < 1:
            raise ValueError("must be a positive whole number")
        settings.limits = dataclasses.replace(settings.limits, **{field_name: value})

    return apply


def _megapixels(settings: Settings, value: Any) -> None:
    if value <= 0:
        raise ValueError("must be a positive number of megapixels")
    settings.preview_pixels = int(value * 1_000_000)


def _positive(field_name: str) -> Callable[[Settings, Any], None]:
    def apply(settings: Settings, value: Any) -> None:
        setattr(settings, field_name, _seconds(value))

    return apply


def _count(field_name: str) -> Callable[[Settings, Any], None]:
    def apply(settings: Settings, value: Any) -> None:
        if value < 1:
            raise ValueError("must be a positive whole number")
        setattr(settings, field_name, value)

    return apply


def _retries(field_name: str) -> Callable[[Settings, Any], None]:
    def apply(settings: Settings, value: Any) -> None:
        if value < 0:
            raise ValueError("must be 0 or more")
        setattr(settings, field_name, value)

    return apply


def _ca_bundle(settings: Settings, value: Any) -> None:
    settings.ca_bundle = os.path.expanduser(value) if value else ""


def _startup(settings: Settings, value: Any) -> None:
    if not all(isinstance(item, str) for item in value):
        raise ValueError("must be a list of strings")
    settings.startup = list(value)


def _download_dir(settings: Settings, value: Any) -> None:
    settings.download_dir = os.path.expanduser(value) if value else ""


KEYS: list[Key] = [
    Key("ui", "theme", str, _set("theme"), choices=("dark", "light")),
    Key("ui", "vi_mode", bool, _set("vi_mode")),
    Key("ui", "preview_images", bool, _set("preview_images")),
    Key(
        "ui", "images", str, _set("images"), choices=("auto", "kitty", "iterm2", "sixel", "blocks")
    ),
    Key("ui", "pager", str, _set("pager"), choices=("never", "auto")),
    Key("files", "download_dir", str, _download_dir),
    Key("files", "download", bool, _set("download")),
    Key("timeouts", "connect", (int, float), _timeout("connect")),
    Key("timeouts", "read", (int, float), _timeout("read")),
    Key("timeouts", "stream_idle", (int, float), _timeout("stream_idle")),
    Key("timeouts", "request", (int, float), _timeout("request")),
    Key("timeouts", "transfer", (int, float), _timeout("transfer")),
    Key("limits", "json_mib", (int, float), _limit("json")),
    Key("limits", "file_mib", (int, float), _limit("file")),
    Key("limits", "nesting", int, _bound("depth")),
    Key("limits", "buffer_mib", (int, float), _limit("buffer")),
    Key("limits", "result_files", int, _bound("result_files")),
    Key("limits", "result_mib", (int, float), _limit("result")),
    Key("limits", "progress_bars", int, _count("progress_bars")),
    Key("limits", "preview_megapixels", (int, float), _megapixels),
    Key("hub", "space_wait_timeout", (int, float), _positive("space_wait_timeout")),
    Key("startup", "commands", list, _startup),
    Key("startup", "restore", bool, _set("restore")),
    Key("batch", "concurrency", int, _count("batch_concurrency")),
    Key("batch", "retries", int, _retries("batch_retries")),
    Key("calls", "retries", int, _retries("retries")),
    Key("calls", "wait_quota", bool, _set("wait_quota")),
    Key("network", "ca_bundle", str, _ca_bundle),
]

#: How to read each key's current value back from the settings, in the config file's units.
_MIB = 1024 * 1024
READERS: dict[str, Callable[[Settings], Any]] = {
    "ui.theme": lambda s: s.theme,
    "ui.vi_mode": lambda s: s.vi_mode,
    "ui.preview_images": lambda s: s.preview_images,
    "ui.images": lambda s: s.images,
    "ui.pager": lambda s: s.pager,
    "files.download_dir": lambda s: s.download_dir,
    "files.download": lambda s: s.download,
    "timeouts.connect": lambda s: s.timeouts.connect,
    "timeouts.read": lambda s: s.timeouts.read,
    "timeouts.stream_idle": lambda s: s.timeouts.stream_idle,
    "timeouts.request": lambda s: s.timeouts.request,
    "timeouts.transfer": lambda s: s.timeouts.transfer,
    "limits.json_mib": lambda s: s.limits.json / _MIB,
    "limits.file_mib": lambda s: s.limits.file / _MIB,
    "limits.nesting": lambda s: s.limits.depth,
    "limits.buffer_mib": lambda s: s.limits.buffer / _MIB,
    "limits.result_files": lambda s: s.limits.result_files,
    "limits.result_mib": lambda s: s.limits.result / _MIB,
    "limits.progress_bars": lambda s: s.progress_bars,
    "limits.preview_megapixels": lambda s: s.preview_pixels / 1_000_000,
    "hub.space_wait_timeout": lambda s: s.space_wait_timeout,
    "startup.commands": lambda s: s.startup,
    "startup.restore": lambda s: s.restore,
    "batch.concurrency": lambda s: s.batch_concurrency,
    "batch.retries": lambda s: s.batch_retries,
    "calls.retries": lambda s: s.retries,
    "calls.wait_quota": lambda s: s.wait_quota,
    "network.ca_bundle": lambda s: s.ca_bundle,
}

#: Keys whose value is a path (completed with files).
PATH_KEYS = ("files.download_dir", "network.ca_bundle")

#: Keys read once, when the prompt starts: 'set' changes them for the next start only.
AT_START = ("startup.commands", "startup.restore")


def key_name(key: Key) -> str:
    return f"{key.table}.{key.name}"


def find_key(name: str) -> Key | None:
    """The key ``TABLE.NAME``, or ``NAME`` alone where only one table has it."""
    found = [k for k in KEYS if key_name(k) == name]
    if not found and "." not in name:
        found = [k for k in KEYS if k.name == name]
    return found[0] if len(found) == 1 else None


def current(settings: Settings, key: Key) -> Any:
    """The value ``key`` has now, as the config file would write it."""
    value = READERS[key_name(key)](settings)
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def set_key(settings: Settings, key: Key, text: str, *, literal: bool = False) -> Any:
    """Give ``key`` the value written ``text`` (a TOML value, or else the text itself; with
    ``literal``, always the text); return it. A ValueError says what is wrong."""
    value: Any = text
    if not literal:
        tomllib = _toml()
        try:
            value = tomllib.loads(f"value = {text}")["value"]
        except tomllib.TOMLDecodeError:
            value = text
        if value is text and text.lower() in ("true", "false", "on", "off", "yes", "no"):
            value = text.lower() in ("true", "on", "yes")
    error = _check(key, value)
    if error is None:
        try:
            key.apply(settings, value)
        except ValueError as exc:
            raise ValueError(f"{key_name(key)} {exc}") from None
        return value
    raise ValueError(f"{key_name(key)} {error}")


def save_map_entry(table: str, name: str, value: str | None, path: Path | None = None) -> Path:
    """Write ``name = "value"`` into ``[table]`` of the config file (None: take the line out),
    leaving the rest of the file as it is."""
    import json

    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    lines = text.splitlines()
    entry = f"{_toml_key(name)} = {json.dumps(value, ensure_ascii=False)}" if value else None
    header = f"[{table}]"
    start = next((n for n, line in enumerate(lines) if line.strip() == header), None)
    if start is None:
        if entry is not None:
            lines += ([""] if lines and lines[-1].strip() else []) + [header, entry]
    else:
        end = next(
            (n for n in range(start + 1, len(lines)) if lines[n].lstrip().startswith("[")),
            len(lines),
        )
        found = None
        for n in range(start + 1, end):
            key = lines[n].split("=", 1)[0].strip().strip('"')
            if "=" in lines[n] and not lines[n].lstrip().startswith("#") and key == name:
                found = n
        if found is not None:
            if entry is None:
                del lines[found]
            else:
                lines[found] = entry
        elif entry is not None:
            lines.insert(start + 1, entry)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _toml_key(name: str) -> str:
    import json

    return name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else json.dumps(name)


# Tables whose keys are the user's own names, each mapping to a string.
MAPS: dict[str, Callable[[Settings], dict[str, str]]] = {
    "targets": lambda settings: settings.targets,
    "aliases": lambda settings: settings.aliases,
}

_KIND_NAMES = {bool: "true or false", str: "a string", list: "a list", int: "a number"}


class ConfigError(Exception):
    """A problem in the config file, with the file and line it is on."""

    def __init__(self, path: Path, line: int | None, message: str) -> None:
        self.path = path
        self.line = line
        self.message = message
        where = f"{path}, line {line}" if line else str(path)
        super().__init__(f"{where}: {message}")


def load(settings: Settings, path: Path | None = None) -> list[ConfigError]:
    """Apply the config file at ``path`` (default: :func:`config_path`) to ``settings``.

    A missing default file is fine. Returns the problems found: a file that cannot be
    read or parsed changes nothing; a bad key keeps that key's default.
    """
    explicit = path is not None
    path = path or config_path()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return [ConfigError(path, None, "no such file")] if explicit else []
    except (OSError, UnicodeDecodeError) as exc:
        return [ConfigError(path, None, f"cannot read it: {getattr(exc, 'strerror', exc)}")]
    tomllib = _toml()
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        message = str(exc)
        match = re.search(r"\s*\(at line (\d+), column \d+\)", message)
        line = int(match.group(1)) if match else None
        if match:
            message = message[: match.start()] + message[match.end() :]
        return [ConfigError(path, line, f"not valid TOML: {message}; using the defaults")]
    return apply(settings, data, path, text)


def apply(
    settings: Settings, data: dict[str, Any], path: Path, text: str = ""
) -> list[ConfigError]:
    """Apply parsed config ``data`` to ``settings``; return the problems found."""
    problems: list[ConfigError] = []
    known = {(key.table, key.name): key for key in KEYS}
    tables = {key.table for key in KEYS} | set(MAPS)
    for table, content in data.items():
        if table not in tables:
            problems.append(
                ConfigError(path, _line_of(text, None, table), f"unknown table [{table}]")
            )
            continue
        if not isinstance(content, dict):
            problems.append(
                ConfigError(path, _line_of(text, None, table), f"{table} must be a [table]")
            )
            continue
        if table in MAPS:
            target = MAPS[table](settings)
            for name, value in content.items():
                if isinstance(value, str) and value.strip():
                    target[name] = value.strip()
                else:
                    problems.append(
                        ConfigError(
                            path, _line_of(text, table, name), f"[{table}] {name} must be a string"
                        )
                    )
            continue
        for name, value in content.items():
            key = known.get((table, name))
            line = _line_of(text, table, name)
            if key is None:
                problems.append(ConfigError(path, line, f"unknown key {name!r} in [{table}]"))
                continue
            error = _check(key, value)
            if error is None:
                try:
                    key.apply(settings, value)
                except ValueError as exc:
                    error = str(exc)
            if error is not None:
                problems.append(
                    ConfigError(path, line, f"[{table}] {name} {error}; using the default")
                )
    return problems


def _check(key: Key, value: Any) -> str | None:
    kinds = key.kind if isinstance(key.kind, tuple) else (key.kind,)
    # bool is an int in Python, but `timeout = true` is a mistake.
    ok = isinstance(value, kinds) and not (isinstance(value, bool) and bool not in kinds)
    if not ok:
        return "must be " + " or ".join(_KIND_NAMES.get(k, k.__name__) for k in kinds[:1])
    if key.choices and value not in key.choices:
        return "must be one of " + ", ".join(repr(c) for c in key.choices)
    return None


def _line_of(text: str, table: str | None, name: str) -> int | None:
    """The line where ``name`` is set (inside ``[table]``), or where ``[name]`` starts."""
    current: str | None = None
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        header = re.match(r"\[\s*([^\]\s]+)\s*\]", stripped)
        if header:
            current = header.group(1)
            if table is None and current == name:
                return number
            continue
        if (
            table is not None
            and current == table
            and re.match(rf"[\"']?{re.escape(name)}[\"']?\s*=", stripped)
        ):
            return number
        if table is not None and current is None and stripped.startswith(f"{table}."):
            return number
    return None
