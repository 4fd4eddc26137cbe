"""Shopify's search syntax for the `query:` argument (https://shopify.dev/docs/api/usage/search-syntax).

`parse_search` gives a small tree; `matches` walks it over one record, asking a resource's `field_match`
for each `field:value` term. An unknown field is ignored with a warning, as Shopify does
(`extensions.search`, docs/vendor-behaviour.md §1.5).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from fakes.clock import parse_iso8601


@dataclass
class Term:
    field: str | None
    comparator: str
    value: str
    quoted: bool


class SearchSyntaxError(ValueError):
    pass


_TOKEN_RE = re.compile(
    r"""\s*(?:(?P<lp>\()|(?P<rp>\))|(?P<term>-?(?:[\w.\-]+:(?:<=|>=|<|>)?)?(?:'[^']*'|"[^"]*"|[^\s()]+)))""")


def _tokenize(text: str) -> list[Any]:
    tokens: list[Any] = []
    position = 0
    while position < len(text):
        if text[position:].strip() == "":
            break
        match = _TOKEN_RE.match(text, position)
        if not match or match.end() == position:
            raise SearchSyntaxError(text)
        position = match.end()
        if match.group("lp"):
            tokens.append("(")
        elif match.group("rp"):
            tokens.append(")")
        else:
            tokens.append(match.group("term"))
    return tokens


def parse_search(text: str) -> Any:
    """Shopify search syntax (https://shopify.dev/docs/api/usage/search-syntax) -> a small tree.

    Terms are `value`, `field:value`, `field:>value` (`<`, `<=`, `>=`), values may be quoted; `-term`
    or `NOT term` negates; terms are joined by implicit AND, explicit `AND`, or `OR` (lowest precedence);
    parentheses group.
    """
    tokens = _tokenize(text)
    position = 0

    def peek() -> Any:
        return tokens[position] if position < len(tokens) else None

    def take() -> Any:
        nonlocal position
        position += 1
        return tokens[position - 1]

    def parse_or() -> Any:
        left = parse_and()
        while peek() == "OR":
            take()
            left = ("or", left, parse_and())
        return left

    def parse_and() -> Any:
        left = parse_unary()
        while peek() not in (None, ")", "OR"):
            if peek() == "AND":
                take()
            left = ("and", left, parse_unary())
        return left

    def parse_unary() -> Any:
        token = peek()
        if token is None:
            raise SearchSyntaxError(text)
        if token == "NOT":
            take()
            return ("not", parse_unary())
        if token == "(":
            take()
            inner = parse_or()
            if peek() == ")":
                take()
            return inner
        if token == ")":
            raise SearchSyntaxError(text)
        take()
        negate = token.startswith("-") and len(token) > 1
        if negate:
            token = token[1:]
        parsed = term(token)
        return ("not", parsed) if negate else parsed

    tree = parse_or() if tokens else None
    return tree


def term(token: str) -> Term:
    match = re.match(r"^([\w.\-]+):(<=|>=|<|>)?(.*)$", token)
    if match and not token.startswith(("'", '"')):
        name, comparator, value = match.group(1), match.group(2) or ":", match.group(3)
    else:
        name, comparator, value = None, ":", token
    quoted = len(value) >= 2 and value[0] == value[-1] and value[0] in "'\""
    if quoted:
        value = value[1:-1]
    return Term(name, comparator, value, quoted)


_WORD_RE = re.compile(r"[0-9A-Za-z\u00C0-\uFFFF]+")


def words(text: str | None) -> list[str]:
    return [w.lower() for w in _WORD_RE.findall(text or "")]


def text_match(haystack: str | None, value: str) -> bool:
    # Shopify's search is by word, case-insensitive: `name:acme` finds "ACME Corp" and "Big Acme" (a live
    # capture matches a word in the middle of a name); `acme*` is a prefix, a quoted value a phrase.
    prefix = value.endswith("*")
    wanted = words(value.rstrip("*"))
    found = words(haystack)
    if not wanted:
        return True
    for start in range(len(found) - len(wanted) + 1):
        window = found[start:start + len(wanted)]
        if window[:-1] == wanted[:-1] and (
                window[-1].startswith(wanted[-1]) if prefix else window[-1] == wanted[-1]):
            return True
    return False


def compare(left: Any, comparator: str, right: Any) -> bool:
    return {":": left == right, "<": left < right, ">": left > right, "<=": left <= right,
            ">=": left >= right}[comparator]



Warn = Callable[[str, str], None]
FieldMatch = Callable[[Any, Term, Warn], "bool | None"]  # None: not a field of this resource


def matches(tree: Any, record: Any, field_match: FieldMatch, texts: Callable[[Any], list[str | None]],
            warn: Warn) -> bool:
    """Whether `record` satisfies the parsed query: free words against `texts(record)`, `field:value` terms
    through `field_match` (which returns None for a field the resource does not know)."""
    if tree is None:
        return True
    if isinstance(tree, tuple):
        if tree[0] == "and":
            return matches(tree[1], record, field_match, texts, warn) and \
                matches(tree[2], record, field_match, texts, warn)
        if tree[0] == "or":
            return matches(tree[1], record, field_match, texts, warn) or \
                matches(tree[2], record, field_match, texts, warn)
        return not matches(tree[1], record, field_match, texts, warn)
    if tree.field is None:
        return any(text_match(text, tree.value) for text in texts(record))
    found = field_match(record, tree, warn)
    if found is None:
        warn(tree.field, "Invalid search field for this query.")
        return True  # Shopify ignores an unknown field and says so in extensions.search
    return found


def match_id(actual: int, term: Term, warn: Warn) -> bool:
    """`id:123`, `id:>=123`, or a GID as the value."""
    try:
        wanted = int(term.value.rsplit("/", 1)[-1])
    except ValueError:
        warn(term.field or "id", "Invalid value for this search field.")
        return True
    return compare(actual, term.comparator, wanted)


def match_time(actual: datetime | None, term: Term, warn: Warn) -> bool:
    """`updated_at:>2024-01-01T00:00:00Z`, `created_at:2024-01-01` (a whole day), quoted or not."""
    try:
        wanted = parse_iso8601(term.value)
    except ValueError:
        warn(term.field or "", "Invalid timestamp for this search field.")
        return True
    if actual is None:
        return False
    if term.comparator == ":" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", term.value):
        return actual.date() == wanted.date()
    return compare(actual, term.comparator, wanted)


def match_exact(actual: str | None, term: Term) -> bool:
    """A whole-value, case-insensitive match (`email:ada@example.com`); `*` at the end is a prefix."""
    value = term.value.lower()
    text = (actual or "").lower()
    return text.startswith(value[:-1]) if value.endswith("*") else text == value
