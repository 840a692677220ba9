"""Property tests of the renderers: whatever value an output holds, whatever its component
says, it is drawn and written as text without an error, and nothing in it drives the
terminal."""

from __future__ import annotations

import io
from typing import Any

from hypothesis import example, given, settings
from hypothesis import strategies as st

from gradioshell.readable import Kind, plain_text, summary
from gradioshell.renderers import RENDERERS, Look, render_output

TEXT = st.text(alphabet=st.sampled_from("ab *#`|-\n\x1b[]\u202e:/,.{}0123456789"), max_size=24)
KEYS = st.sampled_from(
    [
        "role",
        "content",
        "metadata",
        "title",
        "text",
        "file",
        "path",
        "headers",
        "data",
        "label",
        "confidences",
        "confidence",
        "token",
        "class_or_confidence",
        "image",
        "annotations",
        "caption",
        "type",
        "plot",
        "__type__",
        "value",
        "meta",
        "url",
    ]
)
values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS | TEXT, inner, max_size=4),
    max_leaves=16,
)
# Values shaped nearly as each component's (and given to it), so that the renderers' own
# paths are taken.
chat = st.lists(
    st.fixed_dictionaries(
        {"role": TEXT, "content": values},
        optional={"metadata": st.fixed_dictionaries({}, optional={"title": values})},
    ),
    max_size=4,
) | st.lists(st.tuples(values, values), max_size=3)
table = st.fixed_dictionaries(
    {"headers": st.lists(values, max_size=4), "data": st.lists(st.lists(values, max_size=5))}
)
label = st.fixed_dictionaries(
    {
        "label": values,
        "confidences": st.lists(
            st.fixed_dictionaries({"label": values, "confidence": st.floats() | values}),
            max_size=4,
        ),
    }
)
marked = st.lists(
    st.fixed_dictionaries({"token": values, "class_or_confidence": st.floats() | values}),
    max_size=4,
)
annotated = st.fixed_dictionaries({"image": values, "annotations": st.lists(values, max_size=3)})
plot = st.fixed_dictionaries({"type": values, "plot": TEXT})
shaped = st.one_of(
    st.tuples(st.just("chatbot"), chat),
    st.tuples(st.just("dataframe"), table),
    st.tuples(st.just("label"), label),
    st.tuples(st.just("highlightedtext"), marked),
    st.tuples(st.just("annotatedimage"), annotated),
    st.tuples(st.just("plot"), plot),
)
KINDS = [*sorted(RENDERERS), "", "file", "image"]


@settings(max_examples=300, deadline=None)
@example(  # a confidence JSON allows in Python (NaN) but no bar can be drawn of
    pair=("label", {"label": "a", "confidences": [{"label": "a", "confidence": float("nan")}]}),
    live=False,
)
@given(pair=st.tuples(st.sampled_from(KINDS), values) | shaped, live=st.booleans())
def test_any_value_is_drawn_and_written(pair: tuple[str, Any], live: bool) -> None:
    kind, value = pair
    from rich.console import Console

    props = {"language": "python"} if kind == "code" else {}
    drawn = render_output(value, Kind(kind, props), Look(live=live))
    console = Console(file=io.StringIO(), width=50, color_system=None, force_terminal=False)
    console.print(drawn.renderable)
    shown = console.file.getvalue()  # type: ignore[attr-defined]
    assert "\x1b" not in shown and "\u202e" not in shown
    text = plain_text(value, Kind(kind))
    assert "\x1b" not in text and "\u202e" not in text
    line = summary(value, Kind(kind))
    assert "\x1b" not in line and "\n" not in line
