"""A Gradio app with one endpoint per input component, each answering what it received.

Every endpoint takes one component and returns a JSON description of the value its
function got (after the component's own preprocessing), so a test can check that what it
typed arrived as the app expects it: a file's bytes, an editor's background, a message's
files, a table's rows. A State counter and a chat endpoint with history complete it.
"""

from __future__ import annotations

import argparse
import hashlib
import os

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")

import gradio as gr


def describe(value):  # type: ignore[no-untyped-def]
    """A JSON-friendly account of a value: files by name and digest, tables by rows."""
    if value is None:
        return None
    if isinstance(value, str) and os.path.isfile(value):
        with open(value, "rb") as handle:
            digest = hashlib.sha256(handle.read()).hexdigest()[:16]
        return {"file": os.path.basename(value), "sha": digest}
    if isinstance(value, dict):
        return {str(k): describe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [describe(v) for v in value]
    if hasattr(value, "to_dict") and hasattr(value, "columns"):  # a pandas DataFrame
        return {"columns": [str(c) for c in value.columns], "rows": value.values.tolist()}
    if hasattr(value, "size") and hasattr(value, "mode"):  # a PIL image
        return {"image": list(value.size)}
    if hasattr(value, "shape"):  # a numpy array
        return {"array": list(value.shape)}
    if isinstance(value, (int, float, bool, str)):
        return value
    return repr(value)


def received_value(value):  # type: ignore[no-untyped-def]
    """What the function got, wrapped so that the JSON output takes any value."""
    return {"value": describe(value)}


def build() -> gr.Blocks:
    inputs = {
        "textbox": gr.Textbox(label="text"),
        "number": gr.Number(label="n"),
        "slider": gr.Slider(0, 10, step=1, label="level"),
        "checkbox": gr.Checkbox(label="flag"),
        "checkboxgroup": gr.CheckboxGroup(["a", "b", "c"], label="tags"),
        "radio": gr.Radio(["cat", "dog"], label="pet"),
        "dropdown": gr.Dropdown(["cat", "dog", "bird"], label="animal"),
        "multiselect": gr.Dropdown(["cat", "dog", "bird"], multiselect=True, label="animals"),
        "colorpicker": gr.ColorPicker(label="color"),
        "datetime": gr.DateTime(label="when"),
        "json": gr.JSON(label="data"),
        "code": gr.Code(language="python", label="source"),
        "chatbot": gr.Chatbot(label="history"),
        "multimodal": gr.MultimodalTextbox(label="message"),
        "image": gr.Image(type="filepath", label="picture"),
        "audio": gr.Audio(type="filepath", label="sound"),
        "video": gr.Video(label="clip"),
        "file": gr.File(label="document"),
        "files": gr.File(file_count="multiple", label="documents"),
        "gallery": gr.Gallery(label="pictures"),
        "model3d": gr.Model3D(label="mesh"),
        "dataframe": gr.Dataframe(label="table"),
        "imageeditor": gr.ImageEditor(type="filepath", label="canvas"),
        "label": gr.Label(label="verdict"),
        "highlightedtext": gr.HighlightedText(label="marked"),
        "annotatedimage": gr.AnnotatedImage(label="annotated"),
        "imageslider": gr.ImageSlider(type="filepath", label="pair"),
    }
    with gr.Blocks() as demo:
        received = gr.JSON(label="received")
        for name, component in inputs.items():
            component.render()
            gr.Button(name).click(received_value, component, received, api_name=name)
        # Answers given back as they came: what an app says is not a file of this machine.
        said = gr.Textbox(label="said")
        gr.Button("echo").click(lambda text: text, inputs["textbox"], said, api_name="echo")
        echoed = gr.JSON(label="echoed")
        gr.Button("echo_json").click(lambda v: v, inputs["json"], echoed, api_name="echo_json")
        count = gr.State(0)
        total = gr.Number(label="total")

        def add(step: float, state: int) -> tuple[int, int]:
            return state + int(step), state + int(step)

        step = gr.Number(1, label="step")
        gr.Button("add").click(add, [step, count], [total, count], api_name="add")

        gr.ChatInterface(reply)
    return demo


def reply(message: str, history: list) -> str:
    """Answer with the message and how many turns the app has seen in this session."""
    return f"{message} (turn {len(history) // 2 + 1})"


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    build().queue().launch(server_name="127.0.0.1", server_port=args.port, show_error=True)
