"""Chat mode and ``chat "MESSAGE"``: conversations with chat apps of each shape.

Against ``apps/chat.py``, whose answers say the turn and the previous message, so a test can
tell that the app saw the earlier turns.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from gradioshell.chatmode import PROMPT
from tests.conftest import APPS, start_app
from tests.gradio_versions import python_for


@pytest.fixture(scope="module")
def chat_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    app = start_app([str(APPS / "chat.py")], tmp_path_factory.mktemp("chat") / "log")
    yield app.url
    app.stop()


def turns(*pairs: tuple[str, str]) -> str:
    lines = []
    for n, (message, before) in enumerate(pairs, start=1):
        lines.append(f"turn {n}: you said {message}; before: {before}")
    return "\n".join(lines) + "\n"


# -- scripts ------------------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", ["/chat", "/stream", "/bot"])
def test_script_holds_a_conversation(run_shell, chat_url: str, endpoint: str) -> None:
    # ChatInterface (the app keeps the history), streamed, and Blocks with a Chatbot (the
    # shell keeps it and sends it each turn). Each answer once, as typed (What's stays).
    script = f'connect {chat_url}; chat {endpoint} What\'s up?; chat {endpoint} "and again"'
    result = run_shell("-c", script)
    assert result.returncode == 0, result.stderr
    assert result.stdout == turns(("What's up?", "nothing"), ("and again", "What's up?"))


def test_several_chat_endpoints_ask_for_one(run_shell, chat_url: str) -> None:
    result = run_shell("-c", f"connect {chat_url}; chat hi")
    assert result.returncode == 2
    assert result.stderr.splitlines()[-1] == (
        "error: app1 has several chat endpoints: /chat, /stream, /tuned, /look, /think, /bot; "
        "say which: chat /NAME"
    )


def test_slash_chat_still_calls_the_endpoint(run_shell, chat_url: str, tmp_path: Path) -> None:
    # /chat FREE TEXT at the shell is still the endpoint, called as it always was.
    result = run_shell("-c", f'connect {chat_url}; /chat "called directly"')
    assert result.returncode == 0, result.stderr
    assert result.stdout == "turn 1: you said called directly; before: nothing\n"


def test_json_gives_the_events_of_the_answer(run_shell, chat_url: str) -> None:
    result = run_shell("--json", "-c", f'connect {chat_url}; chat /stream "hi"; chat /stream yo')
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    answers = [r["data"][0] for r in records if r["event"] == "complete"]
    assert answers == turns(("hi", "nothing"), ("yo", "hi")).splitlines()
    assert any(r["event"] == "generating" for r in records)
    stats = [r for r in records if r["event"] == "chat_stats"]
    assert len(stats) == 2 and stats[0]["tokens"] == 10


# -- chat mode at the prompt --------------------------------------------------------------------


def screen_text(child: pexpect.spawn, log: io.StringIO) -> str:
    from tests.test_streams import screen_lines

    return "\n".join(screen_lines(log.getvalue()))


def enter_chat(spawn_shell, url: str, endpoint: str) -> tuple[pexpect.spawn, io.StringIO]:
    child = spawn_shell(url)
    log = io.StringIO()
    child.logfile_read = log
    child.expect_exact("app1>")
    child.sendline(f"chat {endpoint}")
    child.expect_exact(f"chat with {endpoint} · app1")
    child.expect_exact(PROMPT)
    return child, log


def say(child: pexpect.spawn, line: str, *expected: str) -> None:
    child.sendline(line)
    for text in expected:
        child.expect_exact(text)
    child.expect_exact(PROMPT)


def test_chat_mode_with_a_chat_interface(spawn_shell, chat_url: str, tmp_path: Path) -> None:
    child, log = enter_chat(spawn_shell, chat_url, "/stream")
    say(child, "What's up?", "turn 1: you said What's up?; before: nothing", " tokens")
    # Alt-Enter: one message of two lines.
    child.send("two\x1b\rlines\r")
    child.expect_exact("turn 2: you said two")
    child.expect_exact("lines; before: What's up?")
    child.expect_exact(PROMPT)
    # Pasted text is one message, its lines kept.
    child.send("\x1b[200~pasted\nthird\x1b[201~\r")
    child.expect_exact("turn 3: you said pasted")
    child.expect_exact("third; before: two")
    child.expect_exact(PROMPT)
    # Ctrl-C mid-answer: what came stays, nothing is asked, the conversation goes on.
    child.sendline("a long one")
    child.expect_exact("word20 ")
    child.sendintr()
    child.expect_exact("(stopped)")
    child.expect_exact(PROMPT)
    say(child, "/retry", "the app keeps the history", "turn 5: you said a long one", "THE END")
    say(child, "/set x 1", "/stream has no setting 'x' (settings: none)")
    say(child, "/save " + str(tmp_path / "talk.md"), "saved 10 messages")
    say(child, "/undo", "keeps the history on the app")
    say(child, "/clear", "new conversation (a new session on the app)")
    say(child, "again", "turn 1: you said again; before: nothing")
    # Leaving keeps the conversation: 'chat' again goes on with it.
    child.sendline("/exit")
    child.expect_exact("back to the shell")
    child.expect_exact("app1>")
    child.sendline("chat /stream")
    child.expect_exact(PROMPT)
    say(child, "back", "turn 2: you said back; before: again")
    child.sendeof()
    child.expect_exact("app1>")
    child.sendline("exit")
    child.expect(pexpect.EOF)
    saved = (tmp_path / "talk.md").read_text()
    assert saved.startswith(
        "### User\n\nWhat's up?\n\n### Assistant\n\nturn 1: you said What's up?"
    )
    assert "### User\n\ntwo\nlines\n\n" in saved
    text = screen_text(child, log)
    assert "Traceback" not in text and text.count("error:") == 2, text  # /set, /undo
    assert text.count("(stopped)") == 1


def test_chat_mode_keeps_the_history_of_a_chatbot(
    spawn_shell, chat_url: str, tmp_path: Path
) -> None:
    child, log = enter_chat(spawn_shell, chat_url, "/bot")
    say(child, "one", "turn 1: you said one; before: nothing")
    say(child, "two", "turn 2: you said two; before: one")
    say(child, "three", "turn 3: you said three; before: two")
    say(child, "/undo", "took back: three")
    say(child, "four", "turn 3: you said four; before: two")
    say(child, "/retry", "turn 3: you said four; before: two")
    say(child, "/history", "user", "four", "assistant")
    say(child, "/save " + str(tmp_path / "talk.json"), "saved 6 messages")
    say(child, "/clear", "new conversation")
    say(child, "fresh", "turn 1: you said fresh; before: nothing")
    say(child, "/load " + str(tmp_path / "talk.json"), "loaded 6 messages")
    say(child, "five", "turn 4: you said five; before: four")
    say(child, "/nonsense", "error: unknown command /nonsense")
    child.sendline("/exit")
    child.expect_exact("app1>")
    saved = json.loads((tmp_path / "talk.json").read_text())
    assert [m["role"] for m in saved] == ["user", "assistant"] * 3
    assert "Traceback" not in screen_text(child, log)


def test_chat_mode_settings(spawn_shell, chat_url: str) -> None:
    child, _log = enter_chat(spawn_shell, chat_url, "/tuned")
    say(child, "hi", "turn 1: you said hi; before: nothing | system=be brief temperature=0.7")
    say(child, "/set temperature 0.2", "temperature = 0.2")
    say(child, "/set style fancy", "style = fancy")
    say(child, "/settings", "temperature", "0.2", "plain, fancy")
    say(child, "/set temperature 7", "error: temperature")
    say(child, "again", "turn 2: you said again; before: hi", "temperature=0.2 style=fancy")
    say(child, "and again", "turn 3: you said and again; before: again", "temperature=0.2")
    say(child, "/attach x.png", "error: /tuned takes no files")
    child.sendline("/exit")
    child.expect_exact("app1>")


def test_chat_mode_attaches_files(spawn_shell, chat_url: str, tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text("a note\n")
    child, _log = enter_chat(spawn_shell, chat_url, "/look")
    say(child, "hi", "turn 1: you said hi; before: nothing | files: none")
    say(child, f"/attach {note}", "for the next message: note.txt")
    say(child, "read this", "turn 2: you said read this; before: hi | files: note.txt")
    say(child, "and now?", "turn 3: you said and now?; before: read this | files: none")
    child.sendline("/exit")
    child.expect_exact("app1>")


# -- older releases -----------------------------------------------------------------------------

#: The chat endpoints of apps/chat.py on each older release: each ChatInterface's name (all
#: are /chat before 5, told apart by the suffix the app gives repeated names), and the
#: Blocks with a Chatbot in the messages format (4 and 5) and in tuples.
OLDER = {
    "5.50.0": ["/chat", "/stream", "/tuned", "/bot", "/pairs"],
    "4.44.1": ["/chat", "/chat_1", "/chat_2", "/bot", "/pairs"],
    "3.50.2": ["/chat", "/chat_1", "/chat_2", "/pairs"],
}


@pytest.fixture(scope="module", params=[pytest.param(v, marks=pytest.mark.slow) for v in OLDER])
def older_chat(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, str]]:
    version: str = request.param
    app = start_app(
        [str(APPS / "chat.py")],
        tmp_path_factory.mktemp(f"chat-{version}") / "log",
        python=str(python_for(version)),
        timeout=240,
    )
    yield version, app.url
    app.stop()


@pytest.mark.timeout(900)
def test_older_releases_hold_conversations(run_shell, older_chat: tuple[str, str]) -> None:
    version, url = older_chat
    script = [f"connect {url}"]
    for endpoint in OLDER[version]:
        script += [
            f"chat {endpoint} how are you?",
            f"chat {endpoint} and again",
            f"chat {endpoint} 3",
        ]
    result = run_shell("-c", "; ".join(script), timeout=180)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    expected = turns(("how are you?", "nothing"), ("and again", "how are you?"), ("3", "and again"))
    for n, endpoint in enumerate(OLDER[version]):
        got = [line.split(" | ")[0] for line in lines[3 * n : 3 * n + 3]]
        assert got == expected.splitlines(), (endpoint, lines)


@pytest.mark.timeout(900)
def test_older_releases_in_chat_mode(spawn_shell, older_chat: tuple[str, str]) -> None:
    version, url = older_chat
    streamed = OLDER[version][1]
    child, log = enter_chat(spawn_shell, url, streamed)
    say(child, "one", "turn 1: you said one; before: nothing")
    say(child, "two", "turn 2: you said two; before: one")
    say(child, "a long one", "turn 3: you said a long one; before: two", "THE END")
    say(child, "/load x.json", "keeps the history on the app")
    say(child, "/clear", "new conversation")
    say(child, "again", "turn 1: you said again; before: nothing")
    child.sendline("/exit")
    child.expect_exact("app1>")
    pairs = OLDER[version][-1]
    child.sendline(f"chat {pairs}")
    child.expect_exact(PROMPT)
    say(child, "one", "turn 1: you said one; before: nothing")
    say(child, "two", "turn 2: you said two; before: one")
    say(child, "/undo", "took back: two")
    say(child, "three", "turn 2: you said three; before: one")
    child.sendline("/exit")
    child.expect_exact("app1>")
    assert "Traceback" not in screen_text(child, log)


def test_chat_mode_thinking_files_and_errors(spawn_shell, chat_url: str) -> None:
    child, log = enter_chat(spawn_shell, chat_url, "/think")
    # A thinking message folded to its first lines; all of it in /history.
    say(child, "why?", "Thinking", "step 3: weighing why?", "… 5 more lines", "turn 1")
    say(child, "/history", "step 8: weighing why?")
    child.sendline("/exit")
    child.expect_exact("app1>")
    # A picture in the Chatbot's answer is saved and previewed.
    child.sendline("chat /bot")
    child.expect_exact(PROMPT)
    say(child, "a picture please", "turn 1: you said a picture please", "downloads/", "dot.png")
    child.sendline("/exit")
    child.expect_exact("app1>")
    # The app's error in one line; the message can be sent again.
    child.sendline("chat /chat")
    child.expect_exact(PROMPT)
    say(child, "please fail", "the model is busy, try again", "/retry sends it again")
    say(child, "/retry", "the model is busy, try again", "/retry sends it again")
    say(child, "the quota?", "GPU quota used up", "/retry sends it again")
    say(child, "fine now", "turn 1: you said fine now; before: nothing")
    child.sendline("/exit")
    child.expect_exact("app1>")
    text = screen_text(child, log)
    assert "step 4: weighing" not in text.split("/history")[0], text
    assert "Traceback" not in text


def test_chat_mode_completes_slash_commands_and_their_arguments(tmp_path: Path) -> None:
    from prompt_toolkit.completion import CompleteEvent
    from prompt_toolkit.document import Document

    from gradioshell.chat import Conversation
    from gradioshell.chatmode import ChatCompleter
    from gradioshell.gradio import Endpoint, Parameter

    endpoint = Endpoint(
        "/tuned",
        3,
        (
            Parameter("message", component="Textbox"),
            Parameter("temperature", component="Slider", has_default=True, default=0.7),
            Parameter("style", component="Dropdown", schema={"enum": ["plain", "fancy"]}),
        ),
    )
    (tmp_path / "photo.png").write_bytes(b"")
    completer = ChatCompleter(Conversation(None, endpoint))  # type: ignore[arg-type]

    def completions(text: str) -> list[str]:
        found = completer.get_completions(Document(text), CompleteEvent(completion_requested=True))
        return [c.text for c in found]

    assert completions("/se") == ["/set", "/settings"]
    assert completions("/set te") == ["temperature"]
    assert completions("/set style f") == ["fancy"]
    assert completions(f"/attach {tmp_path}/ph") == ["oto.png"]
    assert completions("what's /set") == []  # a message is never completed
    assert completions("hello") == []


def test_help_tells_of_chat_mode_and_of_slash_chat(run_shell, chat_url: str) -> None:
    result = run_shell("-c", f"connect {chat_url}; help chat; help")
    assert result.returncode == 0, result.stderr
    for command in ("/retry", "/undo", "/clear", "/save FILE", "/set NAME VALUE", "/attach"):
        assert command in result.stdout
    assert "an endpoint named chat is /chat" in result.stdout


def test_bad_chat_lines_are_one_line_errors(run_shell, chat_url: str) -> None:
    lines = [
        f"connect {chat_url}",
        "chat /nosuch hi",
        "chat /chat @nobody hi",
        "chat /look",  # chat mode: not in a script
    ]
    result = run_shell("--keep-going", "-c", "; ".join(lines))
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [
        "error: app1 has no endpoint /nosuch",
        errors[1],
        'error: chat mode is for the prompt; in a script, send a turn: chat "MESSAGE"',
    ], result.stderr
    assert "nobody" in errors[1]
    assert "Traceback" not in result.stderr


def test_the_endpoints_say_slash_chat(spawn_shell, chat_url: str) -> None:
    child = spawn_shell(chat_url)
    log = io.StringIO()
    child.logfile_read = log
    child.expect_exact("Endpoints of app1")
    child.expect_exact("app1>")
    rows = [line.split()[0] for line in screen_text(child, log).splitlines() if "│" in line]
    assert rows[:3] == ["/chat", "stream", "tuned"], rows


def test_chat_completes_the_chat_endpoints() -> None:
    from gradioshell.gradio import Endpoint, Parameter, Return
    from gradioshell.output import TextOutput
    from gradioshell.shell import Shell
    from tests.test_completer import make_session, texts

    bot = Endpoint(
        "/bot",
        0,
        (Parameter("message", component="Textbox"), Parameter("history", component="Chatbot")),
        (Return("history", "Chatbot"),),
    )
    echo = Endpoint("/echo", 1, (Parameter("text", component="Textbox"),), (Return("t"),))
    shell = Shell(TextOutput())
    shell.sessions.add(make_session("app1", [bot, echo], "http://127.0.0.1:7001"))
    assert texts(shell, "chat /") == ["/bot"]
    assert texts(shell, "chat /bot hel") == []  # the message is not completed


def test_chat_mode_shows_the_queue(spawn_shell, chat_url: str) -> None:
    child = spawn_shell(chat_url)
    child.expect_exact("app1>")
    # The app answers one message of /stream at a time: a long answer holds it.
    child.sendline('/stream "a long one" &')
    child.expect_exact("/stream started")
    child.sendline("chat /stream")
    child.expect_exact(PROMPT)
    child.sendline("hello")
    child.expect_exact("queued: position 1")
    child.expect_exact("turn 2: you said hello; before: a long one")
    child.expect_exact(PROMPT)
    child.sendline("/exit")
    child.expect_exact("app1>")


def test_each_session_has_its_conversation(run_shell, chat_url: str) -> None:
    script = (
        f"connect {chat_url}; connect {chat_url} --new as other; "
        'chat /bot "one"; chat /bot @other "first"; chat /bot "two"; chat @other /bot "second"'
    )
    result = run_shell("-c", script)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "turn 1: you said one; before: nothing",
        "turn 1: you said first; before: nothing",
        "turn 2: you said two; before: one",
        "turn 2: you said second; before: first",
    ]
