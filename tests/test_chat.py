"""Chat mode and ``chat "MESSAGE"``: conversations with chat apps of each shape.

Against ``apps/chat.py``, whose answers say the turn and the previous message, so a test can
tell that the app saw the earlier turns.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conftest import APPS, start_app


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
        "error: app1 has several chat endpoints: /chat, /stream, /tuned, /look, /bot; "
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
