"""How events are wired and named: tabs, hidden and unnamed events, shared names, generators,
progress, logs, errors, examples, batches, chains, Interfaces and null values."""

from __future__ import annotations

from tests.corpus.model import File, app, call, case


@app(
    case("first tab", call("/upper", "text=abc", "abc")),
    case("second tab", call("/lower", "text=ABC", "ABC")),
    case("third tab", call("/reverse", "text=abc", "abc")),
)
def tabs_endpoints():
    """Three tabs, each with its own button and endpoint."""
    import gradio as gr

    with gr.Blocks() as demo, gr.Tabs():
        for name, fn in (
            ("upper", str.upper),
            ("lower", str.lower),
            ("reverse", lambda s: s[::-1]),
        ):
            with gr.Tab(name.title()):
                text = gr.Textbox(label="text")
                out = gr.Textbox(label="out")

                def run(text, fn=fn):
                    return fn(text)

                gr.Button(name).click(run, text, out, api_name=name)
    return demo


@app(
    case("named after its function", call("/shout", "text=hey", "hey")),
    case("named explicitly", call("/whisper", "text=HEY", "HEY")),
    case("undocumented, still callable by name", call("/murmur", "text=hey", "hey")),
    case("api_name=False is not callable by name", call("/hidden", "text=x", "x", fails=True)),
    case("api_name=False is not callable by index", call("fn 0", "text=x", "x", fails=True)),
)
def hidden_events():
    """An event with api_name=False first, then an unnamed one, an undocumented one and a named
    one: hiding the first must not shift the others."""
    import gradio as gr

    from tests.corpus.apps.compat import undocumented

    def hidden(text):
        return f"hidden {text}"

    def shout(text):
        return text.upper() + "!"

    def whisper_fn(text):
        return text.lower() + "..."

    def murmur(text):
        return f"({text})"

    with gr.Blocks() as demo:
        text = gr.Textbox(label="text")
        out = gr.Textbox(label="out")
        gr.Button("Hidden").click(hidden, text, out, api_name=False)
        gr.Button("Shout").click(shout, text, out)
        gr.Button("Whisper").click(whisper_fn, text, out, api_name="whisper")
        gr.Button("Murmur").click(murmur, text, out, api_name="murmur", **undocumented())
    return demo


@app(
    case("the first of two events named 'go'", call("/go", "text=a", "a")),
    case("the second, renamed by Gradio", call("/go_1", "text=a", "a")),
    case("a hidden event holding the name 'run'", call("/run", "text=a", "a")),
    case("the public event named 'run' too", call("/run_1", "text=a", "a")),
)
def shared_names():
    """Events that ask for the same api_name: Gradio renames the later ones (go, go_1), also
    when the first holder of the name is hidden from the API page."""
    import gradio as gr

    from tests.corpus.apps.compat import undocumented

    with gr.Blocks() as demo:
        text = gr.Textbox(label="text")
        out = gr.Textbox(label="out")

        def first(text):
            return f"first {text}"

        def second(text):
            return f"second {text}"

        def hidden_run(text):
            return f"hidden run {text}"

        def public_run(text):
            return f"public run {text}"

        gr.Button("1").click(first, text, out, api_name="go")
        gr.Button("2").click(second, text, out, api_name="go")
        gr.Button("3").click(hidden_run, text, out, api_name="run", **undocumented())
        gr.Button("4").click(public_run, text, out, api_name="run")
    return demo


@app(
    case("a private event holds the name: not callable", call("/go", "text=a", "a", fails=True)),
    case("the public event renamed after it", call("/go_1", "text=a", "a")),
    releases=(6,),
)
def private_names():
    """A private event (6.x) asks for 'go' first; the public one asking for it gets 'go_1'."""
    import gradio as gr

    with gr.Blocks() as demo:
        text = gr.Textbox(label="text")
        out = gr.Textbox(label="out")

        def private(text):
            return f"private {text}"

        def public(text):
            return f"public {text}"

        gr.Button("1").click(private, text, out, api_name="go", api_visibility="private")
        gr.Button("2").click(public, text, out, api_name="go")
    return demo


