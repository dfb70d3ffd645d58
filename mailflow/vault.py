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
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

from .config import SECRET_KEY_ENV, secret_key_from_env
from .errors import AuthError

__all__ = ["Vault", "locked", "read_sealed", "write_sealed"]


class Vault:
    """Seals and opens secrets with one key (``MAILFLOW_SECRET_KEY``, else ``key_file``)."""

    def __init__(self, key_file: Path, *, create: bool = False) -> None:
        from cryptography.fernet import Fernet  # 6 MB of memory: imported only where a secret is sealed or opened

        self.key_file = key_file
        text = secret_key_from_env()
        self.source = SECRET_KEY_ENV if text else str(key_file)
        if not text:
            text = self._read_key(create)
        try:
            self._fernet = Fernet(text.strip().encode("ascii"))
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

    def seal(self, text: str) -> bytes:
        return self._fernet.encrypt(text.encode("utf-8"))

    def open(self, sealed: bytes, what: str) -> str:
        from cryptography.fernet import InvalidToken

        try:
            return self._fernet.decrypt(sealed.strip()).decode("utf-8")
        except InvalidToken:
            raise AuthError(
                f"{what} cannot be opened with the secret key in {self.source}: it was sealed with another key "
                "or changed since; sign in again with `mailflow auth login`"
            ) from None


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
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(vault.seal(text))
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
