"""Text, numbers and flags: the plain components every app has, in and out."""

from __future__ import annotations

from tests.corpus.model import app, call, case


@app(
    case("word", call("/echo", "text=hello", "hello")),
    case("spaces and quotes", call("/echo", "text='say \"hi\" twice'", 'say "hi" twice')),
    case("unicode", call("/echo", "text=héllo→ñ", "héllo→ñ")),
    case("empty", call("/echo", 'text=""', "")),
    case("looks like a number", call("/echo", "text=42", "42")),
    case("looks like json", call("/echo", "text='[1, 2]'", "[1, 2]")),
    case("two outputs", call("/stats", "text=abc", "abc")),
)
def textbox():
    """One textbox in and out, and a second endpoint with a text and a number out."""
    import gradio as gr

    def echo(text):
        return f"echo: {text}"

    def stats(text):
        return text.upper(), len(text)

    with gr.Blocks() as demo:
        text = gr.Textbox(label="Your text")
        out = gr.Textbox(label="Echoed")
        length = gr.Number(label="Length", precision=0)
        gr.Button("Echo").click(echo, text, out, api_name="echo")
        gr.Button("Stats").click(stats, text, [out, length], api_name="stats")
    return demo


@app(
    case("integers", call("/scale", "n=3 factor=2", 3, 2)),
    case("floats", call("/scale", "n=2.5 factor=0.5", 2.5, 0.5)),
    case("negative", call("/scale", "n=-4 factor=1", -4, 1)),
    case("int precision", call("/round_to", "value=2.7182 digits=2", 2.7182, 2)),
)
def numbers():
    """Number and Slider in, Number out; a Number of precision 0 takes an integer."""
    import gradio as gr

    def scale(n, factor):
        return n * factor

    def round_to(value, digits):
        return round(value, int(digits))

    with gr.Blocks() as demo:
        n = gr.Number(label="n", value=1)
        factor = gr.Slider(0, 10, value=1, step=0.5, label="factor")
        out = gr.Number(label="scaled")
        gr.Button("Scale").click(scale, [n, factor], out, api_name="scale")
        value = gr.Number(label="value")
        digits = gr.Number(label="digits", precision=0, value=1)
        gr.Button("Round").click(round_to, [value, digits], out, api_name="round_to")
    return demo


@app(
    case("true", call("/toggle", "flag=true", True)),
    case("false", call("/toggle", "flag=false", False)),
)
def checkbox():
    """A checkbox in; the flipped checkbox and a word out."""
    import gradio as gr

    def toggle(flag):
        return (not flag), ("on" if flag else "off")

    with gr.Blocks() as demo:
        flag = gr.Checkbox(label="Flag")
        flipped = gr.Checkbox(label="Flipped")
        word = gr.Textbox(label="Word")
        gr.Button("Toggle").click(toggle, flag, [flipped, word], api_name="toggle")
    return demo


@app(
    case("red", call("/invert", 'color="#ff0000"', "#ff0000")),
    case("mixed", call("/invert", 'color="#123abc"', "#123abc")),
)
def colorpicker():
    """A colour in, its inverse as a colour and as text out."""
    import gradio as gr

    def invert(color):
        value = int(color.lstrip("#")[:6], 16)
        inverted = f"#{0xFFFFFF - value:06x}"
        return inverted, f"{color} -> {inverted}"

    with gr.Blocks() as demo:
        color = gr.ColorPicker(label="Color", value="#000000")
        out = gr.ColorPicker(label="Inverted")
        text = gr.Textbox(label="As text")
        gr.Button("Invert").click(invert, color, [out, text], api_name="invert")
    return demo


@app(
    case("one line", call("/lines", 'code="x = 1"', "x = 1")),
    case(
        "several lines", call("/lines", "code='def f():\n    return 1'", "def f():\n    return 1")
    ),
)
def code():
    """Code in (Python), a commented copy as code and the line count out."""
    import gradio as gr

    def lines(code):
        count = len(code.splitlines())
        return f"# {count} lines\n{code}", count

    with gr.Blocks() as demo:
        source = gr.Code(language="python", label="Code")
        out = gr.Code(language="python", label="Annotated")
        count = gr.Number(label="Lines")
        gr.Button("Count").click(lines, source, [out, count], api_name="lines")
    return demo


@app(
    case("markdown and html", call("/render", "title=Hello", "Hello")),
    case("markup chars", call("/render", "title='<b> & *x*'", "<b> & *x*")),
)
def markup():
    """Text in; Markdown and HTML out."""
    import html

    import gradio as gr

    def render(title):
        return f"# {title}\n\n*emphasis*", f"<h1>{html.escape(title)}</h1>"

    with gr.Blocks() as demo:
        title = gr.Textbox(label="Title")
        md = gr.Markdown()
        page = gr.HTML()
        gr.Button("Render").click(render, title, [md, page], api_name="render")
    return demo


@app(
    case("all defaults", call("/greet", "")),
    case("one given", call("/greet", "name=Ada", "Ada")),
    case("by name", call("/greet", "times=2 name=Bob", kwargs={"name": "Bob", "times": 2})),
)
def defaults():
    """Parameters with defaults, left out or given by name."""
    import gradio as gr

    def greet(name, greeting, times):
        return " ".join([f"{greeting}, {name}!"] * int(times))

    with gr.Blocks() as demo:
        name = gr.Textbox(label="Name", value="World")
        greeting = gr.Dropdown(["Hello", "Hi"], value="Hello", label="Greeting")
        times = gr.Number(label="Times", value=1, precision=0)
        out = gr.Textbox(label="Greeting")
        gr.Button("Greet").click(greet, [name, greeting, times], out, api_name="greet")
    return demo


@app(
    case("labels differ", call("/join", "first=a second=b", "a", "b")),
    case("hidden input", call("/secret", "visible=x hidden=y", "x", "y")),
)
def labels():
    """Labels unlike the function's parameter names, and an input the page hides."""
    import gradio as gr

    def join(first, second):
        return f"{first}+{second}"

    def secret(visible, hidden):
        return f"{visible}/{hidden}"

    with gr.Blocks() as demo:
        a = gr.Textbox(label="The first word, please")
        b = gr.Textbox(label="2nd")
        out = gr.Textbox(label="Joined")
        gr.Button("Join").click(join, [a, b], out, api_name="join")
        hidden = gr.Textbox(value="default", visible=False)
        gr.Button("Secret").click(secret, [a, hidden], out, api_name="secret")
    return demo