@app(
    case("a hyphenated name", call("/text-to-upper", "text=ab", "ab")),
    case("a capitalised name", call("/Reverse", "text=ab", "ab")),
    case("a lambda", call("/lambda", "text=ab", "ab")),
)
def names():
    """Endpoint names as apps write them: hyphens, capitals, a lambda's name."""
    import gradio as gr

    with gr.Blocks() as demo:
        text = gr.Textbox(label="text")
        out = gr.Textbox(label="out")

        def upper(text):
            return text.upper()

        def Reverse(text):  # the endpoint is named after it
            return text[::-1]

        gr.Button("Upper").click(upper, text, out, api_name="text-to-upper")
        gr.Button("Reverse").click(Reverse, text, out)
        gr.Button("Double").click(lambda text: text * 2, text, out)
    return demo


@app(
    case("count up", call("/count", "n=4", 4, stream=True)),
    case("text growing", call("/type_out", "text=hello", "hello", stream=True)),
    case("list growing", call("/collect", "n=3", 3, stream=True)),
    case("two outputs at once", call("/pair", "n=3", 3, stream=True)),
)
def generators():
    """Generators: numbers, a text that grows (sent as diffs), a growing list, two outputs."""
    import gradio as gr

    def count(n):
        yield from range(1, int(n) + 1)

    def type_out(text):
        for end in range(1, len(text) + 1):
            yield text[:end]

    def collect(n):
        items = []
        for i in range(int(n)):
            items.append({"i": i, "square": i * i})
            yield items

    def pair(n):
        for i in range(int(n)):
            yield str(i), i * 10

    with gr.Blocks() as demo:
        n = gr.Number(label="n", value=3, precision=0)
        number = gr.Number(label="number")
        gr.Button("Count").click(count, n, number, api_name="count")
        text = gr.Textbox(label="text")
        typed = gr.Textbox(label="typed")
        gr.Button("Type").click(type_out, text, typed, api_name="type_out")
        items = gr.JSON(label="items")
        gr.Button("Collect").click(collect, n, items, api_name="collect")
        gr.Button("Pair").click(pair, n, [typed, number], api_name="pair")
    return demo


@app(
    case("progress steps", call("/work", "steps=3", 3)),
    case("progress over an iterable", call("/work_tqdm", "items=a,b,c", ["a", "b", "c"])),
)
def progress():
    """gr.Progress, by hand and over an iterable."""
    import time

    import gradio as gr

    def work(steps, progress=gr.Progress()):  # noqa: B008 (how Gradio asks for it)
        progress(0, desc="starting")
        for i in range(int(steps)):
            time.sleep(0.05)
            progress((i + 1) / int(steps), desc=f"step {i + 1}")
        return f"did {int(steps)} steps"

    def work_tqdm(items, progress=gr.Progress()):  # noqa: B008
        done = [item.upper() for item in progress.tqdm(items, desc="items")]
        return " ".join(done)

    with gr.Blocks() as demo:
        steps = gr.Number(label="steps", value=3, precision=0)
        out = gr.Textbox(label="out")
        gr.Button("Work").click(work, steps, out, api_name="work")
        items = gr.CheckboxGroup(["a", "b", "c"], label="items")
        gr.Button("Tqdm").click(work_tqdm, items, out, api_name="work_tqdm")
    return demo


@app(
    case("info and warning, then a value", call("/careful", "text=go", "go")),
)
def logs():
    """gr.Info and gr.Warning before the result."""
    import gradio as gr

    def careful(text):
        gr.Info(f"starting {text}")
        gr.Warning("this is only a test")
        return f"done {text}"

    with gr.Blocks() as demo:
        text = gr.Textbox(label="text")
        out = gr.Textbox(label="out")
        gr.Button("Go").click(careful, text, out, api_name="careful")
    return demo


