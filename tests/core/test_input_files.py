"""JSON from files GNApp did not write: bounded in size and depth, standard JSON only."""

from __future__ import annotations

import json
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gnapp.core import input_files


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[" * 100_000, "lồng nhau quá 64 cấp"),  # json.loads: RecursionError
        ("[" * 65 + "]" * 65, "lồng nhau quá 64 cấp"),  # parsed, then too deep for the readers
        ('{"a": NaN}', "NaN"),
        ('{"a": -Infinity}', "-Infinity"),
        ("[1e400]", "1e400"),
        ("9" * 5000, "số quá dài"),  # int() refuses it with a ValueError
    ],
)
def test_what_json_loads_takes_or_chokes_on_is_a_json_error(text, expected):
    with pytest.raises(json.JSONDecodeError) as refused:
        input_files.loads_json(text)
    assert expected in str(refused.value)


def test_ordinary_json_reads_as_json_loads_reads_it():
    text = json.dumps({"members": [{"full_name": "Nguyễn Văn An", "income": 1.5}], "n": 10**30})
    assert input_files.loads_json(text) == json.loads(text)
    assert input_files.loads_json("[" * 64 + "]" * 64) is not None


def test_a_file_too_large_a_pipe_or_a_folder_is_an_os_error(tmp_path):
    large = tmp_path / "lon.json"
    with open(large, "wb") as stream:
        stream.truncate(input_files.MAX_JSON_BYTES + 1)
    with pytest.raises(OSError, match="tệp lớn quá 32 MB"):
        input_files.read_json(large)
    pipe = tmp_path / "ong.json"
    os.mkfifo(pipe)
    with pytest.raises(OSError, match="không phải là một tệp"):
        input_files.read_json(pipe)
    with pytest.raises(IsADirectoryError):
        input_files.read_json(tmp_path)


def test_read_bytes_stops_at_its_limit_and_read_head_never_waits_on_a_pipe(tmp_path):
    small = tmp_path / "khoa.gnpub"
    small.write_bytes(b"x" * 2048)
    assert input_files.read_bytes(small, 2048) == b"x" * 2048
    with pytest.raises(OSError, match="tệp lớn quá 1 KB"):
        input_files.read_bytes(small, 1024)
    assert input_files.read_head(small, 4) == b"xxxx"
    pipe = tmp_path / "ong.gnapp-backup"
    os.mkfifo(pipe)
    with pytest.raises(OSError, match="không phải là một tệp"):
        input_files.read_head(pipe, 4)


_JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None, derandomize=True)
@given(
    st.one_of(
        st.text(max_size=300),
        st.builds(lambda depth, open_: open_ * depth, st.integers(0, 3000), st.sampled_from("[{")),
        _JSONISH.map(lambda value: json.dumps(value, allow_nan=True)),
        st.binary(max_size=200).map(lambda data: data.decode("latin-1")),
    )
)
def test_any_text_is_json_or_a_json_error(text):
    """Whatever the text, loads_json gives a value within the limits or a JSONDecodeError: never
    RecursionError, OverflowError or another ValueError."""
    try:
        value = input_files.loads_json(text)
    except json.JSONDecodeError:
        return
    assert json.loads(json.dumps(value, allow_nan=False)) == value
