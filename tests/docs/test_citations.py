"""Every citation of the project's documents resolves to a heading, section number or requirement ID in docs/.

Code comments, docstrings, tests and READMEs cite `docs/spec.md CNT-1`, `docs/design.md#the-process-contract`
and `docs/vendor-behaviour.md §3.10` (with `"Customer"` for a subsection, `§7 q.9` for an open question).
A citation of a heading that was renamed, a section that was renumbered or an ID that does not exist
fails here, and so does a citation of the documents' old names, which no reader of this repository has.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pytest

from scenarios.catalogue import SPEC_LINE, requirements

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
SKIPPED_DIRS = {".git", ".venv", "node_modules", "build", "dist", "__pycache__", ".pytest_cache", ".ruff_cache",
                ".hypothesis", ".schemathesis"}
# This file spells out broken citations on purpose (the checks below must be able to fail).
THIS_FILE = Path(__file__).resolve()

# The names the documents had before they lived in docs/ (spelled in pieces so this file does not cite them).
LEGACY = re.compile(r"\b(?:" + "SPEC" + r"\.md|" + "DESIGN" + r"\.md|" + "API-" + r"FACTS\b(?:\.md)?|" + "SPEC"
                    + r" (?:[A-Z]{3}-\d|order\b|section\b))")
DOC_PATH = re.compile(r"(?<![\w/-])(?:\.\./)*docs/([\w.-]+\.md)(#[\w-]+)?")
# A link between the documents themselves (links from elsewhere spell docs/ and are found by DOC_PATH).
DOC_LINK = re.compile(r"\]\(([\w-]+\.md)(#[\w-]+)?\)")
SPEC_IDS = re.compile(r"\s*,?\s*(?:and\s+)?([A-Z]{3})-(\d+)(?:\.\.(\d+))?")
SECTION = r"(\d+(?:\.(?:\d+|[A-Z]))?|[A-Z]\.\d+)"
VENDOR_SECTIONS = re.compile(r" §" + SECTION + r"((?:\s*(?:-|/|,|and)\s*§?" + SECTION + r")*)")
VENDOR_NAMES = re.compile(r' "([^"]+)"((?:,? "[^"]+")*)')
OPEN_QUESTION = re.compile(r" q\.(\d+)")
HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
NUMBERED = re.compile(r"^" + SECTION + r"\.?\s")


@dataclass(frozen=True)
class Doc:
    """One document of docs/: its heading anchors, its numbered sections and their subsection titles."""

    anchors: frozenset[str]
    sections: dict[str, list[str]]  # section number -> titles of the headings inside it
    items: dict[str, int]  # section number -> how many numbered list items it has (open questions)


def slug(title: str) -> str:
    """A heading's anchor as GitHub makes it: lower case, punctuation dropped, spaces as hyphens."""
    text = re.sub(r"[`*_]|\[([^\]]*)\]\([^)]*\)", lambda m: m.group(1) or "", title).strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def _headings(text: str) -> list[tuple[int, str]]:
    found, fenced = [], False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
        elif not fenced and (match := HEADING.match(line)):
            found.append((len(match.group(1)), match.group(2)))
    return found


def read_doc(text: str) -> Doc:
    """The anchors, numbered sections and open-question items of a document's text."""
    anchors, sections, items = set(), {}, {}
    open_sections: list[tuple[int, str]] = []  # (level, number) of the numbered headings we are inside
    fenced = False
    for line in text.splitlines():
        if line.startswith("```"):
            fenced = not fenced
            continue
        match = None if fenced else HEADING.match(line)
        if match:
            level, title = len(match.group(1)), match.group(2)
            anchors.add(slug(title))
            open_sections = [(lv, n) for lv, n in open_sections if lv < level]
            for _, number in open_sections:
                sections[number].append(title)
            if numbered := NUMBERED.match(title):
                sections.setdefault(numbered.group(1), [])
                open_sections.append((level, numbered.group(1)))
        elif not fenced and open_sections and (item := re.match(r"^(\d+)\. ", line)):
            number = open_sections[-1][1]
            items[number] = max(items.get(number, 0), int(item.group(1)))
    return Doc(frozenset(anchors), sections, items)