@app(
    case("gr.Error with a message", call("/fail", "reason=broken", "broken", error="broken")),
    case("gr.Error without a message", call("/fail_plain", "text=x", "x", fails=True)),
    case("gr.Error with an empty message", call("/fail_empty", "text=x", "x", fails=True)),
    case("any other exception", call("/crash", "text=x", "x", fails=True)),
    case(
        "the app works after an error",
        call("/fail", "reason=broken", "broken", fails=True),
        call("/ok", "text=fine", "fine"),
    ),
)
def errors():
    """gr.Error with a message, with its default message, with an empty one, and a crash."""
    import gradio as gr

    def fail(reason):
        raise gr.Error(f"failed because {reason}")

    def fail_plain(text):
        raise gr.Error()

    def fail_empty(text):
        raise gr.Error("")

    def crash(text):
        raise ValueError("internal detail")

    def ok(text):
        return text

    with gr.Blocks() as demo:
        reason = gr.Textbox(label="reason")
        out = gr.Textbox(label="out")
        gr.Button("Fail").click(fail, reason, out, api_name="fail")
        gr.Button("Plain").click(fail_plain, reason, out, api_name="fail_plain")
        gr.Button("Empty").click(fail_empty, reason, out, api_name="fail_empty")
        gr.Button("Crash").click(crash, reason, out, api_name="crash")
        gr.Button("Ok").click(ok, reason, out, api_name="ok")
    return demo


@app(
    case("as an example would", call("/predict", "name=Ada excited=true", "Ada", True)),
    case("another", call("/predict", "name=Bob excited=false", "Bob", False)),
)
def interface_examples():
    """gr.Interface with examples (not cached): the examples add an event of their own."""
    import gradio as gr

    def predict(name, excited):
        return f"Hello {name}{'!' if excited else '.'}"

    return gr.Interface(
        predict,
        [gr.Textbox(label="name"), gr.Checkbox(label="excited")],
        gr.Textbox(label="greeting"),
        examples=[["Ada", True], ["Bob", False]],
        cache_examples=False,
    )


@app(
    case(
        "several inputs and outputs",
        call("/predict", "text=abc count=2 upper=true", "abc", 2, True),
    ),
    case("flag button present", call("/predict", "text=x count=1 upper=false", "x", 1, False)),
    case(
        "the hidden Flag event, called by its name with every value",
        call("/Flag", "abc 2 true ABCABC 6", "abc", 2, True, "ABCABC", 6),
    ),
)
def interface_flagging():
    """gr.Interface with several inputs and outputs, and manual flagging (a hidden Flag event)."""
    import tempfile

    import gradio as gr

    from tests.corpus.apps.compat import flagging

    def predict(text, count, upper):
        result = (text.upper() if upper else text) * int(count)
        return result, len(result)

    return gr.Interface(
        predict,
        [
            gr.Textbox(label="text"),
            gr.Slider(1, 5, step=1, label="count"),
            gr.Checkbox(label="upper"),
        ],
        [gr.Textbox(label="result"), gr.Number(label="length")],
        flagging_dir=tempfile.mkdtemp(prefix="flags-"),
        **flagging(),
    )


@app(
    case("the first interface", call("/predict", "text=abc", "abc")),
    case("the second, renamed by Gradio", call("/predict_1", "number=4", 4)),
)
def tabbed_interface():
    """gr.TabbedInterface of two Interfaces whose functions share a name."""
    import gradio as gr

    def first():
        def predict(text):
            return text[::-1]

        return gr.Interface(predict, gr.Textbox(label="text"), gr.Textbox(label="out"))

    def second():
        def predict(number):
            return number * number

        return gr.Interface(predict, gr.Number(label="number"), gr.Number(label="square"))

    return gr.TabbedInterface([first(), second()], ["Reverse", "Square"])


