"""Each output drawn by its component, on a real app (``tests/apps/outputs.py``): at the
prompt in a pseudo-terminal, and as readable text in a script. ``--json`` keeps the app's
values as they came."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from tests.conftest import APPS, RunningApp, start_app

# Escape sequences a terminal program writes between and inside words.
ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07]*\x07|\r")


@pytest.fixture(scope="module")
def outputs_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    app: RunningApp = start_app(
        [str(APPS / "outputs.py")], tmp_path_factory.mktemp("outputs") / "log"
    )
    yield app.url
    app.stop()


def screen(child: pexpect.spawn, line: str, *, keep_escapes: bool = False) -> str:
    """What the shell drew for ``line``, up to the next prompt (escapes removed unless kept)."""
    child.sendline(line)
    child.expect_exact("done in")
    child.expect_exact("app1>")
    drawn = child.before
    return drawn if keep_escapes else ESCAPES.sub("", drawn)


def prompt(spawn_shell, url: str, **kwargs) -> pexpect.spawn:  # type: ignore[no-untyped-def]
    child = spawn_shell(url, **kwargs)
    child.expect_exact("app1>")
    return child


def script(run_shell, url: str, line: str) -> str:  # type: ignore[no-untyped-def]
    done = run_shell("-c", f"connect {url}; {line}")
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_markdown_is_rendered_at_the_prompt(spawn_shell, outputs_url: str) -> None:
    child = prompt(spawn_shell, outputs_url)
    shown = screen(child, "markdown x")
    assert "Some bold words, some italic ones" in shown
    assert "link (https://example.com)" in shown
    assert "• first point" in shown
    assert 'return f"hello {name}"' in shown
    assert "**" not in shown and "```" not in shown and "# Release" not in shown
    assert "Signed, the team" in shown and "<p" not in shown  # a line of HTML, as its text
    # A Textbox's text is Markdown only when it clearly is.
    shown = screen(child, "text_markdown x")
    assert "The answer is yes." in shown and "**" not in shown and "```" not in shown
    shown = screen(child, "text_plain x")
    assert "2 * 3 = 6, and *that* is all" in shown


def test_markdown_code_blocks_are_highlighted(spawn_shell, outputs_url: str) -> None:
    child = prompt(spawn_shell, outputs_url, env={"NO_COLOR": "", "COLORTERM": "truecolor"})
    shown = screen(child, "markdown x", keep_escapes=True)
    # The keyword and the function's name are coloured apart.
    keyword = re.search(r"\x1b\[([0-9;]*)mdef\x1b", shown)
    name = re.search(r"\x1b\[([0-9;]*)mgreet\x1b", shown)
    assert keyword and name and keyword.group(1) != name.group(1), shown


def test_markdown_in_a_script_is_its_text(run_shell, outputs_url: str) -> None:
    out = script(run_shell, outputs_url, "markdown x; text_plain x")
    assert "Some **bold words**" in out and "```python" in out
    assert "2 * 3 = 6, and *that* is all" in out


def test_json_output_keeps_the_values_as_they_came(run_shell, outputs_url: str) -> None:
    done = run_shell("--json", "-c", f"connect {outputs_url}; label x; markdown x")
    records = map(json.loads, done.stdout.splitlines())
    data = [r["data"] for r in records if r["event"] == "complete"]
    assert data[0] == [
        {
            "label": "cat",
            "confidences": [
                {"label": "cat", "confidence": 0.93},
                {"label": "dog", "confidence": 0.05},
                {"label": "bird", "confidence": 0.02},
            ],
        }
    ]
    assert data[1][0].startswith("# Release notes\n\nSome **bold words**")


def test_chatbot_is_a_transcript_at_the_prompt(spawn_shell, outputs_url: str) -> None:
    child = prompt(spawn_shell, outputs_url)
    shown = screen(child, "/chat x")
    lines = [line.strip(" │") for line in shown.splitlines()]
    assert lines.index("user") < lines.index("What is 2+2?")
    assert "assistant · Thinking (done)" in lines
    assert "Adding two and two." in lines
    assert "It is 4." in lines and "print(2 + 2)" in lines
    assert re.search(r"downloads/\S+/sum\.png", shown.replace("│\n│", "")) or "sum.png" in shown
    assert "**" not in shown and '"role"' not in shown and "```" not in shown


def test_chatbot_thinking_messages_are_dimmed(spawn_shell, outputs_url: str) -> None:
    child = prompt(spawn_shell, outputs_url, env={"NO_COLOR": "", "COLORTERM": "truecolor"})
    shown = screen(child, "/chat x", keep_escapes=True)
    thought = re.search(r"\x1b\[([0-9;]*)mAdding two and two\.", shown)
    answer = re.search(r"\x1b\[([0-9;]*)mA green square\.", shown)
    assert thought and "2" in thought.group(1).split(";"), shown  # SGR 2: dim
    assert answer is None or "2" not in answer.group(1).split(";")


def test_chatbot_in_a_script_is_a_transcript(run_shell, outputs_url: str) -> None:
    out = script(run_shell, outputs_url, "/chat x")
    lines = out.splitlines()
    assert lines[0] == "user: What is **2+2**?"
    assert lines[1] == "assistant [Thinking]: Adding two and two."
    assert lines[2:6] == ["assistant:", "  It is **4**.", "", "  ```python"]
    assert re.fullmatch(r"user: /\S+/downloads/\S+/sum\.png", lines[-2]), lines
    assert lines[-1] == "assistant: A green square."


def test_dataframe_elides_its_middle_rows(spawn_shell, outputs_url: str) -> None:
    child = prompt(spawn_shell, outputs_url)
    shown = screen(child, "tall x")
    assert re.search(r"id\s+name\s+score", shown)
    assert re.search(r"5\s+name 5\s+7\.5", shown) and re.search(r"30\s+name 30\s+45\.0", shown)
    assert "name 6 " not in shown and "name 27" not in shown
    assert "30 rows, 22 hidden" in shown


def test_a_wide_dataframe_fits_a_narrow_terminal(spawn_shell, outputs_url: str) -> None:
    narrow = {"COLUMNS": "50", "LINES": "30"}
    child = prompt(spawn_shell, outputs_url, dimensions=(30, 50), env=narrow)
    shown = screen(child, "wide x")
    assert re.search(r"c0\s+c1\s+c2", shown) and "c49" not in shown
    assert re.search(r"50 columns, \d+ hidden", shown)
    table = [line for line in shown.splitlines() if "│" in line]
    assert table and all(len(line) <= 50 for line in table), table


def test_dataframe_in_a_script_is_a_plain_table(run_shell, outputs_url: str) -> None:
    lines = script(run_shell, outputs_url, "tall x").splitlines()
    assert re.fullmatch(r"\s*id\s+name\s+score", lines[0])
    assert len(lines) == 31
    assert re.fullmatch(r"\s*30\s+name 30\s+45\.0", lines[-1])
    assert "{" not in "".join(lines)


def test_label_highlighted_text_and_json_at_the_prompt(spawn_shell, outputs_url: str) -> None:
    child = prompt(spawn_shell, outputs_url)
    shown = screen(child, "label x")
    assert re.search(r"cat\s+█+░*\s+93%", shown) and re.search(r"bird\s+░+\s+2%", shown)
    assert "confidence" not in shown
    shown = screen(child, "highlighted x")
    assert "The cat ANIMAL sat in Paris PLACE." in shown
    shown = screen(child, "nested x")
    assert '"three": {…} 1 key' in shown and '"four"' not in shown


def test_labels_code_and_colours_in_colour(spawn_shell, outputs_url: str) -> None:
    child = prompt(spawn_shell, outputs_url, env={"NO_COLOR": "", "COLORTERM": "truecolor"})
    shown = screen(child, "highlighted x", keep_escapes=True)
    animal = re.search(r"\x1b\[([0-9;]*)mcat\x1b", shown)
    place = re.search(r"\x1b\[([0-9;]*)mParis\x1b", shown)
    assert animal and place and animal.group(1) != place.group(1), shown
    shown = screen(child, "/code x", keep_escapes=True)
    keyword = re.search(r"\x1b\[([0-9;]*)mdef\x1b", shown)
    name = re.search(r"\x1b\[([0-9;]*)marea\x1b", shown)
    assert keyword and name and keyword.group(1) != name.group(1), shown
    shown = screen(child, "colour x", keep_escapes=True)
    assert re.search(r"\x1b\[[0-9;]*48;2;255;136;0m {4}", shown), shown  # the swatch
    assert "#ff8800" in shown


def test_label_and_highlighted_text_in_a_script(run_shell, outputs_url: str) -> None:
    out = script(run_shell, outputs_url, "label x; highlighted x; colour x; /code x")
    assert out.splitlines()[:3] == ["cat: 0.93", "dog: 0.05", "bird: 0.02"]
    assert "The [cat: ANIMAL] sat in [Paris: PLACE].\n#ff8800\ndef area(r):\n" in out
    assert "\x1b" not in out


@pytest.fixture(scope="module")
def older_chat_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``apps/older_chat.py`` on Gradio 5, the last release with tuples Chatbots."""
    from tests.gradio_versions import python_for

    python = python_for("5.50.0")
    app = start_app(
        [str(APPS / "older_chat.py")],
        tmp_path_factory.mktemp("older_chat") / "log",
        python=str(python),
        timeout=240,
    )
    yield app.url
    app.stop()


