"""Outputs that change a component instead of (or besides) giving it a value: gr.update(...),
a component returned as an update, layout blocks shown or selected, gr.skip()."""

from __future__ import annotations

from tests.corpus.model import app, call, case


@app(
    case("a button made interactive", call("/enable", "text=go", "go")),
    case("and made inactive again", call("/disable", "text=stop", "stop")),
)
def update_button():
    """A button made interactive (or not) by an event, beside a text."""
    import gradio as gr

    def enable(text):
        return gr.Button(interactive=True), f"ready: {text}"

    def disable(text):
        return gr.update(interactive=False), f"stopped: {text}"

    with gr.Blocks() as demo:
        text = gr.Textbox(label="text")
        status = gr.Textbox(label="status")
        send = gr.Button("Send", interactive=False)
        gr.Button("Enable").click(enable, text, [send, status], api_name="enable")
        gr.Button("Disable").click(disable, text, [send, status], api_name="disable")
    return demo


@app(
    case("a column shown", call("/show", "text=details", "details")),
    case("a row and an accordion, with a text between them", call("/reveal", "text=x", "x")),
)
def update_layout():
    """Layout blocks (a Column, a Row, an Accordion) shown by an event, beside texts."""
    import gradio as gr

    def show(text):
        return gr.Column(visible=True), f"showing {text}"

    def reveal(text):
        return gr.Row(visible=True), f"revealed {text}", gr.Accordion(open=True)

    with gr.Blocks() as demo:
        text = gr.Textbox(label="text")
        out = gr.Textbox(label="out")
        with gr.Column(visible=False) as column:
            gr.Markdown("details")
        with gr.Row(visible=False) as row:
            gr.Markdown("row")
        with gr.Accordion("More", open=False) as accordion:
            gr.Markdown("more")
        gr.Button("Show").click(show, text, [column, out], api_name="show")
        gr.Button("Reveal").click(reveal, text, [row, out, accordion], api_name="reveal")
    return demo


@app(
    case("a tab selected", call("/select", "which=second", "second")),
)
def update_tabs():
    """A tab selected by an event (gr.Tabs(selected=...)), beside a text."""
    import gradio as gr

    def select(which):
        return gr.Tabs(selected=which), f"selected {which}"

    with gr.Blocks() as demo:
        which = gr.Radio(["first", "second"], label="which")
        out = gr.Textbox(label="out")
        with gr.Tabs() as tabs:
            with gr.Tab("First", id="first"):
                gr.Markdown("one")
            with gr.Tab("Second", id="second"):
                gr.Markdown("two")
        gr.Button("Select").click(select, which, [tabs, out], api_name="select")
    return demo


@app(
    case("values and properties", call("/rewrite", "text=abc", "abc")),
    case("no change at all", call("/untouched", "text=abc", "abc")),
)
def update_textbox():
    """Textboxes updated with a value and properties (as a component or gr.update), or not."""
    import gradio as gr

    def rewrite(text):
        return (
            gr.Textbox(value=text.upper(), label="Upper-cased", visible=True),
            gr.update(value=text[::-1]),
            text * 2,
        )

    def untouched(text):
        return gr.update(), gr.update(), text

    with gr.Blocks() as demo:
        text = gr.Textbox(label="text")
        a = gr.Textbox(label="a")
        b = gr.Textbox(label="b")
        c = gr.Textbox(label="c")
        gr.Button("Rewrite").click(rewrite, text, [a, b, c], api_name="rewrite")
        gr.Button("Untouched").click(untouched, text, [a, b, c], api_name="untouched")
    return demo


