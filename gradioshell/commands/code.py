"""``code``: a call written as code to run elsewhere (Python, JavaScript, curl, gradioshell)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from gradioshell.errors import ShellError, UsageError
from gradioshell.registry import Args, Grammar, Opt, command
from gradioshell.results import Note
from gradioshell.targets import resolve_endpoint

if TYPE_CHECKING:
    from gradioshell.gradio import Endpoint
    from gradioshell.sessions import Session
    from gradioshell.state import State

HEADERS = {
    "python": "# Python, with gradio_client (pip install gradio_client)",
    "js": "// JavaScript, with @gradio/client (npm install @gradio/client)",
    "curl": "# curl, on the app's REST routes",
    "shell": "# gradioshell",
}


@command(
    "code",
    "Show a call as code: Python, JavaScript, curl, or a gradioshell one-liner",
    Grammar(
        options=(
            Opt("--python", help="only the Python form (gradio_client)"),
            Opt("--js", help="only the JavaScript form (@gradio/client)"),
            Opt("--curl", help="only the curl form"),
            Opt("--shell", help="only the gradioshell form"),
        ),
        call=True,
        call_optional=True,
        shown="[N | [@SESSION] ENDPOINT [VALUES...]]",
    ),
    details=(
        "code shows the last call; code N the call N (as $rN); code ENDPOINT VALUES... the\n"
        "call those values would make, without making it. Files become handle_file(...) in\n"
        "Python and JavaScript, and an upload first with curl. With one of --python, --js,\n"
        "--curl or --shell, only that form is printed, ready to save to a file."
    ),
)
async def code(shell: State, args: Args) -> None:
    from gradioshell import calls
    from gradioshell.snippets import FORMS, snippets

    forms = tuple(form for form in FORMS if getattr(args, form)) or FORMS
    number: int | None = None
    words = args.call
    if not words or (len(words) == 1 and words[0].value.isdigit() and not words[0].quoted):
        session, endpoint, values, number = _recorded(shell, int(words[0].value) if words else None)
    else:
        target = resolve_endpoint(words, shell.sessions).check()
        assert target.session is not None and target.endpoint is not None
        session, endpoint = target.session, target.endpoint
        values = calls.bind_words(shell, endpoint, target.arguments(words))
    made = snippets(session, endpoint, values, forms)
    if len(made) == 1:
        body = made[0].code
    else:
        body = "\n\n".join(f"{HEADERS[s.form]}\n{s.code}" for s in made)
    record = {
        "event": "code",
        "call": number,
        "session": session.name,
        "endpoint": endpoint.name,
        "code": {s.form: s.code for s in made},
    }
    shell.output.emit(Note(body=body, record=record, plain=body, no_wrap=True))


def _recorded(shell: State, number: int | None) -> tuple[Session, Endpoint, list[Any], int]:
    if not shell.results:
        raise ShellError("no call yet: make one, or write 'code ENDPOINT VALUES...'")
    if number is None:
        number = len(shell.results)
    if not 1 <= number <= len(shell.results):
        raise UsageError(f"no call {number}: the calls are 1 to {len(shell.results)}")
    record = shell.results[number - 1]
    session = shell.sessions.find(record.session)
    if session is None:
        raise ShellError(f"call {number} was made in {record.session}, which is closed")
    if record.inputs is None:
        raise ShellError(
            f"the values of call {number} were not kept (a batch row, or a submitted call): "
            "write 'code ENDPOINT VALUES...'"
        )
    try:
        endpoint = session.app.endpoint(record.endpoint)
    except Exception:
        raise ShellError(f"{session.name} has no endpoint {record.endpoint!r} anymore") from None
    return session, endpoint, record.inputs, number
