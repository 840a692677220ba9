"""Structured values: Json, DateTime, Dataframe, Label, HighlightedText and plots."""

from __future__ import annotations

from tests.corpus.model import app, call, case

TABLE = {"headers": ["a", "b"], "data": [[1, 2], [3, 4]], "metadata": None}


@app(
    case("object", call("/summarise", 'data=\'{"b": 1, "a": [1, 2]}\'', {"b": 1, "a": [1, 2]})),
    case("list", call("/summarise", "data='[3, 1, 2]'", [3, 1, 2])),
    case("nested", call("/summarise", 'data=\'{"x": {"y": null}}\'', {"x": {"y": None}})),
    case("a bare number", call("/summarise", "data=42", 42)),
)
def json_io():
    """Json in; a Json description of it and its type name out."""
    import gradio as gr

    def summarise(data):
        if isinstance(data, dict):
            return {"keys": sorted(data), "size": len(data)}, "object"
        if isinstance(data, list):
            return {"sorted": sorted(data), "size": len(data)}, "list"
        return {"value": data}, type(data).__name__

    with gr.Blocks() as demo:
        data = gr.JSON(label="Data")
        out = gr.JSON(label="Summary")
        kind = gr.Textbox(label="Kind")
        gr.Button("Summarise").click(summarise, data, [out, kind], api_name="summarise")
    return demo


@app(
    case("date and time", call("/next_day", 'when="2024-01-02 03:04:05"', "2024-01-02 03:04:05")),
    case("as text", call("/as_text", 'when="2023-12-31 23:59:00"', "2023-12-31 23:59:00")),
    case("date only", call("/date_only", "day=2024-02-28", "2024-02-28")),
    case("as a timestamp", call("/stamp", 'when="2024-01-02 00:00:00"', "2024-01-02 00:00:00")),
    since="4.40",
)
def datetime_io():
    """DateTime in as a datetime, a string and a date only; DateTime and text out."""
    import datetime

    import gradio as gr

    def next_day(when):
        later = when + datetime.timedelta(days=1)
        return later, later.strftime("%A")

    def as_text(when):
        return f"{when!s}", str(type(when).__name__)

    def date_only(day):
        return f"{day}"

    def stamp(when):
        return f"{type(when).__name__} {when}"

    with gr.Blocks() as demo:
        when = gr.DateTime(label="When", type="datetime")
        out = gr.DateTime(label="Next day")
        text = gr.Textbox(label="Weekday")
        gr.Button("Next").click(next_day, when, [out, text], api_name="next_day")
        raw = gr.DateTime(label="When (text)", type="string")
        gr.Button("Text").click(as_text, raw, [text, gr.Textbox()], api_name="as_text")
        day = gr.DateTime(label="Day", include_time=False, type="string")
        gr.Button("Date").click(date_only, day, text, api_name="date_only")
        stamped = gr.DateTime(label="When (timestamp)")  # type="timestamp", the default
        gr.Button("Stamp").click(stamp, stamped, text, api_name="stamp")
    return demo


@app(
    case("csv file", call("/add_column", "table=table.csv", TABLE)),
    case(
        "tsv file",
        call(
            "/add_column",
            "table=table.tsv",
            {"headers": ["a", "b"], "data": [[5, 6], [7, 8]], "metadata": None},
        ),
    ),
    case("json rows", call("/add_column", "table='[[1, 2], [3, 4]]'", TABLE)),
    case(
        "headers and data",
        call("/add_column", 'table=\'{"headers": ["a", "b"], "data": [[1, 2], [3, 4]]}\'', TABLE),
    ),
    case("as rows", call("/as_rows", "rows='[[1, 2], [3, 4]]'", TABLE)),
)
def dataframe_io():
    """A numeric Dataframe in (as pandas and as a list of rows); a Dataframe and a total out."""
    import gradio as gr

    def add_column(table):
        table = table.astype(float)
        table["sum"] = table["a"] + table["b"]
        return table, float(table["sum"].sum())

    def as_rows(rows):
        return [[float(x) for x in row] + [sum(float(x) for x in row)] for row in rows], len(rows)

    with gr.Blocks() as demo:
        table = gr.Dataframe(headers=["a", "b"], datatype=["number", "number"], label="Table")
        out = gr.Dataframe(label="With sums")
        total = gr.Number(label="Total")
        gr.Button("Sum").click(add_column, table, [out, total], api_name="add_column")
        rows = gr.Dataframe(headers=["a", "b"], datatype=["number", "number"], type="array")
        gr.Button("Rows").click(as_rows, rows, [out, total], api_name="as_rows")
    return demo