@pytest.mark.slow
@pytest.mark.timeout(900)  # the first use builds the Gradio 5 environment
def test_older_chatbot_formats(spawn_shell, run_shell, older_chat_url: str) -> None:
    child = prompt(spawn_shell, older_chat_url)
    shown = screen(child, "pairs x")
    lines = [line.strip(" │") for line in shown.splitlines()]
    assert lines.index("user") < lines.index("Hi there") < lines.index("assistant")
    assert "Hello! How can I help?" in lines and "note.txt" in shown
    shown = screen(child, "messages x")
    assert "assistant · Tool: calculator" in shown and "It is 42." in shown
    out = script(run_shell, older_chat_url, "pairs x; messages x").splitlines()
    assert out[:2] == ["user: Hi **there**", "assistant: Hello! How can I help?"]
    assert re.fullmatch(r"user: /\S+/note\.txt", out[2])
    assert out[4:] == [
        "user: What is 6 x 7?",
        "assistant [Tool: calculator]: Multiplying.",
        "assistant: It is **42**.",
    ]


HOSTILE_ENDPOINTS = ["hostile_markdown", "hostile_table", "hostile_chat", "hostile_label"]


def test_nothing_an_app_sends_drives_the_terminal(spawn_shell, outputs_url: str) -> None:
    child = prompt(spawn_shell, outputs_url, env={"NO_COLOR": "", "COLORTERM": "truecolor"})
    for endpoint in HOSTILE_ENDPOINTS:
        shown = screen(child, f"{endpoint} x", keep_escapes=True)
        assert "\x1b[2J" not in shown and "\x1b]0;owned" not in shown and "\u202e" not in shown
        if endpoint in ("hostile_markdown", "hostile_chat"):  # the others cut long names
            assert "\\u202eevil" in shown, endpoint  # shown as an escape, not obeyed
        assert "[bold red]markup[/]" in ESCAPES.sub("", shown).replace("│\r\n│", ""), endpoint
        if endpoint == "hostile_table":
            assert "[b][bold red]markup" in ESCAPES.sub("", shown)  # a header, as it is


