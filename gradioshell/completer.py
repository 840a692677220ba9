"""Tab completion from what is already in memory: commands, sessions, endpoints, parameters.

Nothing here touches the network. Each session's endpoints are indexed once, lazily, and
the index is rebuilt when the app's endpoint list is replaced (``refresh``, reconnect).
Matching is by prefix first, then by substring, then fuzzy (the typed letters in order, so
``genimg`` finds ``generateimage``); an exact match always comes first.

The completer can be called directly with a prompt_toolkit ``Document``::

    list(ShellCompleter(shell).get_completions(Document("gen"), CompleteEvent()))
"""

from __future__ import annotations

import json
import logging
import os
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from prompt_toolkit.completion import CompleteEvent, Completer, Completion

from gradioshell.commands import COMMANDS
from gradioshell.gradio.files import is_file_parameter
from gradioshell.parser import NAME_WORD, ParseError, Statement, Word, parse_line, quote
from gradioshell.targets import SESSION_MARK, resolve, resolve_endpoint, session_word
from gradioshell.text import json_text, safe_line, short

if TYPE_CHECKING:
    from prompt_toolkit.document import Document

    from gradioshell.gradio import Endpoint, GradioApp, Parameter
    from gradioshell.registry import Arg, Command, Grammar, Opt
    from gradioshell.sessions import CallRecord, Session
    from gradioshell.state import State as Shell

log = logging.getLogger(__name__)

# -- matching --------------------------------------------------------------------------


def rank(typed: str, candidate: str) -> int | None:
    """How well ``candidate`` fits ``typed``: 0 exact, 1 prefix, 2 substring, 3 fuzzy,
    None when it does not fit. Case is ignored."""
    if not typed:
        return 1
    t = typed.lower()
    c = candidate.lower()
    if c == t:
        return 0
    if c.startswith(t):
        return 1
    if t in c:
        return 2
    position = 0
    for ch in t:
        position = c.find(ch, position) + 1
        if not position:
            return None
    return 3


def best(typed: str, items: Iterable[tuple[str, Any]]) -> list[Any]:
    """The payloads of ``items`` (key, payload) whose key fits ``typed``, best first;
    ties keep their order."""
    scored: list[tuple[int, int, Any]] = []
    for order, (key, payload) in enumerate(items):
        score = rank(typed, key)
        if score is not None:
            scored.append((score, order, payload))
    scored.sort(key=lambda item: (item[0], item[1]))
    if scored and scored[0][0] < 3:
        # Letters-in-order matches only help when nothing starts with or holds the text.
        return [payload for score, _, payload in scored if score < 3]
    return [payload for _, _, payload in scored]


# -- per-session index -----------------------------------------------------------------


def parameter_meta(p: Parameter) -> str:
    parts = [p.component or "value", p.type_name]
    parts.append("required" if p.required else f"default {json_text(p.default)}")
    return short(" · ".join(parts))


@dataclass
class EndpointEntry:
    endpoint: Endpoint
    meta: str
    # Parameters, required first, each with its meta; built on first use.
    _params: list[tuple[Parameter, str]] | None = None

    @property
    def params(self) -> list[tuple[Parameter, str]]:
        if self._params is None:
            ordered = sorted(self.endpoint.parameters, key=lambda p: not p.required)
            self._params = [(p, parameter_meta(p)) for p in ordered]
        return self._params


class EndpointIndex:
    """The endpoints of one app, ready for completion."""

    def __init__(self, endpoints: Sequence[Endpoint]) -> None:
        self.source = endpoints
        self.entries = [EndpointEntry(ep, short(ep.signature())) for ep in endpoints]
        self.by_name: dict[str, EndpointEntry] = {}
        for entry in self.entries:
            self.by_name.setdefault(entry.endpoint.name, entry)
        for entry in self.entries:
            self.by_name.setdefault(entry.endpoint.name.lower(), entry)

    def find(self, name: str) -> EndpointEntry | None:
        name = name.lstrip("/")
        return self.by_name.get(name) or self.by_name.get(name.lower())

    def entry(self, endpoint: Endpoint) -> EndpointEntry:
        """The entry of ``endpoint`` (one the app keeps off its API page gets one of its own)."""
        found = self.find(endpoint.name)
        if found is not None and found.endpoint is endpoint:
            return found
        return EndpointEntry(endpoint, short(endpoint.signature()))


# -- the completer ---------------------------------------------------------------------


