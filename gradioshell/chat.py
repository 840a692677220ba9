"""Conversations with an app's chat endpoint: finding it, keeping the history, one turn at a
time, and what chat mode's slash commands do to a conversation.

A chat endpoint is ChatInterface's (``/chat``: a message in, the answer out, the history kept
by the app in a gr.State of the session), or an event that takes a message and a Chatbot's
history and returns the Chatbot (the history is then the shell's to keep and send each turn,
in the format the app uses). A :class:`Conversation` is kept per session and endpoint, so
leaving chat mode and coming back continues it.

Nothing here knows the terminal: answers go to the output's reporter, as a call's events do,
with the answer in place of the app's outputs.
"""

from __future__ import annotations

import copy
import json
import re
import time
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from gradioshell import calls, transfers
from gradioshell.chathelp import SLASH_INTRO, SLASH_OUTRO, SLASH_ROWS
from gradioshell.errors import ShellError, UsageError
from gradioshell.gradio import Completed, Endpoint, Generating, Return
from gradioshell.gradio.values import FileInput, chat_format
from gradioshell.results import Note, Reporter

if TYPE_CHECKING:
    from gradioshell.context import CallContext
    from gradioshell.gradio import Event, Parameter
    from gradioshell.sessions import Session

SERVER = "server"
"""The app keeps the history (ChatInterface, a gr.State): the session is the conversation."""
PARAMETER = "parameter"
"""The app takes the history as a parameter: the shell keeps it and sends it each turn."""

MESSAGE_KINDS = ("textbox", "multimodaltextbox")


def is_chat_endpoint(endpoint: Endpoint) -> bool:
    """Whether ``endpoint`` takes a message and carries a conversation: ChatInterface's
    (a message and a gr.State in, the answer and the State out), or one that takes a message
    and a Chatbot's history and returns a Chatbot."""
    params = endpoint.parameters
    if _message_index(params) is None:
        return False
    if _history_index(params) is not None:
        return any(r.component.lower() == "chatbot" for r in endpoint.returns)
    states_in = any(c.is_state for c in endpoint.inputs)
    states_out = any(c.is_state for c in endpoint.outputs)
    return states_in and states_out and bool(endpoint.returns)


def chat_endpoints(session: Session) -> list[Endpoint]:
    return [e for e in session.app.endpoints if is_chat_endpoint(e)]


def find_endpoint(session: Session, name: str | None) -> Endpoint:
    """The chat endpoint named ``name``, or the session's one chat endpoint."""
    if name is not None:
        wanted = name.lstrip("/")
        for endpoint in session.app.endpoints:
            if endpoint.name == wanted:
                if not is_chat_endpoint(endpoint):
                    raise UsageError(
                        f"/{wanted} is not a chat endpoint (it takes no message with a history)"
                    )
                return endpoint
        raise UsageError(f"{session.name} has no endpoint /{wanted}")
    found = chat_endpoints(session)
    if not found:
        raise ShellError(
            f"{session.name} has no chat endpoint (a ChatInterface, or an event taking a "
            "message and a Chatbot's history)"
        )
    if len(found) > 1:
        names = ", ".join("/" + e.name for e in found)
        raise UsageError(
            f"{session.name} has several chat endpoints: {names}; say which: chat /NAME"
        )
    return found[0]


def _message_index(params: tuple[Parameter, ...]) -> int | None:
    for n, p in enumerate(params):
        if p.kind in MESSAGE_KINDS:
            return n
    return None


def _history_index(params: tuple[Parameter, ...]) -> int | None:
    for n, p in enumerate(params):
        if p.kind == "chatbot":
            return n
    return None


# -- messages -----------------------------------------------------------------------------------


def as_messages(history: Any) -> list[dict[str, Any]]:
    """A Chatbot's value (tuples, messages or Gradio 6's parts) as messages with a role."""
    if not isinstance(history, list):
        return []
    if all(isinstance(m, dict) and isinstance(m.get("role"), str) for m in history):
        return [dict(m) for m in history]
    messages: list[dict[str, Any]] = []
    for pair in history:
        if isinstance(pair, (list, tuple)) and len(pair) == 2:
            for role, content in zip(("user", "assistant"), pair, strict=True):
                if content is not None:
                    messages.append({"role": role, "content": content})
    return messages