def test_nothing_an_app_sends_reaches_a_script_raw(run_shell, outputs_url: str) -> None:
    out = script(run_shell, outputs_url, "; ".join(f"{e} x" for e in HOSTILE_ENDPOINTS))
    assert "\x1b" not in out and "\u202e" not in out and "\x07" not in out
    assert out.count("[bold red]markup[/] \\u202eevil") >= 7


def test_a_long_streamed_answer_draws_its_end_then_all_of_it(spawn_shell, outputs_url) -> None:
    child = prompt(spawn_shell, outputs_url)
    child.sendline("stream x")
    # While it streams, the panel draws the end of the answer and says what it left out.
    child.expect(r"… \d+ earlier lines")
    child.expect(r"done in [^\n]*\n")
    child.expect_exact("app1>")
    # Once done, the whole answer, rendered, below the last frame of the live view (whose
    # status line may already say "done in").
    final = ESCAPES.sub("", child.before).rsplit("earlier lines", 1)[-1]
    assert "Part 0" in final and "Part 39" in final and "print(39)" in final
    assert "**" not in final


def test_a_gallery_is_a_grid_of_thumbnails(spawn_shell, outputs_url: str) -> None:
    child = prompt(spawn_shell, outputs_url, env={"NO_COLOR": "", "COLORTERM": "truecolor"})
    shown = ESCAPES.sub("", screen(child, "gallery x", keep_escapes=True))
    assert re.search(r"red\.png\s+a red one", shown) and re.search(r"blue\.png\s+a blue one", shown)
    # Side by side: two thumbnails on one line, their captions under them on one line.
    assert re.search(r"▀{16} ▀{16}", shown), shown
    assert re.search(r"a red one\s+a blue one\s+│", shown), shown


