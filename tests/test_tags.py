"""Tag strings both ways: what a journalist types (parse_tags) and what the form shows
(edit_string_for_tags), our own functions on taggit's public settings hooks."""

import ast
from pathlib import Path

import pytest

from tags.models import Tag
from tags.parsing import edit_string_for_tags, parse_tags

ROOT = Path(__file__).resolve().parents[1]


def tags(*names):
    return [Tag(name=name) for name in names]


@pytest.mark.parametrize(
    ("typed", "names"),
    [
        ("الحسكة، قسد", ["الحسكة", "قسد"]),
        ("الحسكة,قسد؛ داعش; دير الزور", ["الحسكة", "داعش", "دير الزور", "قسد"]),
        ('"دير الزور"، الحسكة', ["الحسكة", "دير الزور"]),
        ("  ، ,", []),
        ("", []),
    ],
)
def test_parse_tags_splits_on_arabic_and_latin_separators(typed, names):
    assert parse_tags(typed) == names


def test_edit_string_uses_the_arabic_comma_in_name_order():
    assert edit_string_for_tags(tags("قسد", "الحسكة", "داعش")) == "الحسكة، داعش، قسد"
    assert edit_string_for_tags([]) == ""


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("دير الزور", '"دير الزور"'),  # a space: quoted, as taggit does
        ("a,b", '"a,b"'),  # a comma: quoted, as taggit does
        ("a, b", '"a, b"'),  # the comma inside the quotes stays a Latin comma
        ("الحسكة،قسد", '"الحسكة،قسد"'),  # the Arabic comma is a comma here
        ("الحسكة", "الحسكة"),
    ],
)
def test_edit_string_quotes_names_holding_a_comma_or_a_space(name, shown):
    assert edit_string_for_tags(tags(name)) == shown


def test_quoted_names_sort_as_taggit_sorts_them():
    """taggit sorts the names as written, quotes included: quoted names come first."""
    shown = edit_string_for_tags(tags("قسد", "دير الزور", "الحسكة"))
    assert shown == '"دير الزور"، الحسكة، قسد'


def test_what_the_form_shows_reads_back_as_the_same_tags():
    names = ["الحسكة", "دير الزور", "قسد", "ريف حلب الشمالي"]
    assert parse_tags(edit_string_for_tags(tags(*names))) == sorted(names)


@pytest.mark.parametrize("path", ["articles/history.py", "articles/workflow.py", "tags/parsing.py"])
def test_no_private_names_of_dependencies(path):
    """reversion's Version._model and taggit's _edit_string_for_tags were used here; only
    public APIs now (Model._meta and _default_manager are Django's documented API)."""
    allowed = {"_meta", "_default_manager"}
    tree = ast.parse((ROOT / path).read_text())
    used = [
        node.attr
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr.startswith("_")
        and not node.attr.startswith("__")
        and node.attr not in allowed
    ]
    imported = [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and not (node.module or "").startswith(".")
        for alias in node.names
        if alias.name.startswith("_")
    ]
    assert used + imported == []