def answer_messages(value: Any) -> list[dict[str, Any]]:
    """What a ChatInterface answered (a text, a message, messages, a multimodal value) as
    assistant messages."""
    if value is None:
        return []
    if isinstance(value, str):
        return [{"role": "assistant", "content": value}]
    if isinstance(value, dict) and isinstance(value.get("role"), str):
        return [dict(value)]
    if isinstance(value, dict):
        return [{"role": "assistant", "content": _kept_file(value)}]
    if isinstance(value, list) and all(isinstance(m, dict) for m in value):
        if all(isinstance(m.get("role"), str) for m in value):
            return [{**m, "content": _kept_file(m.get("content"))} for m in value]
        return [{"role": "assistant", "content": _kept_file(m)} for m in value]
    return [{"role": "assistant", "content": json.dumps(value, ensure_ascii=False)}]


def _kept_file(content: Any) -> Any:
    """A file named by its path on the app's machine alone (a ChatInterface's API sends its
    answer unprocessed, files not served): said as such, never taken for a local path."""
    if (
        isinstance(content, dict)
        and isinstance(content.get("path"), str)
        and not content.get("url")
        and not content.get("meta")
    ):
        name = content["path"].replace("\\", "/").rsplit("/", 1)[-1]
        return f"(a file the app did not send: {name})"
    return content


