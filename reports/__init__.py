"""The conformance report: the result model (`reports.model`) and its three renderings.

`write_all(result, DIR)` writes `DIR/conformance.json`, `DIR/junit.xml` and `DIR/index.html`.
"""

from __future__ import annotations

from pathlib import Path

from reports.model import RunResult


def write_all(result: RunResult, directory: Path) -> dict[str, Path]:
    """Write the JSON, JUnit and HTML reports into `directory`; returns {"json", "junit", "html"} -> path."""
    # Imported here so `import reports.model` (the scenarios do) does not load jinja2 and the templates.
    from reports.render_html import write_html
    from reports.render_json import write_json
    from reports.render_junit import write_junit

    return {"json": write_json(result, directory), "junit": write_junit(result, directory),
            "html": write_html(result, directory)}
