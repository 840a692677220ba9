"""The corpus's vocabulary: an app, the cases run against it, and the steps of a case.

A step is one call written once for each client: the words a user types in the shell after
the endpoint's name, and the Python arguments given to ``gradio_client``'s ``predict``.
Nothing here imports Gradio: the test process reads the cases without it, and each
release's server imports this module with its own interpreter to build the apps.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

#: The Gradio majors an app runs on unless it says otherwise.
MODERN = (4, 5, 6)
#: Chat and State apps also run on 3.x, where those shapes first broke the shell.
WITH_3 = (3, 4, 5, 6)


@dataclass(frozen=True)
class Prev:
    """What the official client returned at an earlier step of the case: the shell's ``$_``.

    ``output`` picks one output of a result with several (``$_[1]``); ``step`` counts back
    from the current step (-1 is the previous one).
    """

    output: int | None = None
    step: int = -1

    def __repr__(self) -> str:  # as failure reports show the client's call
        which = "previous result" if self.step == -1 else f"result of step {self.step:+d}"
        return f"<{which}>" if self.output is None else f"<{which}>[{self.output}]"


@dataclass(frozen=True)
class File:
    """A fixture file (see ``fixtures.py``) given to the client as ``handle_file(path)``, or
    by URL as ``File("{base}/fixtures/NAME")`` (the corpus server serves them); or, as
    ``File(Prev())``, an earlier result with every file in it wrapped so again: the client
    returns the paths of the files it saved, and sends a path as a file only when wrapped."""

    name: str | Prev

    def __repr__(self) -> str:
        if isinstance(self.name, Prev):
            return f"<files of the {repr(self.name)[1:-1]}, each as handle_file(path)>"
        return f"handle_file({self.name!r})"


@dataclass(frozen=True)
class JsonFile:
    """A value given to the 3.x client as the path of a JSON file holding it: how that client
    takes a Json or Chatbot input (though it returns one as the value itself)."""

    value: Any

    def __repr__(self) -> str:
        return f"<a JSON file of {self.value!r}>"


@dataclass(frozen=True)
class Step:
    """One call. ``endpoint`` is ``/name``, or ``fn N`` for an event called by its index."""

    endpoint: str
    shell: str
    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)
    #: The app raises: both clients must fail (and say ``error`` when given).
    fails: bool = False
    error: str | None = None
    #: Compare every intermediate value of a generator, not only the final one.
    stream: bool = False

    @property
    def fn_index(self) -> int | None:
        if self.endpoint.startswith("fn "):
            return int(self.endpoint[3:])
        return None

    def command(self, session: str) -> str:
        """The shell statement that makes this call in ``session``."""
        return f"@{session} {self.endpoint} {self.shell}".rstrip()


@dataclass(frozen=True)
class Case:
    """Steps run in order in one fresh session of each client (a new session hash)."""

    name: str
    steps: tuple[Step, ...]
    releases: tuple[int, ...] | None = None

    def runs_on(self, major: int) -> bool:
        return self.releases is None or major in self.releases


@dataclass(frozen=True)
class App:
    """A corpus app: ``build()`` returns the Blocks, served at ``/<name>``."""

    name: str
    build: Callable[[], Any]
    cases: tuple[Case, ...]
    releases: tuple[int, ...] = MODERN
    #: The oldest release of a major the app needs (a component added in 4.38, say).
    since: str | None = None

    def runs_on(self, version: str) -> bool:
        numbers = _version(version)
        if numbers[0] not in self.releases:
            return False
        return self.since is None or numbers >= _version(self.since)

    def cases_for(self, version: str) -> list[Case]:
        major = _version(version)[0]
        return [c for c in self.cases if c.runs_on(major)]


def app(
    *cases: Case, releases: Iterable[int] = MODERN, since: str | None = None
) -> Callable[[Callable[[], Any]], App]:
    """Make the decorated function (which builds the Blocks) a corpus app of its name."""

    def wrap(build: Callable[[], Any]) -> App:
        return App(build.__name__, build, tuple(cases), tuple(releases), since)

    return wrap


def case(name: str, *steps: Step, releases: Iterable[int] | None = None) -> Case:
    return Case(name, steps, tuple(releases) if releases is not None else None)


def call(
    endpoint: str,
    shell: str,
    *args: Any,
    kwargs: dict[str, Any] | None = None,
    fails: bool = False,
    error: str | None = None,
    stream: bool = False,
) -> Step:
    """A step: the shell's words after the endpoint, then the client's positional values."""
    return Step(endpoint, shell, args, kwargs or {}, fails or error is not None, error, stream)


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(".")[:3] if part.isdigit())


def gradio_version() -> tuple[int, ...]:
    """The running Gradio's version, for the few apps whose API changed between releases."""
    import gradio

    return _version(gradio.__version__)
