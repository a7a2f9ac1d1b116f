"""The loader's shortcuts give what the long way gives: scalars read without the resolver
are the values safe loading builds, and URLs passed on sight are ones the full test passes."""

from __future__ import annotations

import yaml
from hypothesis import given
from hypothesis import strategies as st

from curatorbot.catalog.load import (
    _PLAIN_URL,
    ENTRY_KEYS,
    LINK_KEYS,
    ROOT_KEYS,
    SECTION_KEYS,
    SOURCE_KEYS,
    _Builder,
    _Events,
    _parsed_url_problem,
)
from curatorbot.catalog.model import BOT_KEYS
from curatorbot.settings import SETTING_TYPES

SCALARS = [
    "plain", "Title", "yes", "Yes", "on", "off", "No", "y", "n", "true", "False", "~", "null",
    "Null", "", "12", "-3", "+4", "0x1F", "0o17", "1_000", "1.5", ".5", ".inf", "-.INF", ".nan",
    "2024-01-01", "2024-01-01 10:00:00", "'yes'", '"12"', "!!str 12", "! 12",
    "!!int '7'", "|\n  block\n", ">\n  folded\n", "'  spaced  '", "e0", "website", "x1",
    "0", "00", "1e3", "t", "f", "NO", "OFF", "Off",
]


def built(text: str) -> object:
    events = _Events(f"key: {text}\n", "t.yaml")
    builder = _Builder("t.yaml", events)
    while not isinstance(events.head, yaml.ScalarEvent) or events.head.value != "key":
        events.take()
    events.take()
    event = events.take()
    assert isinstance(event, yaml.ScalarEvent)
    return builder.construct(event)


def test_a_merge_key_as_a_value_is_refused_as_safe_loading_refuses_it() -> None:
    assert built("<<") is None and built("=") is None
    assert yaml.safe_load("key: '<<'\n")["key"] == built("'<<'") == "<<"


def test_scalars_are_what_safe_loading_builds() -> None:
    for text in SCALARS:
        expected = yaml.safe_load(f"key: {text}\n")["key"]
        got = built(text)
        assert (type(got), got) == (type(expected), expected) or \
            (expected != expected and got != got), text  # nan


@given(st.from_regex(_PLAIN_URL, fullmatch=True))
def test_urls_passed_on_sight_pass_the_full_test(url: str) -> None:
    assert _parsed_url_problem(url) is None



def test_every_known_key_is_a_word_yaml_reads_as_a_string() -> None:
    for keys in (ROOT_KEYS, SOURCE_KEYS, SECTION_KEYS, ENTRY_KEYS, LINK_KEYS, tuple(BOT_KEYS),
                 tuple(SETTING_TYPES)):
        for key in keys:
            assert yaml.safe_load(f"{key}: 1\n") == {key: 1}, key