@cache
def documents() -> dict[str, Doc]:
    """Every document of docs/, by file name."""
    return {path.name: read_doc(path.read_text(encoding="utf-8")) for path in sorted(DOCS.glob("*.md"))}


@cache
def spec_ids() -> frozenset[str]:
    """The requirement IDs of docs/spec.md: the catalogue's and the harness guarantees (HAR-n)."""
    text = (DOCS / "spec.md").read_text(encoding="utf-8")
    return frozenset(re.findall(r"^- \*\*([A-Z]{3}-\d+)\b", text, re.MULTILINE))


def _anchor_problem(name: str, anchor: str | None) -> str | None:
    doc = documents().get(name)
    if doc is None:
        return f"docs/{name} does not exist"
    if anchor and anchor[1:] not in doc.anchors:
        return f"docs/{name} has no heading {anchor}"
    return None


def _vendor_problems(rest: str) -> list[str]:
    """Problems of what follows a `docs/vendor-behaviour.md` citation: sections, subsection names, questions."""
    doc = documents()["vendor-behaviour.md"]
    cited = VENDOR_SECTIONS.match(rest)
    if cited is None:
        return []
    numbers = [cited.group(1), *re.findall(SECTION, cited.group(2))]
    problems = [f"docs/vendor-behaviour.md has no section §{n}" for n in numbers if n not in doc.sections]
    after = rest[cited.end():]
    if (names := VENDOR_NAMES.match(after)) and numbers[-1] in doc.sections:
        for name in [names.group(1), *re.findall(r'"([^"]+)"', names.group(2))]:
            if not any(title.startswith(name) for title in doc.sections[numbers[-1]]):
                problems.append(f'docs/vendor-behaviour.md §{numbers[-1]} has no subsection "{name}"')
    elif (question := OPEN_QUESTION.match(after)) and int(question.group(1)) > doc.items.get(numbers[-1], 0):
        problems.append(f"docs/vendor-behaviour.md §{numbers[-1]} has no question {question.group(1)}")
    return problems


def citation_problems(text: str, *, in_docs: bool = False) -> list[str]:
    """Every citation in `text` that does not resolve, and every use of the documents' old names."""
    problems = [f"{m.group(0)!r} is an old name: cite docs/spec.md, docs/design.md or docs/vendor-behaviour.md"
                for m in LEGACY.finditer(text)]
    for match in DOC_PATH.finditer(text):
        name, anchor = match.group(1), match.group(2)
        if problem := _anchor_problem(name, anchor):
            problems.append(problem)
            continue
        rest = text[match.end():match.end() + 200]
        if name == "spec.md" and not anchor:
            for rid in SPEC_IDS.finditer(rest):
                if rid.start() != 0:
                    break
                rest = rest[rid.end():]
                last = rid.group(3) or rid.group(2)
                problems += [f"docs/spec.md has no requirement {rid.group(1)}-{n}" for n in {rid.group(2), last}
                             if f"{rid.group(1)}-{n}" not in spec_ids()]
        elif name == "vendor-behaviour.md" and not anchor:
            problems += _vendor_problems(rest)
    for match in DOC_LINK.finditer(text) if in_docs else ():
        if problem := _anchor_problem(*match.groups()):
            problems.append(problem)
    return problems


def _requirement_lines(text: str) -> set[int]:
    """Line numbers of docs/spec.md's requirement items, whose text is quoted word for word and never edited
    (SET-5 still names the design document by its old name; docs/spec.md says where that table is now)."""
    lines, open_item = set(), False
    for number, line in enumerate(text.splitlines()):
        if SPEC_LINE.match(line):
            lines.add(number)
            open_item = True
        elif open_item and line.startswith("  ") and line.strip():
            lines.add(number)
        else:
            open_item = False
    return lines


def cited_files() -> list[Path]:
    """The project's .py and .md files: git's tracked and new ones, or a walk of the tree outside git."""
    try:
        listed = subprocess.run(["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z", "--",
                                 "*.py", "*.md"], cwd=ROOT, capture_output=True, check=True, timeout=60).stdout
        files = [ROOT / name for name in listed.decode().split("\0") if name]
    except (OSError, subprocess.SubprocessError):
        files = [p for p in ROOT.rglob("*") if p.suffix in (".py", ".md")
                 and not SKIPPED_DIRS.intersection(p.relative_to(ROOT).parts[:-1])]
    return sorted(p for p in files if p.is_file() and p.resolve() != THIS_FILE)


