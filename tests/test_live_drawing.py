"""The live view of a streamed answer costs the same at every redraw: a long Markdown
answer is drawn only from a little above what the terminal shows, and still reads right
(its newest words, a code block cut at its start still a code block)."""

from __future__ import annotations

import io

from rich.console import Console

from gradioshell.renderers import LIVE_CHROME, LiveMarkdown, Look, markdown, markdown_tail


def long_answer(parts: int) -> str:
    text = "First words of the answer.\n\n"
    for n in range(1, parts + 1):
        text += f"## Part {n}\n\nA paragraph about part {n}, long enough to wrap " * 1
        text += "over the width of a narrow terminal at least once or twice.\n\n"
        text += "".join(f"- item {i} of part {n}\n" for i in range(4))
        text += f"\n```python\ndef part_{n}():\n    return {n}\n```\n\n"
    return text + "The newest words."


def drawn_lines(renderable: object, width: int = 100, height: int = 30) -> list[str]:
    console = Console(
        file=io.StringIO(), width=width, height=height, force_terminal=True, color_system=None
    )
    return [
        "".join(segment.text for segment in line).rstrip()
        for line in console.render_lines(renderable, console.options, pad=False)
    ]


def test_a_growing_answer_is_drawn_within_a_bound_set_by_the_terminal() -> None:
    live = Look(live=True)
    short = drawn_lines(markdown(long_answer(40), live))
    longer = drawn_lines(markdown(long_answer(400), live))
    # Only a little more than the terminal's height is drawn, whatever the length.
    assert len(short) <= 2 * 30 + 10, len(short)
    assert len(longer) <= 2 * 30 + 10, len(longer)
    for lines in (short, longer):
        assert lines[-1].strip() == "The newest words."
        assert "earlier lines" in lines[0]
    # Once the call has ended, all of it.
    whole = drawn_lines(markdown(long_answer(40), Look()))
    assert whole[0].strip() == "First words of the answer."
    assert len(whole) > 300


def test_the_bound_follows_the_terminals_height() -> None:
    text = long_answer(100)
    small = drawn_lines(LiveMarkdown(text, Look(live=True)), height=12)
    tall = drawn_lines(LiveMarkdown(text, Look(live=True)), height=60)
    assert len(small) < len(tall) <= 2 * 60 + 10
    assert len(small) >= 12 - LIVE_CHROME


def test_a_code_block_cut_at_its_start_is_still_a_code_block() -> None:
    code = "".join(f"value_{i} = {i}\n" for i in range(400))
    text = f"Some code:\n\n```python\n{code}"
    tail, left_out = markdown_tail(text, 40, 100)
    assert tail.startswith("```python\n")
    assert left_out > 300
    lines = drawn_lines(markdown(text, Look(live=True)))
    assert "```" not in "\n".join(lines)  # drawn as code, not as text with its fences
    assert lines[-1].strip() == "value_399 = 399"


def test_one_long_line_is_drawn_from_a_word_near_its_end() -> None:
    text = " ".join(f"w{i}" for i in range(20000))
    tail, _ = markdown_tail(text, 20, 100)
    assert tail.startswith("w") and tail.endswith("w19999")
    assert len(tail) < 20 * 100 + 100


def test_a_short_answer_is_drawn_whole() -> None:
    text = "Hello.\n\n- one\n- two\n"
    assert markdown_tail(text, 60, 100) == (text, 0)
    lines = drawn_lines(markdown(text, Look(live=True)))
    assert "Hello." in lines[0] and "earlier" not in "\n".join(lines)


def test_drawn_block_by_block_it_reads_as_drawn_whole() -> None:
    # Blocks are drawn (and kept) one at a time while the answer grows: the live view must
    # look as the whole answer will, one blank line between blocks.
    text = long_answer(3)
    live = drawn_lines(LiveMarkdown(text, Look(live=True)), height=200)
    whole = drawn_lines(markdown(text, Look()), height=200)
    assert live == whole


def test_a_growing_text_is_made_safe_as_a_whole_text_would_be() -> None:
    from gradioshell.text import GROWING, _safe, safe

    base = "word " * (GROWING // 5 + 10)
    pieces = ["plain ", "\x1b[31", "mred\x1b[0m ", "bell\x07 ", "\u202eflip ", "end\x1b]8;;x"]
    text = base
    for piece in pieces:
        text += piece
        assert safe(text) == _safe(text)
    # An escape sequence begun in one update and ended in the next is still removed whole.
    assert "[31" not in safe(text) and "plain red" in safe(text)


def test_a_long_answer_is_drawn_whole_once_when_its_call_ends(
    streaming_url: str, monkeypatch
) -> None:
    import asyncio

    from gradioshell import renderers
    from gradioshell.prompt_output import InteractiveOutput
    from gradioshell.shell import Shell
    from tests.apps.streaming import answer_words

    whole = "".join(answer_words("tides", 600))
    drawn: list[str] = []
    original = renderers._markdown

    def recording(text: str, look: Look, style: str) -> object:
        drawn.append(text)
        return original(text, look, style)

    monkeypatch.setattr(renderers, "_markdown", recording)
    console = Console(
        file=io.StringIO(), width=100, height=30, force_terminal=True, color_system="truecolor"
    )

    async def call() -> None:
        shell = Shell(InteractiveOutput(console), interactive=True)
        try:
            assert await shell.run_line(f"connect {streaming_url}") == 0
            assert await shell.run_line("llm tides words=600") == 0
        finally:
            await shell.aclose()

    asyncio.run(call())
    # The live frames drew pieces of it; the end drew all of it once, for the scrollback.
    assert drawn.count(whole) == 1
    assert "THE END" in console.file.getvalue()