@app(
    case(
        "classify",
        call("/classify", "text='a cat and a dog and a cat'", "a cat and a dog and a cat"),
    ),
    case("label text", call("/top", "result=cat", {"label": "cat"})),
    case(
        "label json",
        call(
            "/top",
            'result=\'{"label": "dog", "confidences": [{"label": "dog", "confidence": 0.9}]}\'',
            {"label": "dog", "confidences": [{"label": "dog", "confidence": 0.9}]},
        ),
    ),
)
def label_io():
    """Text in, Label of confidences out; a Label in, its top label as text out."""
    import gradio as gr

    def classify(text):
        words = [w for w in text.split() if w in ("cat", "dog")]
        return {w: words.count(w) / len(words) for w in sorted(set(words))} if words else {}

    def top(result):
        if isinstance(result, dict):  # confidences by label
            best = max(result, key=result.get)
            return f"top: {best} ({result[best]})"
        return f"top: {result!r}"

    with gr.Blocks() as demo:
        text = gr.Textbox(label="Text")
        label = gr.Label(label="Animals")
        gr.Button("Classify").click(classify, text, label, api_name="classify")
        given = gr.Label(label="Result")
        out = gr.Textbox(label="Top")
        gr.Button("Top").click(top, given, out, api_name="top")
    return demo


@app(
    case("tag words", call("/tag", "text='hello big world'", "hello big world")),
    case(
        "join spans",
        call(
            "/join",
            'spans=\'[["hello ", "greeting"], ["world", null]]\'',
            [
                {"token": "hello ", "class_or_confidence": "greeting"},
                {"token": "world", "class_or_confidence": None},
            ],
        ),
    ),
)
def highlightedtext_io():
    """Text in, HighlightedText out; HighlightedText in, text out."""
    import gradio as gr

    def tag(text):
        return [(word + " ", "long" if len(word) > 3 else None) for word in text.split()]

    def join(spans):
        # Older releases hand over (token, label) pairs, newer ones dicts.
        pairs = [
            (s["token"], s["class_or_confidence"]) if isinstance(s, dict) else s for s in spans
        ]
        return "|".join(f"{token}:{label}" for token, label in pairs)

    with gr.Blocks() as demo:
        text = gr.Textbox(label="Text")
        tagged = gr.HighlightedText(label="Tagged")
        gr.Button("Tag").click(tag, text, tagged, api_name="tag")
        spans = gr.HighlightedText(label="Spans", interactive=True)
        out = gr.Textbox(label="Joined")
        gr.Button("Join").click(join, spans, out, api_name="join")
    return demo


@app(
    case("line plot", call("/plot", "points=4", 4)),
)
def plots():
    """A number in; a native line plot of that many points out (pandas, no plotting library)."""
    import gradio as gr
    import pandas as pd

    def plot(points):
        n = int(points)
        return pd.DataFrame({"x": list(range(n)), "y": [i * i for i in range(n)]})

    with gr.Blocks() as demo:
        points = gr.Number(label="Points", value=3, precision=0)
        chart = gr.LinePlot(x="x", y="y", label="Squares")
        gr.Button("Plot").click(plot, points, chart, api_name="plot")
    return demo


@app(
    case("matplotlib figure", call("/draw", "bars=3", 3)),
    releases=(4,),
)
def plot_matplotlib():
    """gr.Plot of a matplotlib figure (matplotlib ships with the 4.x environment only)."""
    import gradio as gr

    def draw(bars):
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        figure, axes = plt.subplots(figsize=(2, 2), dpi=30)
        axes.bar(range(int(bars)), range(1, int(bars) + 1))
        return figure

    with gr.Blocks() as demo:
        bars = gr.Number(label="Bars", value=2, precision=0)
        figure = gr.Plot(label="Figure")
        gr.Button("Draw").click(draw, bars, figure, api_name="draw")
    return demo
