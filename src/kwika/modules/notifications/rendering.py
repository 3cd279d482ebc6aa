"""Message templates: one Jinja file per message, one block per part.

Blocks: ``subject``, ``text`` (plain email), ``html`` (HTML email), ``sms`` (short text, also
used for WhatsApp text). Direct messages (codes, links) use the ``_layout.html`` frame;
notification emails use ``_notification.html``, which adds the preferences and unsubscribe
links.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jinja2 import (
    BaseLoader,
    Environment,
    PackageLoader,
    StrictUndefined,
    TemplateNotFound,
    select_autoescape,
)
from markupsafe import Markup

from kwika.core.module import template_folders


class _Folders(BaseLoader):
    """Every registered template folder (``ModuleSpec.notification_templates``), in the
    order modules were loaded (notifications' own first)."""

    def get_source(self, environment: Environment, template: str) -> tuple[str, str | None, Any]:
        for folder in template_folders:
            try:
                return PackageLoader(folder.package, folder.path).get_source(environment, template)
            except TemplateNotFound:
                continue
        raise TemplateNotFound(template)


_loader = _Folders()
# Templates ship inside the package and do not change while the process runs; Jinja's
# auto_reload stat()s every file on every get_template (each render and each
# ``{% from ... import %}``), which was a tenth of the cost of creating a notification.
_plain = Environment(
    loader=_loader,
    autoescape=False,  # noqa: S701
    undefined=StrictUndefined,
    auto_reload=False,
)
_html = Environment(
    loader=_loader,
    autoescape=select_autoescape(default=True),
    undefined=StrictUndefined,
    auto_reload=False,
)

DIRECT_LAYOUT = "_layout.html"
NOTIFICATION_LAYOUT = "_notification.html"
UNSUBSCRIBE_PAGE = "_unsubscribe_page.html"


@dataclass(frozen=True)
class Rendered:
    subject: str | None
    body: str
    html: str | None


def exists(name: str) -> bool:
    try:
        _plain.get_template(f"{name}.j2")
    except TemplateNotFound:
        return False
    return True


def _block(env: Environment, name: str, block: str, context: dict[str, Any]) -> str | None:
    template = env.get_template(f"{name}.j2")
    render = template.blocks.get(block)
    if render is None:
        return None
    return "".join(render(template.new_context(context))).strip()


def render(
    name: str, channel: str, context: dict[str, Any], *, layout: str = DIRECT_LAYOUT
) -> Rendered:
    """Render template ``name`` for ``channel``; raises jinja2 errors for missing values."""
    if channel == "email":
        text = _block(_plain, name, "text", context) or ""
        html = _block(_html, name, "html", context)
        if html is not None:
            frame = _html.get_template(layout)
            html = frame.render({**context, "content": Markup(html)})  # noqa: S704
        return Rendered(subject=_block(_plain, name, "subject", context), body=text, html=html)
    body = _block(_plain, name, "sms", context) or _block(_plain, name, "text", context) or ""
    return Rendered(subject=None, body=body, html=None)


def page(name: str, context: dict[str, Any]) -> str:
    """A small HTML page served to a browser (the unsubscribe link), escaped."""
    return _html.get_template(name).render(context)
