"""Message templates: one Jinja file per message, one block per part.

Blocks: ``subject``, ``text`` (plain email), ``html`` (HTML email), ``sms`` (short text).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

_loader = PackageLoader("kwika.modules.notifications", "templates")
_plain = Environment(loader=_loader, autoescape=False, undefined=StrictUndefined)  # noqa: S701
_html = Environment(
    loader=_loader, autoescape=select_autoescape(default=True), undefined=StrictUndefined
)


@dataclass(frozen=True)
class Rendered:
    subject: str | None
    body: str
    html: str | None


def _block(env: Environment, name: str, block: str, context: dict[str, Any]) -> str | None:
    template = env.get_template(f"{name}.j2")
    render = template.blocks.get(block)
    if render is None:
        return None
    return "".join(render(template.new_context(context))).strip()


def render(name: str, channel: str, context: dict[str, Any]) -> Rendered:
    if channel == "email":
        text = _block(_plain, name, "text", context) or ""
        html = _block(_html, name, "html", context)
        if html is not None:
            layout = _html.get_template("_layout.html")
            html = layout.render({**context, "content": Markup(html)})  # noqa: S704
        return Rendered(subject=_block(_plain, name, "subject", context), body=text, html=html)
    body = _block(_plain, name, "sms", context) or _block(_plain, name, "text", context) or ""
    return Rendered(subject=None, body=body, html=None)
