"""Named address lists (``[lists]``) and domain matching.

A list entry is one of

* a full address, ``ceo@bigcorp.example``: that address, case-insensitively;
* ``@domain``, ``@board.example``: any address at that domain or one of its
  subdomains (``ann@board.example``, ``bob@eu.board.example``);
* a glob with ``*``, ``?`` or ``[...]``, ``*@*.gov``: matched against the
  whole address, case-insensitively.

A compiled list is a frozenset of addresses, a frozenset of domains (an
address's domain and each of its parent domains are looked up) and one regex
for all the globs together.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterable
from dataclasses import dataclass

_GLOB_CHARS = frozenset("*?[")
_DOMAIN = re.compile(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$")


def domain_parents(domain: str) -> tuple[str, ...]:
    """``"eu.board.example"`` -> ``("eu.board.example", "board.example", "example")``."""
    parts = domain.split(".")
    return tuple(".".join(parts[i:]) for i in range(len(parts)))


def normalize_domain(value: str) -> str | None:
    """``value`` as a lower-case domain (a leading ``@`` is dropped), or None if it is not one."""
    domain = value.strip().lower().removeprefix("@")
    return domain if _DOMAIN.match(domain) else None


def entry_problem(entry: str) -> str | None:
    """Why ``entry`` cannot be a list entry, or None if it can."""
    value = entry.strip().lower()
    if _GLOB_CHARS & set(value):
        return None
    if value.startswith("@"):
        return None if normalize_domain(value) else f"{entry!r} is not a valid @domain"
    local, at, domain = value.rpartition("@")
    if not at or not local or not normalize_domain(domain):
        return f'{entry!r} is not an address, an @domain or a glob like "*@*.gov"'
    return None


@dataclass(frozen=True, slots=True)
class AddressList:
    """A compiled ``[lists]`` entry."""

    name: str
    emails: frozenset[str]
    domains: frozenset[str]
    globs: re.Pattern[str] | None

    @classmethod
    def build(cls, name: str, entries: Iterable[str]) -> AddressList:
        """Compile valid ``entries`` (see :func:`entry_problem`)."""
        emails: set[str] = set()
        domains: set[str] = set()
        globs: list[str] = []
        for entry in entries:
            value = entry.strip().lower()
            if _GLOB_CHARS & set(value):
                globs.append(fnmatch.translate(value))
            elif value.startswith("@"):
                domains.add(value[1:])
            else:
                emails.add(value)
        pattern = re.compile("|".join(f"(?:{g})" for g in globs), re.I | re.S) if globs else None
        return cls(name, frozenset(emails), frozenset(domains), pattern)

    def contains(self, email: str, parents: tuple[str, ...]) -> bool:
        """Whether the (lower-case) ``email``, whose domain has ``parents``, is on this list."""
        if email in self.emails:
            return True
        domains = self.domains
        if domains:
            for parent in parents:
                if parent in domains:
                    return True
        return self.globs is not None and self.globs.match(email) is not None

    def contains_any(self, emails: frozenset[str], parents: frozenset[str]) -> bool:
        """Whether one of ``emails`` is on this list, ``parents`` being all their domains and parent domains.

        The same answer as :meth:`contains` for some address, with set
        intersections instead of a loop over the addresses.
        """
        if not self.emails.isdisjoint(emails):
            return True
        if self.domains and not self.domains.isdisjoint(parents):
            return True
        globs = self.globs
        if globs is not None:
            for email in emails:
                if globs.match(email) is not None:
                    return True
        return False