def test_annotated_image_and_image_slider(spawn_shell, run_shell, outputs_url: str) -> None:
    child = prompt(spawn_shell, outputs_url, env={"NO_COLOR": "", "COLORTERM": "truecolor"})
    shown = screen(child, "annotated x", keep_escapes=True)
    car = re.search(r"\x1b\[([0-9;]*)mcar\x1b", shown)
    tree = re.search(r"\x1b\[([0-9;]*)mtree\x1b", shown)
    assert car and tree and car.group(1) != tree.group(1), shown
    text = ESCAPES.sub("", shown)
    assert "street.png" in text and "labels: car, tree" in text and "annotations" not in text
    # The two images of a slider side by side, to compare.
    shown = ESCAPES.sub("", screen(child, "slider x", keep_escapes=True))
    assert "before.png" in shown and "after.png" in shown
    assert re.search(r"▀{16} ▀{16}", shown), shown
    out = script(run_shell, outputs_url, "annotated x").splitlines()
    assert out[0].endswith("/street.png") and out[1] == "labels: car, tree"


def test_a_chat_interface_reply_is_rendered(spawn_shell, run_shell, outputs_url: str) -> None:
    child = prompt(spawn_shell, outputs_url)
    shown = screen(child, "answer hello")
    assert "You said hello." in shown and "print('hello')" in shown
    assert "**" not in shown and "```" not in shown
    out = script(run_shell, outputs_url, "answer hello")
    assert out.startswith("You said **hello**.\n\n```python\n")
    # The reply is Markdown, however little of it there is: the app's page shows it so.
    shown = screen(child, "answer title")
    assert "Tides" in shown and "The sea rises twice a day." in shown and "##" not in shown
    shown = screen(child, "answer message")
    assert "assistant" in shown and "A short note." in shown and '"role"' not in shown


def test_audio_and_video_with_their_facts(spawn_shell, outputs_url: str) -> None:
    child = prompt(spawn_shell, outputs_url)
    shown = screen(child, "sound x").replace("│\n│", "")
    assert re.search(r"tone\.wav\s+WAV audio, 0\.5 s, 8 kHz, 7\.9 KB", shown), shown
    shown = screen(child, "clip x")
    assert re.search(r"clip\.mp4\s+MP4 video, 2\.5 s, 140 bytes", shown), shown


COLOUR = {"NO_COLOR": "", "COLORTERM": "truecolor"}
PNG = "iVBORw0KGgo"  # the start of a PNG file, in base64


def test_images_in_the_terminals_own_protocol(spawn_shell, outputs_url: str) -> None:
    # iTerm2 and WezTerm say who they are; their inline images are used.
    child = prompt(spawn_shell, outputs_url, env={**COLOUR, "TERM_PROGRAM": "iTerm.app"})
    shown = screen(child, "gallery x", keep_escapes=True)
    assert re.search(r"\x1b\]1337;File=inline=1;size=\d+;width=16;height=\d+;[^:]*:" + PNG, shown)
    assert "▀" not in shown
    # kitty, its graphics protocol: the PNG sent with the cells it covers.
    child = prompt(spawn_shell, outputs_url, env={**COLOUR, "KITTY_WINDOW_ID": "1"})
    shown = screen(child, "/chat x", keep_escapes=True)
    assert re.search(r"\x1b_Ga=T,f=100,t=d,i=\d+,c=\d+,r=\d+,C=1,q=2,m=0;" + PNG, shown)
    assert "▀" not in shown
    # Elsewhere, and inside tmux, half-blocks.
    child = prompt(spawn_shell, outputs_url, env={**COLOUR, "KITTY_WINDOW_ID": "1", "TMUX": "x"})
    shown = screen(child, "gallery x", keep_escapes=True)
    assert "▀" in shown and "\x1b_G" not in shown


def test_the_config_chooses_how_images_are_drawn(
    spawn_shell, shell_env: dict[str, str], outputs_url: str
) -> None:
    from pathlib import Path

    config = Path(shell_env["XDG_CONFIG_HOME"]) / "gradioshell" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text('[ui]\nimages = "sixel"\n')
    child = prompt(spawn_shell, outputs_url, env=COLOUR)
    shown = screen(child, "gallery x", keep_escapes=True)
    # Sixel: the image's colours, then its bands of six pixel rows.
    assert re.search(r'\x1bP0;1;0q"1;1;\d+;\d+#\d+;2;100;0;0', shown), shown[:2000]
    assert "▀" not in shown
    config.write_text('[ui]\nimages = "blocks"\n')
    child = prompt(spawn_shell, outputs_url, env={**COLOUR, "TERM_PROGRAM": "iTerm.app"})
    shown = screen(child, "gallery x", keep_escapes=True)
    assert "▀" in shown and "1337;File" not in shown