def test_every_citation_in_the_repository_resolves():
    broken = []
    for path in cited_files():
        text = path.read_text(encoding="utf-8", errors="replace")
        relative = path.relative_to(ROOT)
        if relative == Path("docs/spec.md"):
            quoted = _requirement_lines(text)
            text = "\n".join("" if n in quoted else line for n, line in enumerate(text.splitlines()))
        for problem in citation_problems(text, in_docs=relative.parts[0] == "docs"):
            broken.append(f"{relative}: {problem}")
    assert not broken, "citations that do not resolve:\n" + "\n".join(broken)


def test_the_files_are_found():
    names = {p.relative_to(ROOT).as_posix() for p in cited_files()}
    assert {"README.md", "docs/spec.md", "harness/adapters.py", "tests/docs/__init__.py"} <= names
    assert not any(name.startswith(".venv/") for name in names)


@pytest.mark.parametrize("text", [
    "see docs/spec.md CNT-1", "docs/spec.md DSH-1..3", "docs/spec.md CON-4, CNT-6 and HAR-1",
    "docs/design.md#the-process-contract", "docs/design.md#field-mappings", "[design](design.md#judging)",
    "docs/vendor-behaviour.md §3.10 and §3.5", "docs/vendor-behaviour.md §1.2-1.5",
    'docs/vendor-behaviour.md §1.6 "Product"', 'docs/vendor-behaviour.md §1.6 "Order", "Abandoned checkouts"',
    "docs/vendor-behaviour.md §7 q.9", "docs/vendor-behaviour.md §8.B", "docs/vendor-behaviour.md §A.1",
    "[spec](../docs/spec.md)", "docs/spec.md#cnt-contacts---customers",
])
def test_a_citation_of_what_exists_resolves(text: str) -> None:
    assert citation_problems(text, in_docs=True) == []


@pytest.mark.parametrize(("text", "problem"), [
    ("see docs/spec.md CNT-9", "no requirement CNT-9"),
    ("docs/spec.md DSH-1..4", "no requirement DSH-4"),
    ("docs/design.md#the-processs-contract", "no heading #the-processs-contract"),
    ("docs/vendor-behaviour.md §3.11", "no section §3.11"),
    ("docs/vendor-behaviour.md §3.10 and §3.55", "no section §3.55"),
    ('docs/vendor-behaviour.md §1.6 "Refund"', 'no subsection "Refund"'),
    ("docs/vendor-behaviour.md §7 q.40", "no question 40"),
    ("docs/handbook.md", "docs/handbook.md does not exist"),
    ("[spec](spec.md#nowhere)", "no heading #nowhere"),
    ("the rules of " + "SPEC" + ".md", "old name"),
    ("(" + "API-" + "FACTS 3.10)", "old name"),
    ("as " + "DESIGN" + ".md fixes", "old name"),
    ("(" + "SPEC" + " CON-4)", "old name"),
])
def test_a_citation_of_what_does_not_exist_fails(text: str, problem: str) -> None:
    found = citation_problems(text, in_docs=True)
    assert len(found) == 1 and problem in found[0]


def test_the_field_mapping_table_that_set_5_names_is_in_the_design():
    set5 = next(r for r in requirements() if r.id == "SET-5")
    assert "field mapping table" in set5.text
    assert "field-mappings" in documents()["design.md"].anchors
    assert "(design.md#field-mappings)" in (DOCS / "spec.md").read_text(encoding="utf-8")


def test_vendor_sections_keep_their_numbers():
    sections = documents()["vendor-behaviour.md"].sections
    assert {"1", "1.6", "2.2", "3.5", "3.10", "4.2", "5.3", "6.1", "7", "7.1", "8.A", "A.1", "9.F", "F.6"} <= set(
        sections)
    assert documents()["vendor-behaviour.md"].items["7"] == 12
