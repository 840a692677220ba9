"""Files and media: Image, Audio, Video, File (one and many), Gallery, Model3D, ImageEditor,
ImageSlider and AnnotatedImage, in and out."""

from __future__ import annotations

from tests.corpus.model import File, Prev, app, call, case

EDITED = {"background": File("cat.png"), "layers": [], "composite": File("cat.png")}


def _describe_image(image) -> str:  # type: ignore[no-untyped-def]
    return f"{image.width}x{image.height} {image.mode}"


@app(
    case("mirror", call("/mirror", "picture=halves.png", File("halves.png"))),
    case(
        "mirror twice, the second from the first's result",
        call("/mirror", "picture=halves.png", File("halves.png")),
        call("/mirror", "picture=$_", File(Prev())),
    ),
    case("size from a path", call("/size", "picture=cat.png", File("cat.png"))),
    case("numpy mean", call("/mean", "picture=dog.png", File("dog.png"))),
    case("transparent png", call("/size", "picture=clear.png", File("clear.png"))),
    # From 5.0 the app refuses to fetch a loopback URL, whichever client sends it.
    case(
        "by URL",
        call("/size", "picture={base}/fixtures/cat.png", File("{base}/fixtures/cat.png")),
        releases=(4,),
    ),
)
def image_io():
    """Image in as PIL, path and numpy; Image and text out."""
    import gradio as gr
    from PIL import Image, ImageOps

    def mirror(picture):
        return ImageOps.mirror(picture)

    def size(picture):
        with Image.open(picture) as image:
            return _describe_image(image)

    def mean(picture):
        return round(float(picture.mean()), 3)

    with gr.Blocks() as demo:
        pil = gr.Image(type="pil", label="Picture")
        out = gr.Image(type="pil", label="Mirrored")
        gr.Button("Mirror").click(mirror, pil, out, api_name="mirror")
        path = gr.Image(type="filepath", label="Picture file")
        text = gr.Textbox(label="Size")
        gr.Button("Size").click(size, path, text, api_name="size")
        array = gr.Image(type="numpy", label="Picture array")
        number = gr.Number(label="Mean")
        gr.Button("Mean").click(mean, array, number, api_name="mean")
    return demo


@app(
    case("reverse", call("/reverse", "sound=tone.wav", File("tone.wav"))),
    case("duration", call("/duration", "sound=tone.wav", File("tone.wav"))),
)
def audio_io():
    """Audio in as (rate, samples) and as a path; Audio and text out."""
    import wave

    import gradio as gr

    def reverse(sound):
        rate, samples = sound
        return rate, samples[::-1]

    def duration(sound):
        with wave.open(sound) as w:
            return f"{w.getnframes() / w.getframerate():.3f} s at {w.getframerate()} Hz"

    with gr.Blocks() as demo:
        array = gr.Audio(type="numpy", label="Sound")
        out = gr.Audio(type="numpy", label="Reversed")
        gr.Button("Reverse").click(reverse, array, out, api_name="reverse")
        path = gr.Audio(type="filepath", label="Sound file")
        text = gr.Textbox(label="Duration")
        gr.Button("Duration").click(duration, path, text, api_name="duration")
    return demo


@app(
    case("pass through", call("/inspect", "clip=clip.mp4", File("clip.mp4")), releases=(6,)),
    # Before 6.0 a video went in as {"video": FileData, "subtitles": ...}.
    case(
        "pass through",
        call("/inspect", "clip=clip.mp4", {"video": File("clip.mp4"), "subtitles": None}),
        releases=(4, 5),
    ),
)
def video_io():
    """A Video in; the same video and its size out (nothing decodes it)."""
    import os

    import gradio as gr

    def inspect(clip):
        return clip, f"{os.path.getsize(clip)} bytes, {os.path.splitext(clip)[1]}"

    with gr.Blocks() as demo:
        clip = gr.Video(label="Clip", format=None)
        out = gr.Video(label="Same clip", format=None)
        text = gr.Textbox(label="About")
        gr.Button("Inspect").click(inspect, clip, [out, text], api_name="inspect")
    return demo