def content_text(content: Any) -> str | None:
    """The text of a message's content when it is only text (a string or text parts)."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict) and content.get("type") == "text":
        text = content.get("text")
        return text if isinstance(text, str) else None
    if isinstance(content, list) and content:
        texts = [content_text(part) for part in content]
        if all(t is not None for t in texts):
            return "\n\n".join(t for t in texts if t is not None)
    return None


def shown_answer(messages: list[dict[str, Any]]) -> Any:
    """An answer as it is drawn: its text when it is text only, else its messages (a
    transcript, with thinking messages dimmed and files previewed)."""
    texts = [content_text(m.get("content")) for m in messages]
    plain = all(t is not None for t in texts) and not any(
        isinstance(m.get("metadata"), dict) and m["metadata"].get("title") for m in messages
    )
    if plain:
        return "\n\n".join(t for t in texts if t)
    return [_folded(m) for m in messages]


FOLDED_LINES = 3
"""A thinking or tool message shows its first lines; /history and /save keep all of it."""


def _folded(message: dict[str, Any]) -> dict[str, Any]:
    metadata = message.get("metadata")
    if not (isinstance(metadata, dict) and metadata.get("title")):
        return message
    text = content_text(message.get("content"))
    if text is None:
        return message
    lines = text.strip("\n").split("\n")
    filled = [n for n, line in enumerate(lines) if line.strip()]
    if len(filled) <= FOLDED_LINES:
        return message
    more = len(filled) - FOLDED_LINES
    shown = "\n".join(lines[: filled[FOLDED_LINES - 1] + 1])
    shown += f"\n\n… {more} more line{'s' if more > 1 else ''} (/history shows them)"
    return {**message, "content": shown}


TOKEN = re.compile(r"\w+|[^\w\s]")


def count_tokens(text: str) -> int:
    """Tokens as counted here: words and single punctuation marks (about what a language
    model's tokenizer makes of English; an app's real tokens are not sent)."""
    return len(TOKEN.findall(text))


def answer_text(messages: list[dict[str, Any]]) -> str:
    texts = (content_text(m.get("content")) for m in messages)
    return "\n\n".join(t for t in texts if t)


# -- one conversation ---------------------------------------------------------------------------


@dataclass
class Turn:
    """The state before a turn, for /undo and /retry."""

    message: str
    files: list[str]
    history: list[Any]
    messages: list[dict[str, Any]]


@dataclass
class Conversation:
    """A conversation with one chat endpoint of one session."""

    session: Session
    endpoint: Endpoint
    #: The history in the app's format, sent each turn (where the app takes it).
    history: list[Any] = field(default_factory=list)
    #: The conversation as messages (role, content), for /history and /save.
    messages: list[dict[str, Any]] = field(default_factory=list)
    #: The values of the app's other inputs, as typed (/set).
    settings: dict[str, str] = field(default_factory=dict)
    #: Files for the next message (/attach).
    attachments: list[str] = field(default_factory=list)
    turns: list[Turn] = field(default_factory=list)
    #: The last message sent, and whether its answer came whole.
    last: Turn | None = None
    last_failed: bool = False

    @property
    def keeps(self) -> str:
        return PARAMETER if self.history_index is not None else SERVER

    @property
    def message_index(self) -> int:
        found = _message_index(self.endpoint.parameters)
        assert found is not None
        return found

    @property
    def history_index(self) -> int | None:
        return _history_index(self.endpoint.parameters)

    @property
    def multimodal(self) -> bool:
        return self.endpoint.parameters[self.message_index].kind == "multimodaltextbox"

    def extra_parameters(self) -> list[Parameter]:
        """The app's other inputs (a system prompt, a temperature...)."""
        skip = {self.message_index, self.history_index}
        return [p for n, p in enumerate(self.endpoint.parameters) if n not in skip]

    @property
    def answer_index(self) -> int:
        """Which of the shown outputs is the answer (the Chatbot, or the response)."""
        for n, ret in enumerate(self.endpoint.returns):
            if ret.component.lower() == "chatbot":
                return n
        return 0

    @property
    def history_format(self) -> str | None:
        index = self.history_index
        return None if index is None else chat_format(self.endpoint.parameters[index])

    # -- turns ---------------------------------------------------------------------------

    async def send(self, shell: CallContext, text: str, files: list[str] | None = None) -> None:
        """One turn: ``text`` (and ``files``) sent with the history and the settings, the
        answer streamed to the output, the history updated from what came (also when the
        answer is cancelled: what came is kept)."""
        files = list(self.attachments if files is None else files)
        if self.attachments and not self.multimodal:
            raise UsageError(
                f"/{self.endpoint.name} takes no files; /attach is for multimodal apps"
            )
        turn = Turn(text, files, copy.deepcopy(self.history), copy.deepcopy(self.messages))
        typed = self._typed(text, files)
        data = await transfers.resolve_file_arguments(shell, self.session, self.endpoint, typed)
        self.attachments = []
        self.last, self.last_failed = turn, True
        reporter = ChatReporter(
            shell.output.chat_reporter(self.session.name, answer_endpoint(self.endpoint)),
            self.answer_index,
            self.keeps,
        )
        known = len(shell.results)
        try:
            await calls.run(shell, self.session, self.endpoint, data, reporter)
        finally:
            if reporter.came:
                self._update(turn, reporter)
            for done in shell.results[known:]:  # what was sent, for 'code N'
                if done.endpoint == self.endpoint.name and done.session == self.session.name:
                    done.inputs = typed
        self.last_failed = False
        stats = reporter.stats()
        if stats is not None:
            line, record = stats
            shell.output.emit(Note(body="  " + line, style="dim", plain="", record=record))

    def _typed(self, text: str, files: list[str]) -> list[Any]:
        """The values of a turn, converted for each parameter, files not sent yet."""
        from gradioshell.gradio import ArgumentError, bind

        message: Any = text
        if self.multimodal:
            message = {"text": text, "files": [FileInput(f) for f in files]}
        params = self.endpoint.parameters
        kwargs: dict[str, Any] = {params[self.message_index].name: message}
        if self.history_index is not None:
            kwargs[params[self.history_index].name] = copy.deepcopy(self.history)
        for p in self.extra_parameters():
            if p.name in self.settings:
                kwargs[p.name] = self.settings[p.name]
            elif p.required:  # an app that does not say its default (3.x): none
                kwargs[p.name] = None
        try:
            typed = bind(self.endpoint, [], kwargs)
        except ArgumentError as exc:
            raise UsageError(str(exc)) from None
        return typed

    def _update(self, turn: Turn, reporter: ChatReporter) -> None:
        self.turns.append(turn)
        if self.keeps == PARAMETER:
            self.history = reporter.latest if isinstance(reporter.latest, list) else []
            self.messages = as_messages(self.history)
            return
        user: dict[str, Any] = {"role": "user", "content": turn.message}
        if turn.files:
            user["files"] = list(turn.files)
        self.messages = [*turn.messages, user, *reporter.answer]

    def undo(self) -> str:
        if not self.turns:
            raise UsageError("nothing to undo")
        if self.keeps == SERVER:
            raise UsageError(
                f"/{self.endpoint.name} keeps the history on the app, which cannot take a turn "
                "back; /clear starts again"
            )
        turn = self.turns.pop()
        self.history, self.messages = turn.history, turn.messages
        return f"took back: {turn.message}"

    def take_back_for_retry(self) -> Turn:
        """The last message, the conversation put back to before it where the shell keeps
        the history."""
        turn = self.last
        if turn is None:
            raise UsageError("no message to retry yet")
        if self.turns and self.turns[-1] is turn and self.keeps == PARAMETER:
            self.turns.pop()
            self.history, self.messages = turn.history, turn.messages
        return turn

    def clear(self) -> str:
        self.history, self.messages, self.turns, self.last = [], [], [], None
        if self.keeps == SERVER:
            # The app keeps the history per session: a new session starts a new one.
            self.session.app.new_session()
            return "new conversation (a new session on the app)"
        return "new conversation"

    def load(self, path: Path) -> str:
        if self.keeps == SERVER:
            raise UsageError(
                f"/{self.endpoint.name} keeps the history on the app: a saved history cannot "
                "be given to it"
            )
        try:
            value = json.loads(path.expanduser().read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ShellError(f"cannot read {path}: {exc}") from None
        if not isinstance(value, list):
            raise ShellError(f"{path} holds no list of messages")
        from gradioshell.gradio.values import chat_history

        param = self.endpoint.parameters[self.history_index or 0]
        self.history = chat_history(param, value)
        self.messages = as_messages(self.history)
        self.turns, self.last = [], None
        return f"loaded {len(self.messages)} messages"

    def save(self, path: Path) -> str:
        path = path.expanduser()
        if path.suffix.lower() == ".json":
            text = json.dumps(self.messages, ensure_ascii=False, indent=2) + "\n"
        else:
            text = markdown_transcript(self.messages)
        try:
            path.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise ShellError(f"cannot write {path}: {exc.strerror or exc}") from None
        return f"saved {len(self.messages)} messages to {path}"

    def set(self, name: str, value: str) -> str:
        params = self.extra_parameters()
        found = [p for p in params if p.name == name] or [
            p for p in params if p.name.lower() == name.lower()
        ]
        if not found:
            names = ", ".join(p.name for p in params) or "none"
            raise UsageError(f"/{self.endpoint.name} has no setting {name!r} (settings: {names})")
        from gradioshell.gradio import ArgumentError, convert

        try:
            convert(found[0], value)
        except ArgumentError as exc:
            raise UsageError(str(exc)) from None
        self.settings[found[0].name] = value
        return f"{found[0].name} = {value}"

    def settings_rows(self) -> list[tuple[str, str, str]]:
        """Each setting: its name, its value (set, or the app's default), its choices."""
        rows = []
        for p in self.extra_parameters():
            value = self.settings.get(p.name)
            shown = value if value is not None else f"{p.default!r} (default)"
            rows.append((p.name, shown, ", ".join(str(c) for c in p.choices)))
        return rows

    def attach(self, paths: list[str]) -> str:
        if not self.multimodal:
            raise UsageError(f"/{self.endpoint.name} takes no files (it is not multimodal)")
        from gradioshell.gradio.files import FileError, expand

        try:
            found = [str(p) for name in paths for p in expand(name)]
        except FileError as exc:
            raise ShellError(str(exc)) from None
        for name in found:
            if not Path(name).is_file():
                raise ShellError(f"no such file: {name}")
        self.attachments += found
        return "for the next message: " + ", ".join(Path(f).name for f in self.attachments)


def markdown_transcript(messages: list[dict[str, Any]]) -> str:
    """A conversation as Markdown: a heading per message, thinking messages quoted."""
    out = []
    for m in messages:
        role = str(m.get("role", "")).capitalize()
        metadata = m.get("metadata") if isinstance(m.get("metadata"), dict) else {}
        title = metadata.get("title") if metadata else None
        text = content_text(m.get("content"))
        if text is None:
            text = f"```json\n{json.dumps(m.get('content'), ensure_ascii=False)}\n```"
        if title:
            out.append(f"### {role} · {title}\n\n" + "\n".join(f"> {x}" for x in text.split("\n")))
        else:
            out.append(f"### {role}\n\n{text}")
        for name in m.get("files", []) or []:
            out[-1] += f"\n\n(attached: {name})"
    return "\n\n".join(out) + "\n"


def answer_endpoint(endpoint: Endpoint) -> Endpoint:
    """What the output is told it shows: the endpoint's answer, as a Chatbot's value."""
    return Endpoint(
        endpoint.api_name,
        endpoint.fn_index,
        returns=(Return("answer", "Chatbot"),),
        description=endpoint.description,
    )


class ChatReporter(Reporter):
    """Hands a turn's events to the output's reporter with the answer in place of the app's
    outputs, and times the answer (first token, tokens per second)."""

    def __init__(self, inner: Reporter, index: int, keeps: str) -> None:
        self.inner = inner
        self.index = index
        self.keeps = keeps
        self.started = time.monotonic()
        self.first: float | None = None
        self.ended: float | None = None
        #: The latest value of the answer's output (the Chatbot, or the response).
        self.latest: Any = None
        self.answer: list[dict[str, Any]] = []
        self.came = False

    def __enter__(self) -> Reporter:
        self.inner.__enter__()
        return self

    def __exit__(self, *exc: object) -> None:
        self.inner.__exit__(*exc)

    def event(self, event: Event) -> None:
        if isinstance(event, (Generating, Completed)):
            data = event.data
            value = data[self.index] if self.index < len(data) else None
            self.latest, self.came = value, True
            if self.keeps == PARAMETER:
                messages = as_messages(value)
                users = [n for n, m in enumerate(messages) if m.get("role") == "user"]
                self.answer = messages[users[-1] + 1 :] if users else messages
            else:
                self.answer = answer_messages(value)
            if self.first is None and answer_text(self.answer):
                self.first = time.monotonic()
            if isinstance(event, Completed):
                self.ended = time.monotonic()
            event = replace(event, data=[shown_answer(self.answer)])
        self.inner.event(event)

    def cancelled(self) -> None:
        self.inner.cancelled()

    def close(self) -> None:
        self.inner.close()

    def stats(self) -> tuple[str, dict[str, Any]] | None:
        """``0.4 s to first token · 38 tok/s``, and the same for --json."""
        if self.first is None or self.ended is None:
            return None
        tokens = count_tokens(answer_text(self.answer))
        first = self.first - self.started
        spent = self.ended - self.first
        rate = tokens / spent if spent > 0.05 else None
        if rate is None:  # not streamed: it came whole
            line = f"answered in {first:.1f} s · {tokens} tokens"
        else:
            line = f"{first:.1f} s to first token · {rate:.0f} tok/s · {tokens} tokens"
        record = {
            "event": "chat_stats",
            "first_token_seconds": round(first, 3),
            "tokens": tokens,
            "tokens_per_second": None if rate is None else round(rate, 1),
        }
        return line, record


# -- chat mode's lines --------------------------------------------------------------------------


async def handle_line(shell: CallContext, talk: Conversation, line: str) -> bool:
    """Run one line of chat mode: a message (sent as typed) or a slash command. True when
    the user leaves chat mode."""
    text = line.strip()
    if not text:
        return False
    if text.startswith("//"):
        text = text[1:]
    elif text.startswith("/"):
        return await _slash(shell, talk, text)
    await talk.send(shell, text)
    return False


async def _slash(shell: CallContext, talk: Conversation, text: str) -> bool:
    from gradioshell.reports import Cell, Column, Table, Transcript

    name, _, rest = text.partition(" ")
    rest = rest.strip()
    say = shell.output.info
    if name == "/exit":
        return True
    if name == "/help":
        shell.output.emit(Note(body=SLASH_INTRO))
        shell.output.emit(
            Table(
                columns=[Column("command", key=True), Column("what it does")],
                rows=[list(row) for row in SLASH_ROWS],
                record={"event": "help", "commands": dict(SLASH_ROWS)},
            )
        )
        shell.output.emit(Note(body=SLASH_OUTRO))
    elif name == "/retry":
        turn = talk.take_back_for_retry()
        if talk.keeps == SERVER:
            say("the app keeps the history: it may have the earlier try too (/clear starts again)")
        await talk.send(shell, turn.message, turn.files)
    elif name == "/undo":
        say(talk.undo())
    elif name == "/clear":
        say(talk.clear())
    elif name == "/history":
        if not talk.messages:
            say("no messages yet")
        else:
            text = markdown_transcript(talk.messages).rstrip()
            record = {"event": "history", "messages": talk.messages}
            shell.output.emit(Transcript(messages=talk.messages, plain=text, record=record))
    elif name in ("/save", "/load"):
        if not rest:
            raise UsageError(f"usage: {name} FILE")
        say(talk.save(Path(rest)) if name == "/save" else talk.load(Path(rest)))
    elif name == "/set":
        key, _, value = rest.partition(" ")
        if not key or not value.strip():
            raise UsageError("usage: /set NAME VALUE (/settings lists them)")
        say(talk.set(key, value.strip()))
    elif name == "/settings":
        rows = talk.settings_rows()
        if not rows:
            say(f"/{talk.endpoint.name} takes no other inputs")
        else:
            shown: list[list[str | Cell]] = [list(r) for r in rows]
            columns = [Column("name", key=True), Column("value"), Column("choices", rank=0)]
            shell.output.emit(Table(columns=columns, rows=shown, title="Settings"))
    elif name == "/attach":
        import shlex

        try:
            paths = shlex.split(rest)
        except ValueError:
            paths = [rest]
        if not paths:
            raise UsageError("usage: /attach PATH...")
        say(talk.attach(paths))
    else:
        raise UsageError(f"unknown command {name} (/help lists them; // starts a message with /)")
    return False
