"""`load.compose` builds the node tree without recursion (any depth); where PyYAML's own
composer can build it too, the two trees are the same: tags, values, styles and marks."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from curatorbot.catalog.load import compose
from curatorbot.errors import CatalogInvalid

ROOT = Path(__file__).resolve().parent.parent.parent
LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def shape(node: yaml.Node) -> list[tuple[object, ...]]:
    """Every node of the tree, in order, with what `catalog.edit` reads of it."""
    out: list[tuple[object, ...]] = []
    stack = [node]
    while stack:
        node = stack.pop()
        out.append((type(node).__name__, node.tag, node.start_mark.index, node.end_mark.index,
                    getattr(node, "style", None), getattr(node, "flow_style", None),
                    node.value if isinstance(node, yaml.ScalarNode) else len(node.value)))
        if isinstance(node, yaml.MappingNode):
            stack += [part for pair in reversed(node.value) for part in reversed(pair)]
        elif isinstance(node, yaml.SequenceNode):
            stack += reversed(node.value)
    return out


@pytest.mark.parametrize("text", [
    (ROOT / "catalog.yaml").read_text(encoding="utf-8"),
    "a: &x [1, {b: 2}]\nc: *x\nd: !!str 3\ne: '4'\nf: !!map {}\ng: yes\nh: |\n  block\n",
    "- [a, [b, [c, {d: [e]}]]]\n- ''\n-\n",
], ids=["seed catalog", "anchors and tags", "nested flow"])
def test_same_tree_as_pyyaml(text: str) -> None:
    assert shape(compose(text, "x.yaml")) == shape(yaml.compose(text, Loader=LOADER))


def test_deeper_than_libyaml_and_the_recursion_limit() -> None:
    depth = 1500  # libyaml stops at 1000; PyYAML's composer would recurse 1500 deep
    root = compose("a: " + "[" * depth + "x" + "]" * depth + "\n", "deep.yaml")
    node = root.value[0][1]
    for _ in range(depth - 1):
        node = node.value[0]
    assert node.value[0].value == "x"


@pytest.mark.parametrize(("text", "message"), [
    ("a: *nowhere\n", "deep.yaml:1: malformed YAML"),
    ("a: 1\n---\nb: 2\n", "deep.yaml:2: the file holds more than one YAML document"),
    ("", "deep.yaml:1: the catalog is empty"),
])
def test_bad_yaml_is_a_problem_with_its_line(text: str, message: str) -> None:
    with pytest.raises(CatalogInvalid) as caught:
        compose(text, "deep.yaml")
    assert str(caught.value).startswith(message)