def test_a_plot_is_its_image_or_a_page_drawing_it(spawn_shell, run_shell, outputs_url) -> None:
    child = prompt(spawn_shell, outputs_url, env=COLOUR)
    shown = ESCAPES.sub("", screen(child, "plot x", keep_escapes=True))
    assert "/.cache/gradioshell/plots/plot-" in shown and ".png  matplotlib plot" in shown
    assert "▀" * 32 in shown and "base64" not in shown  # drawn, not written out
    shown = screen(child, "chart x")
    assert "plotly chart  a page that draws it, to open in a browser:" in shown
    assert '"data"' not in shown
    # In a script, each is the path of its file: what a script opens or passes on.
    image = script(run_shell, outputs_url, "plot x").strip()
    assert image.endswith(".png") and Path(image).read_bytes()[:4] == b"\x89PNG"
    page = script(run_shell, outputs_url, "chart x").strip()
    assert page.endswith(".html") and page in re.sub(r"[\s│]", "", shown)
    drawn = Path(page).read_text(encoding="utf-8")
    assert "cdn.plot.ly" in drawn and '{"type": "bar", "x": ["a", "b"], "y": [1, 2]}' in drawn


def test_jobs_and_results_summarise_outputs_by_component(spawn_shell, outputs_url) -> None:
    child = prompt(spawn_shell, outputs_url)
    child.sendline("label x &")
    child.expect(r"/label done in [0-9.]+s: cat \(93%\)")
    child.expect_exact("app1>")
    screen(child, "tall x")
    screen(child, "/chat x")
    child.sendline("results")
    child.expect_exact("Results")
    child.expect_exact("app1>")
    shown = ESCAPES.sub("", child.before)
    assert "cat (93%)" in shown and "30 rows × 3" in shown and "5 messages" in shown, shown
    assert "confidences" not in shown


def test_images_of_updates_are_saved_to_be_shown(run_shell, outputs_url: str) -> None:
    lines = script(run_shell, outputs_url, "frames x").splitlines()
    # Each step's picture, saved as it came (a path to show, not a URL); the last one too.
    assert [line.rsplit("/", 1)[-1] for line in lines] == ["step1.png", "step2.png", "step3.png"]
    assert all("/downloads/" in line and "://" not in line for line in lines), lines


def test_the_terminal_is_asked_which_images_it_shows(spawn_shell, outputs_url: str) -> None:
    # A terminal that names itself nowhere is asked; this one answers as kitty does.
    child = spawn_shell(outputs_url, env=COLOUR)
    child.expect_exact("\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\\x1b[c")
    child.send("\x1b_Gi=31;OK\x1b\\\x1b[?62;22c")
    child.expect_exact("app1>")
    shown = screen(child, "gallery x", keep_escapes=True)
    assert "\x1b_Ga=T,f=100" in shown and "▀" not in shown
    # One that has sixel says so among its attributes.
    child = spawn_shell(outputs_url, env=COLOUR)
    child.expect_exact("\x1b[c")
    child.send("\x1b[?62;4;22c")
    child.expect_exact("app1>")
    shown = screen(child, "gallery x", keep_escapes=True)
    assert "\x1bP0;1;0q" in shown and "▀" not in shown
    # One that does not answer gets half-blocks, and the prompt all the same.
    child = spawn_shell(outputs_url, env=COLOUR)
    child.expect_exact("\x1b[c")
    child.expect_exact("app1>")
    shown = screen(child, "gallery x", keep_escapes=True)
    assert "▀" in shown and "\x1b_Ga=T" not in shown and "\x1bP0;1;0q" not in shown


def test_a_charts_page_cannot_be_broken_out_of(tmp_path, monkeypatch) -> None:
    """What an app puts in a chart stays data on its page: it cannot close the script."""
    import json

    from gradioshell.plots import plot_file

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    hostile = "</script><script>alert(1)</script>"
    spec = {"data": [{"type": "bar", "name": hostile}], "layout": {"title": hostile}}
    page = Path(plot_file({"type": "plotly", "plot": json.dumps(spec)})).read_text()
    assert hostile not in page and page.count("</script>") == 2
    assert "\\u003c/script\\u003e" in page
    altair = plot_file({"type": "altair", "plot": json.dumps({"mark": "bar"})})
    assert "vegaEmbed" in Path(altair).read_text()
    bokeh = {"doc": {"version": "3.4.1", "roots": []}, "root_id": "x", "target_id": None}
    page = Path(plot_file({"type": "bokeh", "plot": json.dumps(bokeh)})).read_text()
    assert "bokeh-3.4.1.min.js" in page
    # A version that is not one, an unknown library, or what is not JSON: no page.
    bokeh["doc"]["version"] = '3"><script>'
    assert plot_file({"type": "bokeh", "plot": json.dumps(bokeh)}) is None
    assert plot_file({"type": "mystery", "plot": "{}"}) is None
    assert plot_file({"type": "plotly", "plot": "not json"}) is None
