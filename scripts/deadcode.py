"""Dead-code check (documents/checks.md): functions, methods, classes, properties and imports
in ``src`` that nothing in ``src`` uses, found by vulture.

Unused attributes and variables are not reported: pydantic fields, Beanie ``Settings`` and
dataclass fields are read by the frameworks, so vulture cannot tell. Framework entry points
(Litestar handlers, validators, Dramatiq actors, Socket.IO events, Typer commands) are
recognised by their decorators; the rest that only frameworks or tests reach is listed in
``scripts/vulture_whitelist.py``, each with the reason.
"""

from __future__ import annotations

import sys
from pathlib import Path

from vulture import Vulture

ROOT = Path(__file__).resolve().parent.parent
MIN_CONFIDENCE = 60
CHECKED = {"function", "method", "class", "property", "import", "unreachable_code"}
DECORATORS = [
    "@get", "@post", "@put", "@patch", "@delete", "@route", "@websocket",
    "@field_validator", "@model_validator", "@field_serializer", "@computed_field",
    "@task", "@on", "@app.command",
]  # fmt: skip


def main() -> int:
    vulture = Vulture(ignore_decorators=DECORATORS)
    vulture.scavenge([str(ROOT / "src"), str(ROOT / "scripts" / "vulture_whitelist.py")])
    found = [
        item
        for item in vulture.get_unused_code(min_confidence=MIN_CONFIDENCE)
        if item.typ in CHECKED
    ]
    for item in found:
        print(item.get_report(add_size=False))
    if found:
        print(f"{len(found)} unused; remove them or add a reason to scripts/vulture_whitelist.py")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