@app(
    case("choices replaced", call("/species", "kind=Fish", "Fish")),
    case("a slider's range changed", call("/weigh", "animal=Shark", "Shark")),
)
def update_choices():
    """An event replacing a Dropdown's choices and value and showing a Column; a Slider's range."""
    import gradio as gr

    kinds = {"Mammal": ["Elephant", "Hamster"], "Fish": ["Shark", "Salmon"]}

    def species(kind):
        return gr.Dropdown(choices=kinds[kind], value=kinds[kind][1]), gr.Column(visible=True)

    def weigh(animal):
        return gr.Slider(maximum=100 if animal in ("Elephant", "Shark") else 20, value=10)

    with gr.Blocks() as demo:
        kind = gr.Radio(list(kinds), label="kind")
        animal = gr.Dropdown([a for group in kinds.values() for a in group], label="animal")
        with gr.Column(visible=False) as details:
            weight = gr.Slider(0, 20, label="weight")
        gr.Button("Species").click(species, kind, [animal, details], api_name="species")
        gr.Button("Weigh").click(weigh, animal, weight, api_name="weigh")
    return demo


@app(
    case("an image shown with its value", call("/show_image", "shade=100", 100)),
)
def update_image():
    """An Image updated with a file and made visible: a file inside an update."""
    import os
    import tempfile

    import gradio as gr
    from PIL import Image

    def show_image(shade):
        path = os.path.join(tempfile.gettempdir(), f"shade-{int(shade)}.png")
        Image.new("RGB", (4, 4), (int(shade), int(shade), 0)).save(path)
        return gr.Image(value=path, visible=True), f"shade {int(shade)}"

    with gr.Blocks() as demo:
        shade = gr.Number(label="shade", value=50, precision=0)
        image = gr.Image(label="image", visible=False)
        out = gr.Textbox(label="out")
        gr.Button("Show").click(show_image, shade, [image, out], api_name="show_image")
    return demo


@app(
    case(
        "the textbox emptied and disabled",
        call("/sent", "message=hello", {"text": "hello", "files": []}),
    ),
)
def update_multimodal():
    """A MultimodalTextbox cleared and disabled after sending, as chat apps do."""
    import gradio as gr

    def sent(message):
        return gr.MultimodalTextbox(value=None, interactive=False), f"sent {message['text']}"

    with gr.Blocks() as demo:
        box = gr.MultimodalTextbox(label="message")
        out = gr.Textbox(label="out")
        gr.Button("Send").click(sent, box, [box, out], api_name="sent")
    return demo


@app(
    case("gr.skip leaves an output as it was", call("/maybe", "text=abc", "abc")),
    releases=(5, 6),
)
def update_skip():
    """gr.skip() for one output, a value for the other."""
    import gradio as gr

    def maybe(text):
        return gr.skip(), text.upper()

    with gr.Blocks() as demo:
        text = gr.Textbox(label="text")
        kept = gr.Textbox(label="kept", value="unchanged")
        out = gr.Textbox(label="out")
        gr.Button("Maybe").click(maybe, text, [kept, out], api_name="maybe")
    return demo


@app(
    case("updates while generating", call("/busy", "steps=2", 2, stream=True)),
)
def update_streaming():
    """A generator that disables a button, reports, then enables it again."""
    import gradio as gr

    def busy(steps):
        yield gr.Button(interactive=False), "working"
        for i in range(int(steps)):
            yield gr.update(), f"step {i + 1}"
        yield gr.Button(interactive=True), "done"

    with gr.Blocks() as demo:
        steps = gr.Number(label="steps", value=2, precision=0)
        button = gr.Button("Busy")
        out = gr.Textbox(label="out")
        button.click(busy, steps, [button, out], api_name="busy")
    return demo


@app(
    case(
        "a State, a layout block and a value together",
        call("/everything", "text=a", "a"),
        call("/everything", "text=b", "b"),
    ),
    releases=(3, 4, 5, 6),
)
def update_with_state():
    """Outputs mixing a State, a Column and a text: only the text is the API's output."""
    import gradio as gr

    def everything(text, seen):
        seen = [*seen, text]
        return seen, gr.update(visible=len(seen) > 1), "+".join(seen)

    with gr.Blocks() as demo:
        seen = gr.State([])
        text = gr.Textbox(label="text")
        with gr.Column(visible=False) as more:
            gr.Markdown("more than one")
        out = gr.Textbox(label="out")
        gr.Button("Go").click(everything, [text, seen], [seen, more, out], api_name="everything")
    return demo