@app(
    case("one word", call("/lengths", "words=hello", "hello")),
    case("empty word", call("/lengths", 'words=""', "")),
)
def batch():
    """A batch function: it takes and returns lists, the API one value at a time."""
    import gradio as gr

    def lengths(words):  # the API names the parameter after the function's
        return [[len(w) for w in words]]

    with gr.Blocks() as demo:
        word = gr.Textbox(label="word")
        length = gr.Number(label="length")
        gr.Button("Length").click(
            lengths, word, length, batch=True, max_batch_size=4, api_name="lengths"
        )
    return demo


@app(
    case("the first link of a chain", call("/first", "text=ab", "ab")),
    case("the second link, called alone", call("/second", "text=xy", "xy")),
)
def then_chain():
    """An event with a .then() and a .success(): a call runs only the event it names."""
    import gradio as gr

    def first(text):
        return text + "-1"

    def second(text):
        return text + "-2"

    def third(text):
        return text + "-3"

    with gr.Blocks() as demo:
        text = gr.Textbox(label="text")
        middle = gr.Textbox(label="middle")
        end = gr.Textbox(label="end")
        gr.Button("Go").click(first, text, middle, api_name="first").then(
            second, middle, end, api_name="second"
        ).success(third, end, end, api_name="third")
    return demo


@app(
    case("outside the queue", call("/direct", "text=a", "a")),
    case("in the queue", call("/queued", "text=a", "a")),
)
def queue_false():
    """An event run outside the queue (queue=False) beside a queued one."""
    import gradio as gr

    with gr.Blocks() as demo:
        text = gr.Textbox(label="text")
        out = gr.Textbox(label="out")

        def direct(text):
            return f"direct {text}"

        def queued(text):
            return f"queued {text}"

        gr.Button("Direct").click(direct, text, out, api_name="direct", queue=False)
        gr.Button("Queued").click(queued, text, out, api_name="queued")
    return demo


@app(
    case("a load event", call("/greeting", "")),
    case("gr.on with two triggers", call("/go", "text=hi", "hi")),
)
def triggers():
    """demo.load with outputs only, and gr.on with several triggers and one name."""
    import gradio as gr

    with gr.Blocks() as demo:
        text = gr.Textbox(label="text")
        out = gr.Textbox(label="out")
        button = gr.Button("Go")

        def greeting():
            return "welcome"

        def go(text):
            return f"went {text}"

        demo.load(greeting, None, out, api_name="greeting")
        gr.on([button.click, text.submit], go, text, out, api_name="go")
    return demo


@app(
    case(
        "every input left empty",
        call(
            "/describe",
            "picture=$null animal=$null amount=$null note=$null",
            None,
            None,
            None,
            None,
        ),
    ),
    case(
        "some given",
        call(
            "/describe",
            "picture=dog.png animal=cat amount=$null note=$null",
            File("dog.png"),
            "cat",
            None,
            None,
        ),
    ),
    case("null outputs", call("/nothing", "text=x", "x")),
)
def nulls():
    """No value at all: None in for an image, a choice, a number and a text; None out."""
    import gradio as gr

    def describe(picture, animal, amount, note):
        return " | ".join(
            [
                "no picture" if picture is None else f"picture {picture.size}",
                f"animal {animal!r}",
                f"amount {amount!r}",
                f"note {note!r}",
            ]
        )

    def nothing(text):
        return None, None, None, None

    with gr.Blocks() as demo:
        picture = gr.Image(type="pil", label="picture")
        animal = gr.Dropdown(["cat", "dog"], label="animal")
        amount = gr.Number(label="amount")
        note = gr.Textbox(label="note")
        out = gr.Textbox(label="out")
        gr.Button("Describe").click(
            describe, [picture, animal, amount, note], out, api_name="describe"
        )
        image = gr.Image(label="image")
        file = gr.File(label="file")
        data = gr.JSON(label="data")
        gr.Button("Nothing").click(nothing, note, [out, image, file, data], api_name="nothing")
    return demo