class ShellCompleter(Completer):
    """Completes the shell's command line from the state of ``shell``.

    ``targets`` gives extra ``connect`` targets (recent ones from history), newest first.
    """

    def __init__(self, shell: Shell, targets: Callable[[], list[str]] | None = None) -> None:
        self.shell = shell
        self.targets = targets or (lambda: [])
        self._indices: weakref.WeakKeyDictionary[GradioApp, EndpointIndex] = (
            weakref.WeakKeyDictionary()
        )

    def index(self, session: Session) -> EndpointIndex:
        """The cached index of ``session``'s endpoints (rebuilt when they change)."""
        app = session.app
        index = self._indices.get(app)
        if index is None or index.source is not app.endpoints:
            index = EndpointIndex(app.endpoints)
            self._indices[app] = index
        return index

    def invalidate(self) -> None:
        self._indices.clear()

    def get_completions(
        self, document: Document, complete_event: CompleteEvent
    ) -> Iterator[Completion]:
        """The completions for the text before the cursor. Every one inserts text that parses
        back to exactly the value it offers (quoted where need be), and shows an app's text
        sanitized. A failure here never reaches the prompt: it is logged and there are none."""
        try:
            completions = list(self._completions(document.text_before_cursor))
        except Exception:
            log.exception("completion failed")
            return
        yield from completions

    def _completions(self, text: str) -> Iterator[Completion]:
        context = line_context(text)
        if context is None:
            yield from self._quoted_path(text)
            return
        words, partial, raw = context
        yield from self._complete(words, partial, raw)

    def _quoted_path(self, text: str) -> Iterator[Completion]:
        """Inside an open quote after ``name=`` of a file parameter: local paths, the quote
        kept open for a directory and closed after a file."""
        try:
            parse_line(text)
        except ParseError as exc:
            position = exc.position
            if not exc.incomplete or text[position : position + 1] not in ("'", '"'):
                return
        else:
            return
        context = line_context(text[:position])
        if context is None or context[1] is None or context[1].name is None:
            return
        words, partial, _ = context
        entry = self._entry_for(words)
        if entry is None:
            return
        parameter = entry.endpoint.parameter(partial.name or "")
        if parameter is None or not is_file_parameter(parameter):
            return
        mark = text[position]
        typed = text[position + 1 :]
        for completion in path_completions(typed, 0):
            name = completion.display_text
            shown = typed[: len(typed) - len(os.path.basename(typed))] + name
            closing = "" if name.endswith("/") else mark
            yield Completion(
                mark + shown + closing,
                -(len(text) - position),
                display=completion.display,
                display_meta=completion.display_meta,
            )

    def _entry_for(self, words: list[Word]) -> EndpointEntry | None:
        """The endpoint called by a statement's first words, if any."""
        target = resolve(words, self.shell.sessions)
        if target.endpoint is None or target.session is None:
            return None
        return self.index(target.session).entry(target.endpoint)

    # -- by position ---------------------------------------------------------------------

    def _complete(self, words: list[Word], partial: Word | None, raw: str) -> Iterator[Completion]:
        typed = partial.value if partial is not None else ""
        if not words:
            yield from self._first_word(typed, raw)
            return
        target = resolve(words, self.shell.sessions)
        if target.kind == "session" and target.session is not None:
            yield from self._endpoints(target.session, typed, raw)
        elif target.command is not None:
            yield from self._command(target.command, words[1:], partial, raw)
        elif target.endpoint is not None and target.session is not None:
            entry = self.index(target.session).entry(target.endpoint)
            if entry is not None:
                yield from self._arguments(entry, target.arguments(words), partial, raw)

    def _command(
        self, command: Command, words: list[Word], partial: Word | None, raw: str
    ) -> Iterator[Completion]:
        """What a command's grammar says may come next."""
        typed = partial.value if partial is not None else ""
        start = -len(raw)
        grammar = command.grammar
        if grammar.subcommands:
            if not words:
                subs = [(sub.name, sub) for sub in grammar.subcommands]
                for sub in best(typed, subs):
                    yield Completion(sub.name, start, display_meta=f"{command.name} {sub.name}")
                return
            found = grammar.sub(words[0].value)
            if found is None:
                return
            grammar, words = found.grammar, words[1:]
        # The words so far: option values are not positionals.
        positionals: list[Word] = []
        pending: Opt | None = None
        given: set[str] = set()
        for word in words:
            if pending is not None:
                pending = None
                continue
            opt = grammar.option(word.value) if not word.quoted else None
            if opt is not None:
                given.add(opt.flag)
                pending = opt if opt.metavar is not None else None
                continue
            positionals.append(word)
        if pending is not None:
            if pending.kind == "file":
                yield from path_completions(typed, start)
            return
        if grammar.call:
            yield from self._call(positionals, partial, raw)
        else:
            yield from self._positional(grammar, positionals, typed, raw)
        if typed.startswith("-") or not _wants_positional(grammar, positionals):
            options = [(o.flag, o) for o in grammar.options if o.many or o.flag not in given]
            for opt in best(typed, options):
                meta = opt.help or f"{command.name} option"
                yield Completion(opt.flag, start, display_meta=meta)

    def _positional(
        self, grammar: Grammar, given: list[Word], typed: str, raw: str
    ) -> Iterator[Completion]:
        start = -len(raw)
        arg, keyword = _next_arg(grammar, given)
        if keyword is not None:
            if rank(typed, keyword) is not None:
                yield Completion(keyword, start, display_meta=f"then {arg.shown if arg else ''}")
            return
        if arg is None or typed.startswith("-"):
            return
        for choice in best(typed, [(c, c) for c in arg.choices]):
            yield Completion(choice, start, display_meta=arg.shown)
        if arg.at or arg.kind == "session":
            prefix = "@" if arg.at else ""
            items = [(prefix + s.name, s) for s in self.shell.sessions]
            for s in best(typed, items):
                yield Completion(prefix + s.name, start, display_meta=short(s.url))
        if arg.kind == "topic":
            yield from self._first_word(typed, raw)
        elif arg.kind == "target":
            items2: list[tuple[str, tuple[str, str]]] = []
            for alias, value in self.shell.settings.targets.items():
                items2.append((alias, (alias, f"alias: {value}")))
            for target in self.targets():
                items2.append((target, (target, "recent")))
            seen: set[str] = set()
            for text, meta in best(typed, items2):
                if text not in seen:
                    seen.add(text)
                    yield Completion(quote(text), start, display=text, display_meta=short(meta))
        elif arg.kind == "file":
            yield from path_completions(typed, start)
        elif arg.kind == "value" and typed.startswith("$"):
            yield from self._references(typed, start)
        elif arg.kind == "chat" and not given and typed.startswith("/"):
            yield from self._chat_endpoints(typed, start)
        elif arg.kind == "setting":
            yield from self._settings(typed, start)
        elif arg.kind == "value" and grammar.args and grammar.args[0].kind == "setting" and given:
            yield from self._setting_values(given[0].value, typed, start)
        elif arg.kind == "job":
            jobs = [(str(job.number), job) for job in self.shell.jobs]
            for job in best(typed, jobs):
                meta = f"{job.endpoint.api_name} · {job.status}"
                yield Completion(str(job.number), start, display_meta=short(meta))

    def _chat_endpoints(self, typed: str, start: int) -> Iterator[Completion]:
        """The default session's chat endpoints, for ``chat /NAME``."""
        from gradioshell.chat import chat_endpoints

        session = self.shell.sessions.default
        if session is None:
            return
        items = [("/" + e.name, e) for e in chat_endpoints(session)]
        for endpoint in best(typed, items):
            yield Completion("/" + endpoint.name, start, display_meta="chat endpoint")

    def _seen(self, endpoint: Endpoint, p: Parameter, typed: str, raw: str) -> Iterator[Completion]:
        """Values seen before for ``p``: what earlier calls of the endpoint gave it, and the
        earlier results of the same kind of component (``$r2``), newest first."""
        start = -len(raw)
        items: list[tuple[str, tuple[str, str]]] = []
        index = endpoint.parameters.index(p) if p in endpoint.parameters else -1
        for record in reversed(self.shell.results[-SEEN_CALLS:]):
            if record.endpoint == endpoint.name and record.inputs and index >= 0:
                value = record.inputs[index] if index < len(record.inputs) else None
                if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                    text = str(value)
                    items.append((text, (text, f"given in call {record.number}")))
            session = self.shell.sessions.find(record.session)
            if session is None or not record.outputs or not p.component:
                continue
            try:
                returns = session.app.endpoint(record.endpoint).returns
            except Exception:
                continue
            for n, ret in enumerate(returns[: len(record.outputs)]):
                if ret.component.lower() == p.component.lower():
                    ref = f"$r{record.number}" + (f"[{n}]" if len(record.outputs) > 1 else "")
                    meta = f"{record.endpoint} {ret.label or 'output'}: " + _short_value(
                        record.outputs[n]
                    )
                    items.append((ref, (ref, meta)))
        seen: set[str] = set()
        for text, meta in best(typed, items):
            if text not in seen:
                seen.add(text)
                shown = text if text.startswith("$") else quote(text)
                yield Completion(shown, start, display=safe_line(text), display_meta=short(meta))

    def _references(self, typed: str, start: int) -> Iterator[Completion]:
        """``$...``: the last result, each earlier one with what it gave, the variables
        and script arguments, and ``$null``."""
        items: list[tuple[str, tuple[str, str]]] = []
        results = self.shell.results
        if results:
            items.append(("$_", ("$_", "last result: " + _summary(results[-1]))))
        for record in reversed(results):
            items.append((f"$r{record.number}", (f"$r{record.number}", _summary(record))))
        for name, value in self.shell.variables.items():
            items.append((f"${name}", (f"${name}", "variable: " + _short_value(value))))
        items.append(("$null", ("$null", "no value")))
        for text, meta in best(typed, items):
            yield Completion(text, start, display=safe_line(text), display_meta=short(meta))

    def _settings(self, typed: str, start: int) -> Iterator[Completion]:
        """``set KEY``: every config key, with its value now as meta."""
        from gradioshell import config

        settings = self.shell.settings
        items = [(config.key_name(key), key) for key in config.KEYS]
        for key in best(typed, items):
            value = config.current(settings, key)
            shown = json.dumps(value) if not isinstance(value, bool) else str(value).lower()
            yield Completion(config.key_name(key), start, display_meta=short(f"now {shown}"))

    def _setting_values(self, name: str, typed: str, start: int) -> Iterator[Completion]:
        """``set KEY VALUE``: the key's choices, true/false, or its value now."""
        from gradioshell import config

        key = config.find_key(name)
        if key is None:
            return
        if config.key_name(key) in config.PATH_KEYS:
            yield from path_completions(typed, start)
            return
        kinds = key.kind if isinstance(key.kind, tuple) else (key.kind,)
        choices: list[str] = list(key.choices)
        if bool in kinds:
            choices += ["true", "false"]
        if not choices:
            value = config.current(self.shell.settings, key)
            if not isinstance(value, (list, str)) or value:
                choices = [json.dumps(value)]
        for choice in best(typed, [(c, c) for c in choices]):
            yield Completion(choice, start, display_meta=config.key_name(key))

    def _call(self, given: list[Word], partial: Word | None, raw: str) -> Iterator[Completion]:
        """``[@SESSION] ENDPOINT [VALUES...]`` after a command such as ``submit``."""
        typed = partial.value if partial is not None else ""
        if not given:
            if session_word(typed) is not None or typed == SESSION_MARK:
                yield from self._first_word(typed, raw)
            elif self.shell.sessions.default is not None:
                yield from self._endpoints(self.shell.sessions.default, typed, raw)
            return
        target = resolve_endpoint(given, self.shell.sessions)
        if target.kind == "session" and target.session is not None:
            yield from self._endpoints(target.session, typed, raw)
        elif target.endpoint is not None and target.session is not None:
            entry = self.index(target.session).entry(target.endpoint)
            if entry is not None:
                yield from self._arguments(entry, target.arguments(given), partial, raw)

    def _first_word(self, typed: str, raw: str) -> Iterator[Completion]:
        start = -len(raw)
        if typed.startswith(SESSION_MARK):
            sessions = [("@" + s.name, s) for s in self.shell.sessions]
            for s in best(typed, sessions):
                yield Completion(
                    quote("@" + s.name),
                    start,
                    display=safe_line("@" + s.name),
                    display_meta=short(s.url),
                )
            return
        session = self.shell.sessions.default
        if typed.startswith("/"):
            if session is not None:
                yield from self._endpoints(session, typed, raw, slash=True)
            return
        # The app's endpoints first: they are what the shell is for.
        items: list[tuple[str, tuple[str, str, str]]] = []
        if session is not None:
            for entry in self.index(session).entries:
                name = entry.endpoint.name
                items.append((name, (name, name, entry.meta)))
        for cmd in COMMANDS:
            items.append((cmd.name, (cmd.name, cmd.name, cmd.summary)))
        for name, statement in self.shell.settings.aliases.items():
            items.append((name, (name, name, f"alias: {statement}")))
        seen: set[str] = set()
        for text, display, meta in best(typed, items):
            if text in seen:
                continue
            seen.add(text)
            yield Completion(
                quote(text), start, display=safe_line(display), display_meta=short(meta)
            )

    def _endpoints(
        self, session: Session, typed: str, raw: str, *, slash: bool = False
    ) -> Iterator[Completion]:
        bare = typed.lstrip("/")
        start = -len(raw)
        items = [(e.endpoint.name, e) for e in self.index(session).entries]
        for entry in best(bare, items):
            text = ("/" if slash else "") + entry.endpoint.name
            yield Completion(quote(text), start, display=safe_line(text), display_meta=entry.meta)

    def _arguments(
        self, entry: EndpointEntry, given: list[Word], partial: Word | None, raw: str
    ) -> Iterator[Completion]:
        reference = partial is not None and not partial.quoted and partial.value.startswith("$")
        if partial is not None and partial.name is not None:
            parameter = entry.endpoint.parameter(partial.name)
            value_raw = raw[partial.value_start - partial.start :]
            own: list[Completion] = []
            if parameter is not None:
                # The parameter's own values first: a choice may itself be written "$_",
                # and then it is what $ means here.
                own = list(self._values(parameter, partial.value, value_raw))
                yield from own
                yield from self._seen(entry.endpoint, parameter, partial.value, value_raw)
            if reference and not own:
                yield from self._references(partial.value, -len(value_raw))
            return
        if reference:
            assert partial is not None
            value_raw = raw[partial.value_start - partial.start :]
            yield from self._references(partial.value, -len(value_raw))
            return
        typed = partial.value if partial is not None else ""
        used = {w.name.lower() for w in given if w.name is not None}
        # Positional values fill the first parameters in order.
        positional = sum(1 for w in given if w.name is None)
        params = [
            (p, meta)
            for p, meta in entry.params
            if p.name.lower() not in used and p not in entry.endpoint.parameters[:positional]
        ]
        start = -len(raw)
        # A name the grammar cannot read as NAME= is given by position instead.
        typable = [(p.name, (p, meta)) for p, meta in params if NAME_WORD.fullmatch(p.name)]
        for p, meta in best(typed, typable):
            yield Completion(f"{p.name}=", start, display=f"{p.name}=", display_meta=meta)

    def _values(self, p: Parameter, typed: str, raw: str) -> Iterator[Completion]:
        start = -len(raw)
        candidates: list[tuple[str, str]] = []
        for choice in p.choices:
            default = p.has_default and choice == p.default
            candidates.append((str(choice), "choice, default" if default else "choice"))
        schema_type = p.schema.get("type") if isinstance(p.schema, dict) else None
        if schema_type == "boolean" or p.python_type == "bool":
            candidates += [("true", "boolean"), ("false", "boolean")]
        if p.has_default and p.default is not None:
            shown = p.default if isinstance(p.default, str) else json_text(p.default)
            candidates.append((shown, "default"))
        file = is_file_parameter(p)
        examples: list[tuple[str, str]] = []
        if p.example is not None and p.example != p.default and not p.choices:
            example = p.example
            if file and isinstance(example, dict):
                # A file's example is a FileData: what stands for it is its URL.
                example = example.get("url") or example.get("path") or ""
            shown = example if isinstance(example, str) else json_text(example)
            if shown:
                examples.append((shown, "example"))
        seen: set[str] = set()

        def offered(pairs: list[tuple[str, str]]) -> Iterator[Completion]:
            for text, meta in best(typed, [(text, (text, meta)) for text, meta in pairs]):
                if text not in seen:
                    seen.add(text)
                    yield Completion(quote(text), start, display=safe_line(text), display_meta=meta)

        # The real choices first (the files here, for a file); an example after them.
        yield from offered(candidates)
        if file:
            yield from path_completions(typed, start)
        yield from offered(examples)


