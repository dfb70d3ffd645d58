"""Draft-reply templates: Jinja2, sandboxed, strict, plain text.

Templates are compiled once, when the rules file is loaded, so a syntax error
is reported with the rest of the file's problems; they are rendered by the
pipeline, per message, with a context holding exactly :data:`CONTEXT_NAMES`:

``sender``
    the :class:`mailflow.model.Address` being replied to (``.first_name``,
    ``.name``, ``.email``)
``message``
    the message (``.subject``, ``.date``, ``.body``, ``.from``)
``client``
    the client the mail is handled for (``.name``, ``.email``, ``.id``)
``assistant``
    the assistant (``.name``, ``.email``)

The environment is a :class:`~jinja2.sandbox.SandboxedEnvironment` (a
template cannot reach Python internals), with :class:`~jinja2.StrictUndefined`
(a typo such as ``{{ sender.frist_name }}`` fails instead of leaving a blank
in a mail to a client's contact), autoescape off (mail is plain text) and
``keep_trailing_newline``.
"""

from __future__ import annotations

from collections.abc import Mapping

import jinja2
from jinja2 import meta
from jinja2.sandbox import SandboxedEnvironment

from ..errors import TemplateError

CONTEXT_NAMES = frozenset({"sender", "message", "client", "assistant"})
"""The variables every template may use; any other top-level name is an error at load time."""

_ENV = SandboxedEnvironment(
    undefined=jinja2.StrictUndefined,
    autoescape=False,
    keep_trailing_newline=True,
)


def compile_template(source: str, name: str | None = None) -> jinja2.Template:
    """Compile ``source``; raises :class:`jinja2.TemplateSyntaxError` (with ``.lineno``) if it is not valid.

    ``name`` is used in render errors only.
    """
    template = _ENV.from_string(source)
    template.name = name
    return template


def unknown_variables(source: str) -> list[str]:
    """Top-level names ``source`` reads that are not in :data:`CONTEXT_NAMES`, sorted.

    ``source`` must compile. Names the template sets itself (``{% set %}``,
    loop variables) are not reported.
    """
    ast = _ENV.parse(source)
    return sorted(meta.find_undeclared_variables(ast) - CONTEXT_NAMES)


def render(template: jinja2.Template, context: Mapping[str, object]) -> str:
    """Render ``template`` with ``context``; any failure becomes :class:`mailflow.errors.TemplateError`."""
    label = f"template {template.name!r}" if template.name else "template"
    try:
        return template.render(dict(context))
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"{label} uses a value that is not there: {exc.message}") from exc
    except jinja2.exceptions.SecurityError as exc:
        raise TemplateError(f"{label} tried something not allowed in a template: {exc.message}") from exc
    except jinja2.TemplateError as exc:
        raise TemplateError(f"{label} failed: {exc.message or type(exc).__name__}") from exc
    except (ArithmeticError, LookupError, TypeError, ValueError, AttributeError) as exc:
        raise TemplateError(f"{label} failed: {type(exc).__name__}: {exc}") from exc