@app(
    case("upper", call("/upper", "doc=notes.txt", File("notes.txt"))),
    case(
        "upper twice, the second from the first's result",
        call("/upper", "doc=notes.txt", File("notes.txt")),
        call("/upper", "doc=$_", File(Prev())),
    ),
    case("describe", call("/describe", "doc=more.txt", File("more.txt"))),
    case(
        "by URL",
        call("/describe", "doc={base}/fixtures/notes.txt", File("{base}/fixtures/notes.txt")),
        releases=(4,),
    ),
    case("bytes", call("/first_bytes", "blob=cat.png", File("cat.png"))),
)
def file_single():
    """One File in (as a path and as bytes); a File and text out."""
    import os
    import tempfile

    import gradio as gr

    from tests.corpus.apps.compat import filepath, path_of

    def upper(doc):
        path = path_of(doc)
        out = os.path.join(tempfile.mkdtemp(), "upper-" + os.path.basename(path))
        with open(path, encoding="utf-8") as source, open(out, "w", encoding="utf-8") as target:
            target.write(source.read().upper())
        return out

    def describe(doc):
        path = path_of(doc)
        return f"{os.path.basename(path)}: {os.path.getsize(path)} bytes"

    def first_bytes(blob):
        return f"{len(blob)} bytes, starting {blob[:4].hex()}"

    with gr.Blocks() as demo:
        doc = gr.File(type=filepath(), label="Document")
        out = gr.File(label="Upper-cased")
        text = gr.Textbox(label="About")
        gr.Button("Upper").click(upper, doc, out, api_name="upper")
        gr.Button("Describe").click(describe, doc, text, api_name="describe")
        blob = gr.File(type="binary", label="Blob")
        gr.Button("Bytes").click(first_bytes, blob, text, api_name="first_bytes")
    return demo


@app(
    case(
        "json list",
        call(
            "/upper_all",
            'docs=\'["notes.txt", "more.txt"]\'',
            [File("notes.txt"), File("more.txt")],
        ),
    ),
    case("glob", call("/upper_all", "docs=*.txt", [File("more.txt"), File("notes.txt")])),
    case("one file", call("/upper_all", "docs=notes.txt", [File("notes.txt")])),
    case(
        "count",
        call("/count", 'docs=\'["notes.txt", "cat.png"]\'', [File("notes.txt"), File("cat.png")]),
    ),
)
def file_multiple():
    """A File of several files in; several files and a listing out."""
    import os
    import tempfile

    import gradio as gr

    from tests.corpus.apps.compat import filepath, path_of

    def upper_all(docs):
        folder = tempfile.mkdtemp()
        made = []
        for doc in docs:
            path = path_of(doc)
            out = os.path.join(folder, "upper-" + os.path.basename(path))
            with open(path, encoding="utf-8") as source, open(out, "w", encoding="utf-8") as t:
                t.write(source.read().upper())
            made.append(out)
        return made, " ".join(os.path.basename(path_of(d)) for d in docs)

    def count(docs):
        return f"{len(docs)} files, {sum(os.path.getsize(path_of(d)) for d in docs)} bytes"

    with gr.Blocks() as demo:
        docs = gr.File(file_count="multiple", type=filepath(), label="Documents")
        out = gr.File(file_count="multiple", label="Upper-cased")
        text = gr.Textbox(label="Names")
        gr.Button("Upper all").click(upper_all, docs, [out, text], api_name="upper_all")
        gr.Button("Count").click(count, docs, text, api_name="count")
    return demo


@app(
    case("make", call("/make", "count=3", 3)),
    case(
        "json list",
        call(
            "/sizes",
            'pictures=\'["cat.png", "dog.png"]\'',
            [
                {"image": File("cat.png"), "caption": None},
                {"image": File("dog.png"), "caption": None},
            ],
        ),
    ),
    case(
        "glob",
        call(
            "/sizes",
            "pictures=*.png",
            [
                {"image": File(n), "caption": None}
                for n in ("cat.png", "clear.png", "dog.png", "halves.png")
            ],
        ),
    ),
    case(
        "made then measured",
        call("/make", "count=2", 2),
        call("/sizes", "pictures=$_", File(Prev())),
    ),
)
def gallery_io():
    """A number in, a Gallery of captioned images out; a Gallery in, their sizes out."""
    import gradio as gr
    from PIL import Image

    def make(count):
        return [
            (Image.new("RGB", (4 + i, 3), (40 * i, 80, 200)), f"picture {i}")
            for i in range(int(count))
        ]

    def sizes(pictures):
        described = []
        for item in pictures:
            path = item[0] if isinstance(item, (tuple, list)) else item
            with Image.open(path) as image:
                described.append(_describe_image(image))
        return "; ".join(described)

    with gr.Blocks() as demo:
        count = gr.Number(label="Count", value=2, precision=0)
        gallery = gr.Gallery(label="Pictures")
        gr.Button("Make").click(make, count, gallery, api_name="make")
        given = gr.Gallery(label="Given", type="filepath")
        text = gr.Textbox(label="Sizes")
        gr.Button("Sizes").click(sizes, given, text, api_name="sizes")
    return demo


@app(
    case("obj", call("/load", "model=cube.obj", File("cube.obj"))),
)
def model3d_io():
    """A Model3D in; the same model and its vertex count out."""
    import gradio as gr

    def load(model):
        with open(model, encoding="utf-8") as source:
            vertices = sum(1 for line in source if line.startswith("v "))
        return model, f"{vertices} vertices"

    with gr.Blocks() as demo:
        model = gr.Model3D(label="Model")
        out = gr.Model3D(label="Same model")
        text = gr.Textbox(label="About")
        gr.Button("Load").click(load, model, [out, text], api_name="load")
    return demo