#: How many of the latest calls offer the values they were given or gave.
SEEN_CALLS = 20


def _summary(record: CallRecord) -> str:
    """A result in a few words, for the meta of ``$rN``: ``echo → "hihi"``."""
    if record.error is not None:
        return f"{record.endpoint} failed: {safe_line(record.error)}"
    outputs = record.outputs or []
    shown = _short_value(outputs[0] if len(outputs) == 1 else outputs)
    return f"{record.endpoint} → {shown}"


def _short_value(value: Any, width: int = 40) -> str:
    if isinstance(value, dict) and isinstance(value.get("path"), str):
        value = value.get("orig_name") or value["path"].rsplit("/", 1)[-1]
    text = json_text(value) if not isinstance(value, str) else json.dumps(value)
    text = safe_line(text)
    return text if len(text) <= width else text[: width - 1] + "…"


def _next_arg(grammar: Grammar, given: list[Word]) -> tuple[Arg | None, str | None]:
    """The positional argument the next word fills, or the keyword it must be first
    (``as`` in ``connect TARGET as NAME``)."""
    count = len([w for w in given if not (session_word(w.value) and _has_at(grammar))])
    for arg in grammar.args:
        if arg.at:
            continue
        if arg.hidden:
            return None, None
        if arg.keyword is not None:
            if count == 0:
                return arg, arg.keyword
            count -= 1
        if arg.many:
            return arg, None
        if count == 0:
            return arg, None
        count -= 1
    return None, None


