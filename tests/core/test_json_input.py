"""JSON from files GNApp did not write: bounded in size and depth, standard JSON only."""

from __future__ import annotations

import json
import os

import pytest

from gnapp.core import json_input


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
        json_input.loads(text)
    assert expected in str(refused.value)


def test_ordinary_json_reads_as_json_loads_reads_it():
    text = json.dumps({"members": [{"full_name": "Nguyễn Văn An", "income": 1.5}], "n": 10**30})
    assert json_input.loads(text) == json.loads(text)
    assert json_input.loads("[" * 64 + "]" * 64) is not None


def test_a_file_too_large_a_pipe_or_a_folder_is_an_os_error(tmp_path):
    large = tmp_path / "lon.json"
    with open(large, "wb") as stream:
        stream.truncate(json_input.MAX_BYTES + 1)
    with pytest.raises(OSError, match="tệp lớn quá 32 MB"):
        json_input.read_file(large)
    pipe = tmp_path / "ong.json"
    os.mkfifo(pipe)
    with pytest.raises(OSError, match="không phải là một tệp"):
        json_input.read_file(pipe)
    with pytest.raises(IsADirectoryError):
        json_input.read_file(tmp_path)
