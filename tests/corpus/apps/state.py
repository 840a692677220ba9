"""gr.State: values the app keeps per session, which never appear among the API's parameters.

Each case makes two calls in one session: the second answer shows what the first kept. A case
starts a new session, so it starts from the State's initial value again. Labels are the
parameter names, which is how 3.x names its parameters.
"""

from __future__ import annotations

from tests.corpus.model import WITH_3, app, call, case


@app(
    case(
        "two calls: the second sees the first",
        call("/increment", "by=1", 1),
        call("/increment", "by=5", 5),
    ),
    case("a new session starts from zero", call("/increment", "by=2", 2)),
    releases=WITH_3,
)
def state_counter():
    """A counter in a State: a number in, the running total as text out."""
    import gradio as gr

    def increment(by, count):
        count = count + int(by)
        return f"count={count}", count

    with gr.Blocks() as demo:
        count = gr.State(0)
        by = gr.Number(label="by", value=1, precision=0)
        out = gr.Textbox(label="total")
        gr.Button("Add").click(increment, [by, count], [out, count], api_name="increment")
    return demo


@app(
    case(
        "add twice",
        call("/add", "items=Milk,Water", ["Milk", "Water"]),
        call("/add", "items=Cereal", ["Cereal"]),
    ),
    case(
        "json list",
        call("/add", "items='[\"Water\"]'", ["Water"]),
        call("/add", "items='[\"Water\"]'", ["Water"]),
    ),
    releases=WITH_3,
)
def state_cart():
    """A shopping cart in a State of a list: a CheckboxGroup in, the cart's size and text out."""
    import gradio as gr

    def add(items, cart):
        cart = cart + list(items)
        return cart, len(cart), ", ".join(cart)

    with gr.Blocks() as demo:
        cart = gr.State([])
        items = gr.CheckboxGroup(["Cereal", "Milk", "Orange Juice", "Water"], label="items")
        size = gr.Number(label="size")
        text = gr.Textbox(label="cart")
        gr.Button("Add").click(add, [items, cart], [cart, size, text], api_name="add")
    return demo


@app(
    case(
        "state between two inputs",
        call("/mix", "prefix=a suffix=b", "a", "b"),
        call("/mix", "prefix=c suffix=d", "c", "d"),
    ),
    releases=WITH_3,
)
def state_between():
    """A State between two inputs and between two outputs: the order must survive its removal."""
    import gradio as gr

    def mix(prefix, history, suffix):
        history = [*history, prefix + suffix]
        return "/".join(history), history, len(history)

    with gr.Blocks() as demo:
        prefix = gr.Textbox(label="prefix")
        history = gr.State([])
        suffix = gr.Textbox(label="suffix")
        joined = gr.Textbox(label="joined")
        count = gr.Number(label="count")
        gr.Button("Mix").click(
            mix, [prefix, history, suffix], [joined, history, count], api_name="mix"
        )
    return demo


@app(
    case(
        "remember, then recall",
        call("/remember", "key=colour value=blue", "colour", "blue"),
        call("/recall", "key=colour", "colour"),
    ),
    case(
        "recall what another session remembered: nothing",
        call("/recall", "key=colour", "colour"),
    ),
    case(
        "the whole memory as json",
        call("/remember", "key=a value=1", "a", "1"),
        call("/remember", "key=b value=2", "b", "2"),
        call("/dump", ""),
    ),
    releases=WITH_3,
)
def state_memory():
    """Three endpoints sharing one State of a dict: remember, recall and dump it as Json."""
    import gradio as gr

    def remember(key, value, memory):
        return {**memory, key: value}, f"remembered {key}"

    def recall(key, memory):
        return memory.get(key, f"no {key} here")

    def dump(memory):
        return dict(sorted(memory.items()))

    with gr.Blocks() as demo:
        memory = gr.State({})
        key = gr.Textbox(label="key")
        value = gr.Textbox(label="value")
        out = gr.Textbox(label="answer")
        everything = gr.JSON(label="memory")
        gr.Button("Remember").click(
            remember, [key, value, memory], [memory, out], api_name="remember"
        )
        gr.Button("Recall").click(recall, [key, memory], out, api_name="recall")
        gr.Button("Dump").click(dump, memory, everything, api_name="dump")
    return demo


@app(
    case(
        "two ticks, nothing typed",
        call("/tick", ""),
        call("/tick", ""),
    ),
    releases=WITH_3,
)
def state_only():
    """An endpoint whose only input is a State: it takes no parameter at all."""
    import gradio as gr

    def tick(ticks):
        ticks = ticks + 1
        return ticks, "tick " * ticks

    with gr.Blocks() as demo:
        ticks = gr.State(0)
        out = gr.Textbox(label="ticks")
        gr.Button("Tick").click(tick, ticks, [ticks, out], api_name="tick")
    return demo


@app(
    case(
        "an Interface with a state input and output",
        call("/predict", "word=one", "one"),
        call("/predict", "word=two", "two"),
    ),
    releases=WITH_3,
)
def interface_state():
    """gr.Interface with "state" among its inputs and outputs (the Interface shorthand)."""
    import gradio as gr

    def predict(word, words):  # 6.x names an Interface's endpoint after its function
        words = [*(words or []), word]
        return " ".join(words), words

    return gr.Interface(
        predict, [gr.Textbox(label="word"), "state"], [gr.Textbox(label="words"), "state"]
    )


@app(
    case(
        "a State output only: nothing visible comes back",
        call("/store", "note=hello", "hello"),
        call("/read", ""),
    ),
    releases=WITH_3,
)
def state_output_only():
    """An endpoint whose only output is a State, and one that reads it back."""
    import gradio as gr

    def store(note):
        return note.upper()

    def read(kept):
        return f"kept: {kept}"

    with gr.Blocks() as demo:
        kept = gr.State("")
        note = gr.Textbox(label="note")
        out = gr.Textbox(label="out")
        gr.Button("Store").click(store, note, kept, api_name="store")
        gr.Button("Read").click(read, kept, out, api_name="read")
    return demo


@app(
    case(
        "an unnamed 3.x event, called by its index, keeps its state too",
        call("fn 0", "by=2", 2),
        call("fn 0", "by=3", 3),
    ),
    releases=(3,),
)
def state_unnamed_3():
    """A 3.x app whose event has no api_name: both clients call it by its index."""
    import gradio as gr

    def add(by, total):
        total = total + int(by)
        return total, f"total={total}"

    with gr.Blocks() as demo:
        total = gr.State(0)
        by = gr.Number(label="by", precision=0)
        out = gr.Textbox(label="out")
        gr.Button("Add").click(add, [by, total], [total, out])
    return demo