@app(
    case("a picture to edit", call("/flatten", "sketch=cat.png", EDITED)),
    case(
        "layers",
        call(
            "/describe",
            "sketch=halves.png",
            {"background": File("halves.png"), "layers": [], "composite": File("halves.png")},
        ),
    ),
)
def imageeditor_io():
    """An ImageEditor in (background, layers, composite); its composite and a summary out."""
    import gradio as gr

    def flatten(sketch):
        return sketch["composite"]

    def describe(sketch):
        background = sketch["background"]
        return (
            f"background {_describe_image(background)}, {len(sketch['layers'])} layers, "
            f"composite {_describe_image(sketch['composite'])}"
        )

    with gr.Blocks() as demo:
        sketch = gr.ImageEditor(type="pil", label="Sketch")
        out = gr.Image(type="pil", label="Flattened")
        text = gr.Textbox(label="About")
        gr.Button("Flatten").click(flatten, sketch, out, api_name="flatten")
        gr.Button("Describe").click(describe, sketch, text, api_name="describe")
    return demo


@app(
    case("before and after", call("/compare", "picture=halves.png", File("halves.png"))),
    case(
        "a pair in",
        call(
            "/describe_pair", 'pair=\'["cat.png", "dog.png"]\'', [File("cat.png"), File("dog.png")]
        ),
    ),
    releases=(5, 6),
)
def imageslider_io():
    """An Image in, an ImageSlider of it and its mirror out; a pair of images in, sizes out."""
    import gradio as gr
    from PIL import Image, ImageOps

    def compare(picture):
        return picture, ImageOps.mirror(picture)

    def describe_pair(pair):
        sizes = []
        for path in pair:
            with Image.open(path) as image:
                sizes.append(_describe_image(image))
        return " | ".join(sizes)

    with gr.Blocks() as demo:
        picture = gr.Image(type="pil", label="Picture")
        slider = gr.ImageSlider(type="pil", label="Before and after")
        gr.Button("Compare").click(compare, picture, slider, api_name="compare")
        pair = gr.ImageSlider(type="filepath", label="Pair")
        text = gr.Textbox(label="Sizes")
        gr.Button("Describe").click(describe_pair, pair, text, api_name="describe_pair")
    return demo


@app(
    case("annotate", call("/annotate", "picture=cat.png", File("cat.png"))),
    case(
        "annotations in",
        call(
            "/count_annotations",
            'marked=\'{"image": "cat.png", "annotations": '
            '[{"image": "clear.png", "label": "nothing"}]}\'',
            {
                "image": File("cat.png"),
                "annotations": [{"image": File("clear.png"), "label": "nothing"}],
            },
        ),
    ),
)
def annotatedimage_io():
    """An image in, an AnnotatedImage with a box and a mask out; an AnnotatedImage in."""
    import gradio as gr
    import numpy as np
    from PIL import Image

    def annotate(picture):
        with Image.open(picture) as image:
            width, height = image.size
        mask = np.zeros((height, width), dtype=float)
        mask[: height // 2, : width // 2] = 1.0
        return picture, [((0, 0, width // 2, height // 2), "corner"), (mask, "mask")]

    def count_annotations(marked):
        _image, annotations = marked
        return f"{len(annotations)} annotations: {', '.join(label for _, label in annotations)}"

    with gr.Blocks() as demo:
        picture = gr.Image(type="filepath", label="Picture")
        marked = gr.AnnotatedImage(label="Marked")
        gr.Button("Annotate").click(annotate, picture, marked, api_name="annotate")
        text = gr.Textbox(label="Annotations")
        gr.Button("Count").click(count_annotations, marked, text, api_name="count_annotations")
    return demo


@app(
    case("csv made", call("/make_csv", "rows=3", 3)),
)
def generated_files():
    """A number in; a CSV file made by the app and a Dataframe of it out."""
    import os
    import tempfile

    import gradio as gr

    def make_csv(rows):
        path = os.path.join(tempfile.mkdtemp(), "squares.csv")
        table = [[i, i * i] for i in range(int(rows))]
        with open(path, "w", encoding="utf-8") as out:
            out.write("n,square\n" + "".join(f"{a},{b}\n" for a, b in table))
        return path, table

    with gr.Blocks() as demo:
        rows = gr.Number(label="Rows", value=2, precision=0)
        made = gr.File(label="CSV")
        table = gr.Dataframe(headers=["n", "square"], label="Table")
        gr.Button("Make").click(make_csv, rows, [made, table], api_name="make_csv")
    return demo