def _has_at(grammar: Grammar) -> bool:
    return any(arg.at for arg in grammar.args)


def _wants_positional(grammar: Grammar, given: list[Word]) -> bool:
    """Whether the next word is a positional argument the command still needs first."""
    if grammar.call:
        return not given
    arg, keyword = _next_arg(grammar, given)
    return (arg is not None or keyword is not None) and not given


def path_completions(typed: str, start: int) -> Iterator[Completion]:
    """Local paths that start with ``typed`` (``~`` expanded); directories end in ``/`` so
    completing again descends into them."""
    expanded = os.path.expanduser(typed)
    directory, prefix = os.path.split(expanded)
    shown_dir = typed[: len(typed) - len(prefix)]
    try:
        entries = sorted(os.scandir(directory or "."), key=lambda e: e.name)
    except OSError:
        return
    for item in entries:
        if not item.name.startswith(prefix):
            continue
        if item.name.startswith(".") and not prefix.startswith("."):
            continue
        try:
            is_dir = item.is_dir()
        except OSError:
            is_dir = False
        name = item.name + ("/" if is_dir else "")
        text = shown_dir + name
        yield Completion(
            quote(text) if not is_dir else _quote_dir(text),
            start,
            display=name,
            display_meta="directory" if is_dir else "file",
        )


