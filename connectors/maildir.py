"""A local Maildir, laid out as Maildir++ (the embedded default, and real for mbsync users).

INBOX is the top folder; ``Newsletters`` is ``.Newsletters``, ``Clients/Acme``
is ``.Clients.Acme``. Flags live in the file name (``:2,FS``); a message in
``new/`` moves to ``cur/`` only when its flags change, so reading never
marks anything seen. Labels are Dovecot-compatible keywords: the folder's
``dovecot-keywords`` file maps the letters ``a``-``z`` in the file name to
names, so Dovecot serving the same Maildir shows them as IMAP keywords.
"""

from __future__ import annotations

import contextlib
import os
import re
import socket
import time
from collections.abc import Iterator, Sequence
from itertools import count
from pathlib import Path

from mailflow.drafting import DRAFT_KEY_HEADER
from mailflow.errors import ConnectorError, NotFound, PermanentError, TransientError
from mailflow.message import Message
from mailflow.model import ChangeSet, Draft, FetchedMessage, Flag, MessageRef, SyncCursor, Update

from .base import group_by_folder

_FLAG_LETTERS = {Flag.DRAFT: "D", Flag.FLAGGED: "F", Flag.ANSWERED: "R", Flag.SEEN: "S"}
_LETTER_FLAGS = {v: k for k, v in _FLAG_LETTERS.items()}
_KEYWORD_LETTERS = "abcdefghijklmnopqrstuvwxyz"
_ROLE_NAMES = {"drafts": "Drafts", "archive": "Archive", "sent": "Sent", "junk": "Junk", "trash": "Trash"}
_counter = count()


def _split_name(name: str) -> tuple[str, str]:
    """A file name's unique part and its flag letters."""
    base, sep, info = name.partition(":2,")
    return base, info if sep else ""


def _size(path: Path) -> int | None:
    """The file's size: from a ``,S=<bytes>`` in its name (Dovecot writes one), else from the file system."""
    for part in path.name.split(":", 1)[0].split(",")[1:]:
        if part.startswith("S=") and part[2:].isdigit():
            return int(part[2:])
    try:
        return path.stat().st_size
    except OSError:  # gone since the listing: the fetch skips it
        return None


