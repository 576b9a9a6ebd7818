"""What a notification says, in the recipient's language: the in-app title and body, and
the email (subject, text part, HTML part) from the Jinja2 templates in `templates/`
(autoescaped HTML: names and titles come from users)."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from chalicelib.notify import i18n

_TEMPLATES = Path(__file__).parent / "templates"


@dataclass(frozen=True)
class Text:
    title: str
    body: str


@dataclass(frozen=True)
class Email:
    subject: str
    text: str
    html: str
    language: str


def text(template: str, language: str, params: Mapping[str, str]) -> Text:
    return Text(
        title=i18n.translate(language, f"{template}.title", params),
        body=i18n.translate(language, f"{template}.body", params),
    )


@functools.cache
def _environment(language: str) -> Any:
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    env = Environment(
        loader=FileSystemLoader(str(_TEMPLATES)),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        keep_trailing_newline=True,
    )

    def strict_gettext(key: str) -> str:
        return i18n.gettext(language, key)

    def strict_ngettext(singular: str, plural: str, count: int) -> str:
        return i18n.gettext(language, singular if count == 1 else plural)

    # The i18n extension adds this method at run time.
    env.install_gettext_callables(strict_gettext, strict_ngettext, newstyle=False)  # type: ignore[attr-defined]
    return env


def email(
    template: str, language: str, params: Mapping[str, str], recipient: str, transactional: bool
) -> Email:
    content = text(template, language, params)
    context = {
        "lang": language,
        "dir": "rtl" if i18n.is_rtl(language) else "ltr",
        "title": content.title,
        "body": content.body,
        "recipient": recipient,
        "transactional": transactional,
    }
    env = _environment(language)
    return Email(
        subject=content.title,
        text=env.get_template("email.txt").render(context),
        html=env.get_template("email.html").render(context),
        language=language,
    )
