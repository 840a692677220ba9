import contextlib
import copy

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gradioshell.gradio.diff import DiffError, apply_diff


def test_replace_and_append_whole_value() -> None:
    assert apply_diff("a", [["replace", [], "b"]]) == "b"
    assert apply_diff("ab", [["append", [], "c"]]) == "abc"


def test_nested_edits() -> None:
    chat = [["hi", "hel"]]
    assert apply_diff(chat, [["append", [0, 1], "lo"]]) == [["hi", "hello"]]
    assert apply_diff(chat, [["add", [1], ["q", None]]]) == [["hi", "hel"], ["q", None]]
    assert apply_diff({"a": 1, "b": 2}, [["delete", ["a"], None]]) == {"b": 2}
    assert apply_diff([1, 2, 3], [["delete", [1], None]]) == [1, 3]


def test_original_is_not_modified() -> None:
    value = [[1], {"k": "v"}]
    before = copy.deepcopy(value)
    apply_diff(value, [["append", [0], [2]], ["replace", [1, "k"], "w"]])
    assert value == before


@pytest.mark.parametrize(
    "diff",
    [
        "notalist",
        [["replace"]],
        [["append", [], 5]],
        [["replace", [3], 1]],
        [["explode", [0], 1]],
        [["add", [], 1]],
        [["replace", ["x", "y"], 1]],
    ],
)
def test_bad_diffs_raise_diff_error(diff: object) -> None:
    with pytest.raises(DiffError):
        apply_diff(["ab"], diff)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=5),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=3)
    ),
    max_leaves=8,
)
edits = st.lists(
    st.tuples(
        st.sampled_from(["replace", "append", "add", "delete", "bogus"]),
        st.lists(st.integers(-2, 3) | st.text(max_size=2), max_size=3),
        json_values,
    ).map(list),
    max_size=4,
)


@given(json_values, edits)
def test_any_diff_applies_or_raises_diff_error(value: object, diff: list) -> None:
    with contextlib.suppress(DiffError):
        apply_diff(value, diff)