class MaildirConnector:
    """The MailConnector for one Maildir++ tree."""

    incremental = False  # every message is listed every time; the store filters the known ones

    def __init__(self, root: Path, account: str) -> None:
        self.root = Path(root)
        self.account = account
        self._index: dict[str, dict[str, Path]] = {}
        self._keyword_names: dict[Path, list[str]] = {}

    # -- lifecycle -----------------------------------------------------------

    def open(self) -> None:
        for sub in ("cur", "new", "tmp"):
            if not (self.root / sub).is_dir():
                raise NotFound(f"{self.root} is not a Maildir (no {sub}/ folder)")

    def close(self) -> None:
        self._index.clear()
        self._keyword_names.clear()

    # -- folders -------------------------------------------------------------

    def folder_dir(self, folder: str) -> Path:
        """The directory of ``folder`` (Maildir++: INBOX is the root, ``Projects/2026`` is ``.Projects.2026``)."""
        if folder.upper() == "INBOX":
            return self.root
        if ".." in folder or folder.startswith((".", "/")):
            raise PermanentError(f"invalid folder name {folder!r}")
        return self.root / ("." + folder.replace("/", "."))

    def _ensure(self, folder: str) -> Path:
        path = self.folder_dir(folder)
        for sub in ("cur", "new", "tmp"):
            (path / sub).mkdir(parents=True, exist_ok=True)
        if path != self.root:
            (path / "maildirfolder").touch(exist_ok=True)
        return path

    def folder_for(self, role: str) -> str | None:
        if role == "inbox":
            return "INBOX"
        return _ROLE_NAMES.get(role)

    # -- reading -------------------------------------------------------------

    def _scan(self, folder: str) -> dict[str, Path]:
        path = self.folder_dir(folder)
        if not (path / "cur").is_dir():
            raise NotFound(f"no folder {folder!r} in {self.root}")
        index: dict[str, Path] = {}
        for sub in ("new", "cur"):
            with os.scandir(path / sub) as entries:
                for entry in entries:
                    if entry.name.startswith("."):
                        continue
                    index[_split_name(entry.name)[0]] = Path(entry.path)
        self._index[folder] = index
        return index

    def _path(self, ref: MessageRef) -> Path | None:
        index = self._index.get(ref.folder)
        path = index.get(ref.locator) if index else None
        if path is not None and path.exists():
            return path
        return self._scan(ref.folder).get(ref.locator)

    def changes(self, folder: str, cursor: SyncCursor | None, limit: int | None = None) -> ChangeSet:
        """Every message in the folder; the pipeline skips the ones it has recorded.

        A Maildir has no order to resume from, so ``limit`` is not applied:
        the names are cheap to list and the store filters the known ones.
        """
        self._keyword_names.clear()
        index = self._scan(folder)
        refs = [MessageRef(self.account, folder, name, _size(index[name])) for name in sorted(index)]
        return ChangeSet(refs=refs, cursor=SyncCursor(folder, {"count": len(refs)}), folder_size=len(refs))

    def fetch(self, refs: Sequence[MessageRef]) -> Iterator[FetchedMessage]:
        for ref in refs:
            path = self._path(ref)
            if path is None:
                continue
            try:
                raw = path.read_bytes()
            except FileNotFoundError:
                continue
            flags, labels = self._state(path)
            yield FetchedMessage(ref=ref, raw=raw, flags=flags, labels=labels)

    def _state(self, path: Path) -> tuple[frozenset[Flag], frozenset[str]]:
        letters = _split_name(path.name)[1]
        flags = frozenset(_LETTER_FLAGS[c] for c in letters if c in _LETTER_FLAGS)
        names = self._keywords(path.parent.parent)
        labels = frozenset(
            names[_KEYWORD_LETTERS.index(c)]
            for c in letters
            if c in _KEYWORD_LETTERS and _KEYWORD_LETTERS.index(c) < len(names)
        )
        return flags, labels

    # -- keywords (Dovecot's dovecot-keywords file) ------------------------------

    def _keywords(self, folder_dir: Path, fresh: bool = False) -> list[str]:
        """The folder's keyword names by letter; read once per listing, again before adding one."""
        cached = self._keyword_names.get(folder_dir)
        if cached is not None and not fresh:
            return cached
        try:
            text = (folder_dir / "dovecot-keywords").read_text("utf-8")
        except FileNotFoundError:
            text = ""
        names: list[str] = []
        for line in text.splitlines():
            num, _, name = line.partition(" ")
            if num.isdigit() and name:
                idx = int(num)
                while len(names) <= idx:
                    names.append("")
                names[idx] = name
        self._keyword_names[folder_dir] = names
        return names

    def _letter(self, folder_dir: Path, label: str, create: bool) -> str | None:
        names = self._keywords(folder_dir)
        if label in names:
            return _KEYWORD_LETTERS[names.index(label)]
        if not create:
            return None
        names = self._keywords(folder_dir, fresh=True)  # another program may have added keywords
        if label in names:
            return _KEYWORD_LETTERS[names.index(label)]
        if len(names) >= len(_KEYWORD_LETTERS):
            raise PermanentError(f"{folder_dir}: a Maildir folder holds at most 26 keywords")
        names.append(label)
        tmp = folder_dir / f"dovecot-keywords.{os.getpid()}.tmp"
        tmp.write_text("".join(f"{i} {n}\n" for i, n in enumerate(names) if n), "utf-8")
        tmp.replace(folder_dir / "dovecot-keywords")
        return _KEYWORD_LETTERS[len(names) - 1]

    # -- changing flags --------------------------------------------------------

    def _retag(self, refs: Sequence[MessageRef], add: str = "", remove: str = "") -> None:
        for ref in refs:
            path = self._path(ref)
            if path is None:
                continue
            base, letters = _split_name(path.name)
            new_letters = "".join(sorted((set(letters) | set(add)) - set(remove)))
            target = path.parent.parent / "cur" / f"{base}:2,{new_letters}"
            if target != path:
                try:
                    path.rename(target)
                except FileNotFoundError:
                    continue
                self._index.setdefault(ref.folder, {})[base] = target

    def update(
        self,
        refs: Sequence[MessageRef],
        *,
        add_labels: Sequence[str] = (),
        flagged: bool | None = None,
        read: bool | None = None,
        remove_labels: Sequence[str] = (),
    ) -> None:
        """One rename per message for every label and flag change; a folder that is gone is skipped."""
        for folder, group in group_by_folder(refs).items():
            folder_dir = self.folder_dir(folder)
            if not folder_dir.is_dir():
                continue  # its messages are gone with it (as IMAP skips a folder it cannot select)
            add = "".join(self._letter(folder_dir, label, create=True) or "" for label in add_labels)
            remove = "".join(
                self._letter(folder_dir, label, create=False) or ""
                for label in remove_labels
                if label not in add_labels
            )
            for on, letter in ((flagged, "F"), (read, "S")):
                if on is True:
                    add += letter
                elif on is False:
                    remove += letter
            self._retag(group, add=add, remove=remove)

    def update_many(self, updates: Sequence[Update]) -> list[ConnectorError | None]:
        """Each update in turn (renames are local: there is no round trip to save)."""
        errors: list[ConnectorError | None] = []
        for u in updates:
            try:
                self.update(
                    u.refs, add_labels=u.add_labels, flagged=u.flagged, read=u.read, remove_labels=u.remove_labels
                )
            except TransientError:
                raise
            except ConnectorError as exc:
                errors.append(exc)
            else:
                errors.append(None)
        return errors

    def add_labels(self, refs: Sequence[MessageRef], labels: Sequence[str]) -> None:
        self.update(refs, add_labels=labels)

    def remove_labels(self, refs: Sequence[MessageRef], labels: Sequence[str]) -> None:
        for folder, group in group_by_folder(refs).items():
            folder_dir = self.folder_dir(folder)
            letters = "".join(self._letter(folder_dir, label, create=False) or "" for label in labels)
            if letters:
                self._retag(group, remove=letters)

    def set_flagged(self, refs: Sequence[MessageRef], flagged: bool) -> None:
        self.update(refs, flagged=flagged)

    def set_read(self, refs: Sequence[MessageRef], read: bool) -> None:
        self.update(refs, read=read)

    # -- moving --------------------------------------------------------------

    def move(self, refs: Sequence[MessageRef], folder: str) -> None:
        dest = self._ensure(folder)
        for ref in refs:
            if ref.folder == folder:
                continue
            path = self._path(ref)
            if path is None:
                continue  # already moved: nothing to do
            base, letters = _split_name(path.name)
            labels = self._state(path)[1]
            kept = "".join(c for c in letters if c in _LETTER_FLAGS)
            kept += "".join(self._letter(dest, label, create=True) or "" for label in sorted(labels))
            sub = "cur" if path.parent.name == "cur" or kept else "new"
            name = f"{base}:2,{''.join(sorted(kept))}" if sub == "cur" else base
            try:
                os.link(path, dest / sub / name)
            except FileExistsError:
                pass
            except FileNotFoundError:
                continue
            except OSError:  # no hard links across file systems
                (dest / sub / name).write_bytes(path.read_bytes())
            path.unlink(missing_ok=True)
            self._index.get(ref.folder, {}).pop(base, None)

    def archive(self, refs: Sequence[MessageRef]) -> None:
        self.move(refs, "Archive")

    # -- drafts --------------------------------------------------------------

    def save_draft(self, draft: Draft) -> str:
        folder = self._ensure("Drafts")
        name = f"{int(time.time())}.M{next(_counter)}P{os.getpid()}.{socket.gethostname().replace('/', '_')}"
        tmp = folder / "tmp" / name
        tmp.write_bytes(draft.raw)
        tmp.replace(folder / "cur" / f"{name}:2,DS")
        return name

    def save_drafts(self, drafts: Sequence[Draft]) -> list[str]:
        return [self.save_draft(d) for d in drafts]

    def locate(self, folder: str, keys: Sequence[str]) -> dict[str, MessageRef]:
        """Where messages are in ``folder`` now, by key: every file of the folder is read (headers first)."""
        wanted = set(keys)
        out: dict[str, MessageRef] = {}
        if not wanted or not self.folder_dir(folder).is_dir():
            return out
        for name, path in sorted(self._scan(folder).items()):
            try:
                raw = path.read_bytes()
            except FileNotFoundError:
                continue
            key = Message(raw).key
            if key in wanted and key not in out:
                out[key] = MessageRef(self.account, folder, name)
        return out

    def delete(self, refs: Sequence[MessageRef]) -> None:
        """Unlink the messages' files; gone ones are skipped."""
        for ref in refs:
            path = self._path(ref)
            if path is None:
                continue
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            self._index.get(ref.folder, {}).pop(ref.locator, None)

    def find_draft(self, key: str) -> str | None:
        folder = self.folder_dir("Drafts")
        if not (folder / "cur").is_dir():
            return None
        header = re.escape(DRAFT_KEY_HEADER.encode())
        needle = re.compile(rb"^" + header + rb":\s*" + re.escape(key.encode()) + rb"\s*$", re.M | re.I)
        for sub in ("cur", "new"):
            for path in (folder / sub).iterdir():
                try:
                    head = path.read_bytes()[:65536]
                except FileNotFoundError:
                    continue
                end = head.find(b"\n\n")
                if needle.search(head if end < 0 else head[:end]):
                    return _split_name(path.name)[0]
        return None
