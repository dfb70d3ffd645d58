"""Secrets at rest: OAuth tokens sealed with a key of the assistant's, one file per account.

A sealed file is a Fernet token (AES-128-CBC with an HMAC-SHA256, from the
``cryptography`` package): nobody without the key can read it, and a file
changed by anyone without the key is refused rather than used. The key is
``MAILFLOW_SECRET_KEY`` when that is set, else the key file (by default
``mailflow.key`` beside the config), which ``mailflow auth login`` creates
(mode 0600) the first time. Files are written whole (a temporary file
renamed over the old one), mode 0600, under an exclusive lock on a
``.lock`` file beside them, so two processes refreshing the same account's
token never mix their writes. Neither a key nor a token is ever logged.

Either place may hold several keys (separated by spaces, commas or lines):
the first seals, every one opens. That is how a key is replaced without
signing in again (:func:`rotate`): the new key goes first, every sealed
file is sealed again with it, then the old keys are dropped. A process
reads the key afresh, under the file's lock, each time it opens or seals a
file, so a daemon running through a rotation never seals with a key that is
being dropped.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from .config import SECRET_KEY_ENV, secret_key_from_env
from .errors import AuthError

__all__ = ["Rotation", "Vault", "locked", "read_sealed", "rotate", "write_sealed"]

_SEPARATORS = re.compile(r"[\s,]+")


class Vault:
    """Seals with the first key of ``MAILFLOW_SECRET_KEY`` (else of ``key_file``) and opens with any of them."""

    def __init__(self, key_file: Path, *, create: bool = False) -> None:
        # 6 MB of memory: imported only where a secret is sealed or opened
        from cryptography.fernet import Fernet, MultiFernet

        self.key_file = key_file
        text = secret_key_from_env()
        self.from_env = bool(text)
        self.source = SECRET_KEY_ENV if text else str(key_file)
        if not text:
            text = self._read_key(create)
        self.keys = [k for k in _SEPARATORS.split(text.strip()) if k]
        try:
            if not self.keys:
                raise ValueError("no key")
            self._fernet = MultiFernet([Fernet(k.encode("ascii")) for k in self.keys])
        except (ValueError, UnicodeEncodeError):
            raise AuthError(
                f"the secret key in {self.source} is not a key mailflow made: expected 44 characters of URL-safe "
                "base64 (make one with `mailflow auth key`)"
            ) from None

    def _read_key(self, create: bool) -> str:
        try:
            return self.key_file.read_text(encoding="ascii")
        except FileNotFoundError:
            if not create:
                raise AuthError(
                    f"no secret key: {self.key_file} does not exist and {SECRET_KEY_ENV} is not set "
                    "(`mailflow auth login` creates the file)"
                ) from None
        except (OSError, UnicodeDecodeError) as exc:
            raise AuthError(f"cannot read the secret key {self.key_file}: {exc}") from None
        from cryptography.fernet import Fernet

        key = Fernet.generate_key().decode("ascii")
        self.key_file.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w", encoding="ascii") as f:
            f.write(key + "\n")
        return key

    def reseal(self, sealed: bytes, what: str) -> bytes:
        """``sealed`` sealed again with the first key (opened with any)."""
        from cryptography.fernet import InvalidToken

        try:
            return self._fernet.rotate(sealed.strip())
        except InvalidToken:
            raise self._refused(what) from None

    def seal(self, text: str) -> bytes:
        return self._fernet.encrypt(text.encode("utf-8"))

    def open(self, sealed: bytes, what: str) -> str:
        from cryptography.fernet import InvalidToken

        try:
            return self._fernet.decrypt(sealed.strip()).decode("utf-8")
        except InvalidToken:
            raise self._refused(what) from None

    def _refused(self, what: str) -> AuthError:
        return AuthError(
            f"{what} cannot be opened with the secret key in {self.source}: it was sealed with another key "
            "or changed since; sign in again with `mailflow auth login`"
        )


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """An exclusive lock on ``path``'s ``.lock`` file (between processes, and threads that each take it)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path.with_name(path.name + ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
    except OSError:  # a read-only folder: reading needs no lock, and writing will say what is wrong
        yield
        return
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # releases the lock


def read_sealed(path: Path, vault: Vault) -> str | None:
    """The secret in ``path``, or None when there is no such file."""
    try:
        sealed = path.read_bytes()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise AuthError(f"cannot read {path}: {exc}") from None
    return vault.open(sealed, str(path))


def write_sealed(path: Path, vault: Vault, text: str) -> None:
    """Seal ``text`` into ``path`` (mode 0600), replacing it whole."""
    _write_private(path, vault.seal(text))


@dataclass
class Rotation:
    """What :func:`rotate` did: files sealed again, files with nothing to seal, files it could not."""

    resealed: list[Path] = field(default_factory=list)
    absent: list[Path] = field(default_factory=list)
    failed: list[tuple[Path, str]] = field(default_factory=list)
    dropped: int = 0  # old keys removed from the key file (0 with MAILFLOW_SECRET_KEY: the assistant does that)


def rotate(key_file: Path, paths: Sequence[Path]) -> Rotation:
    """Seal every file in ``paths`` with a new key, without signing in again.

    With the key file: a new key is put first in it (the old ones after it,
    so every file stays readable throughout), each file is sealed again
    under its lock, and then the old keys are dropped; if a file could not
    be sealed again, the old keys stay. With ``MAILFLOW_SECRET_KEY`` the
    variable must already hold the new key first and the old ones after it:
    the files are sealed again with its first key, and dropping the old ones
    from the variable is the assistant's.
    """
    from cryptography.fernet import Fernet

    with locked(key_file):  # one rotation at a time
        vault = Vault(key_file)
        if vault.from_env:
            if len(vault.keys) < 2:
                raise AuthError(
                    f"{SECRET_KEY_ENV} holds one key: to replace it, set it to the new key (from `mailflow auth "
                    "key`) followed by the old one, in every process that uses it, and run this again"
                )
        else:
            old = vault.keys
            _write_private(key_file, "\n".join([Fernet.generate_key().decode("ascii"), *old, ""]).encode("ascii"))
            vault = Vault(key_file)
        done = Rotation()
        for path in paths:
            try:
                with locked(path):
                    vault = Vault(key_file)  # read again under the file's lock, as every process does
                    try:
                        sealed = path.read_bytes()
                    except FileNotFoundError:
                        done.absent.append(path)
                        continue
                    _write_private(path, vault.reseal(sealed, str(path)))
                done.resealed.append(path)
            except (AuthError, OSError) as exc:
                done.failed.append((path, str(exc) if isinstance(exc, AuthError) else f"{exc.strerror or exc}"))
        if not vault.from_env and not done.failed:
            _write_private(key_file, (vault.keys[0] + "\n").encode("ascii"))
            done.dropped = len(vault.keys) - 1
        return done


def _write_private(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` whole (a new file renamed over the old), mode 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
