"""The Content-Security-Policy allows scripts from our own origin only (script-src 'self'), so an
inline event handler in a template would be blocked in the browser: none may be written."""

import re
from pathlib import Path

from django.conf import settings

HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)


def _templates() -> list[Path]:
    root = Path(settings.BASE_DIR)
    return [
        path
        for path in root.rglob("templates/**/*.html")
        if ".venv" not in path.parts and "node_modules" not in path.parts
    ]


def test_templates_have_no_inline_event_handlers():
    templates = _templates()
    assert len(templates) > 50
    offenders = [
        f"{path.relative_to(settings.BASE_DIR)}:{number}"
        for path in templates
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if HANDLER.search(line)
    ]
    assert not offenders, offenders