def _quote_dir(text: str) -> str:
    # A quoted directory would close its quote, stopping the next completion from descending.
    return text if quote(text) == text else text.replace(" ", "\\ ")


def line_context(text: str) -> tuple[list[Word], Word | None, str] | None:
    """Split the text before the cursor into the words of the current statement before the
    one being typed, the word being typed (None at a word boundary), and its raw text.
    None when completion makes no sense there (inside a comment or an open quote)."""
    try:
        statements = parse_line(text)
    except ParseError:
        return None
    if not text or text[-1] in " \t\r\n;":
        if text.rstrip(" \t\r\n").endswith(";") or not statements:
            return [], None, ""
        statement = statements[-1]
        if statement.background or _ends_in_comment(text, statement):
            return None
        return list(statement.words), None, ""
    if not statements:
        return None  # a comment
    statement: Statement = statements[-1]  # type: ignore[no-redef]
    last = statement.words[-1]
    if last.end != len(text) or statement.background:
        return None
    return list(statement.words[:-1]), last, text[last.start :]


def _ends_in_comment(text: str, statement: Statement) -> bool:
    end = statement.words[-1].end if statement.words else 0
    return "#" in text[end:]


def endpoint_under_cursor(shell: Shell, text: str) -> tuple[Endpoint, str | None] | None:
    """The endpoint being called at the end of ``text`` and the parameter being typed (by
    name, or by position), for the toolbar."""
    context = line_context(text)
    if context is None:
        return None
    words, partial, _ = context
    all_words = [*words, *([partial] if partial is not None else [])]
    target = resolve(all_words, shell.sessions)
    if target.endpoint is None or (partial is not None and target.used > len(words)):
        return None  # no endpoint, or its name is still being typed
    endpoint = target.endpoint
    rest = target.arguments(all_words)
    current: str | None = None
    if partial is not None and partial.name is not None:
        current = partial.name
    elif partial is not None:
        index = sum(1 for w in rest if w.name is None) - 1
        if any(w.name is not None for w in rest):
            index = -1  # after a named value, a bare word is a name being typed
        if 0 <= index < len(endpoint.parameters):
            current = endpoint.parameters[index].name
        else:
            match = [p.name for p in endpoint.parameters if p.name.startswith(partial.value)]
            current = match[0] if match else None
    elif partial is None:
        positional = sum(1 for w in rest if w.name is None)
        named = any(w.name is not None for w in rest)
        if not named and positional < len(endpoint.parameters):
            current = endpoint.parameters[positional].name
    return endpoint, current


__all__ = ["ShellCompleter", "best", "endpoint_under_cursor", "line_context", "rank"]
