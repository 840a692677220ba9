"""Choosing among choices: CheckboxGroup, Radio, Dropdown (single and multiple)."""

from __future__ import annotations

from tests.corpus.model import app, call, case


@app(
    case("comma list", call("/pick", "fruits=apple,cherry", ["apple", "cherry"])),
    case("json list", call("/pick", "fruits='[\"banana\"]'", ["banana"])),
    case("nothing chosen", call("/pick", "fruits='[]'", [])),
    case("one", call("/pick", "fruits=cherry", ["cherry"])),
)
def checkboxgroup():
    """CheckboxGroup in; the choice as text and the other boxes as a CheckboxGroup out."""
    import gradio as gr

    every_fruit = ["apple", "banana", "cherry"]

    def pick(fruits):
        return ", ".join(fruits) or "(none)", [f for f in every_fruit if f not in fruits]

    with gr.Blocks() as demo:
        box = gr.CheckboxGroup(every_fruit, label="Fruits")
        text = gr.Textbox(label="Chosen")
        rest = gr.CheckboxGroup(every_fruit, label="Not chosen")
        gr.Button("Pick").click(pick, box, [text, rest], api_name="pick")
    return demo


@app(
    case("values", call("/total", "numbers=1,3", [1, 3])),
    case("by index", call("/positions", "letters=Alpha,Gamma", ["Alpha", "Gamma"])),
)
def checkboxgroup_values():
    """Choices shown with a label and sent as a value; a group that hands indices over."""
    import gradio as gr

    def total(numbers):
        return sum(numbers)

    def positions(letters):
        return str(letters)

    with gr.Blocks() as demo:
        numbers = gr.CheckboxGroup([("One", 1), ("Two", 2), ("Three", 3)], label="Numbers")
        out = gr.Number(label="Total")
        gr.Button("Total").click(total, numbers, out, api_name="total")
        letters = gr.CheckboxGroup(["Alpha", "Beta", "Gamma"], type="index", label="Letters")
        text = gr.Textbox(label="Positions")
        gr.Button("Positions").click(positions, letters, text, api_name="positions")
    return demo


@app(
    case("choice", call("/describe", "animal=cat", "cat")),
    case("other choice", call("/describe", "animal=bird", "bird")),
    case("no choice", call("/describe", "animal=$null", None)),
    case("by index", call("/index_of", "size=large", "large")),
)
def radio():
    """Radio in (by value and by index), text out; no choice at all is None."""
    import gradio as gr

    def describe(animal):
        return "nothing chosen" if animal is None else f"a {animal}"

    def index_of(size):
        return f"index {size}"

    with gr.Blocks() as demo:
        animal = gr.Radio(["cat", "dog", "bird"], label="Animal")
        out = gr.Textbox(label="Description")
        gr.Button("Describe").click(describe, animal, out, api_name="describe")
        size = gr.Radio(["small", "medium", "large"], type="index", label="Size")
        gr.Button("Index").click(index_of, size, out, api_name="index_of")
    return demo


@app(
    case("choice", call("/choose", "model=base", "base")),
    case("custom value", call("/choose_custom", 'name="my model"', "my model")),
    case("label and value", call("/choose_value", "quality=2", 2)),
    case("no choice", call("/choose", "model=$null", None)),
)
def dropdown():
    """A Dropdown of one choice: plain, with custom values, with labels distinct from values."""
    import gradio as gr

    def choose(model):
        return f"model: {model}"

    def choose_custom(name):
        return f"custom: {name}"

    def choose_value(quality):
        return f"quality: {quality!r}"

    with gr.Blocks() as demo:
        model = gr.Dropdown(["base", "large", "huge"], label="Model")
        custom = gr.Dropdown(["base", "large"], allow_custom_value=True, label="Any model")
        quality = gr.Dropdown([("Low", 1), ("High", 2)], label="Quality")
        out = gr.Textbox(label="Chosen")
        gr.Button("Choose").click(choose, model, out, api_name="choose")
        gr.Button("Custom").click(choose_custom, custom, out, api_name="choose_custom")
        gr.Button("Value").click(choose_value, quality, out, api_name="choose_value")
    return demo


@app(
    case("comma list", call("/tag", "tags=red,blue", ["red", "blue"])),
    case("json list", call("/tag", 'tags=\'["green", "red"]\'', ["green", "red"])),
    case("one", call("/tag", "tags=blue", ["blue"])),
    case("none", call("/tag", "tags='[]'", [])),
)
def dropdown_multiselect():
    """A multiselect Dropdown in; the sorted choice out, as a multiselect Dropdown and text."""
    import gradio as gr

    colours = ["red", "green", "blue"]

    def tag(tags):
        chosen = sorted(tags or [])
        return chosen, f"{len(chosen)} tags: {' '.join(chosen)}"

    with gr.Blocks() as demo:
        tags = gr.Dropdown(colours, multiselect=True, label="Tags")
        out = gr.Dropdown(colours, multiselect=True, label="Sorted")
        text = gr.Textbox(label="Summary")
        gr.Button("Tag").click(tag, tags, [out, text], api_name="tag")
    return demo
