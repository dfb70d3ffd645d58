"""The message a ``forward`` rule sends: the original attached whole, with a note, from the executive.

The original goes as a ``message/rfc822`` attachment, byte for byte (its
headers, attachments and signatures intact), so the recipient sees exactly
what arrived. The forward is marked ``Auto-Submitted: auto-generated``
(RFC 3834), so auto-responders do not answer it, and carries the action's
idempotency key in ``X-Mailflow-Key`` and a Message-ID made from it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, formataddr

from .drafting import DRAFT_KEY_HEADER, Person
from .message import Message

__all__ = ["build_forward", "forward_subject"]


def forward_subject(subject: str | None) -> str:
    text = (subject or "").strip()
    return text if text.lower().startswith(("fwd:", "fw:")) else f"Fwd: {text}".rstrip()


def build_forward(
    original: Message, recipients: list[str], client: Person, note: str, key: str, *, now: datetime | None = None
) -> bytes:
    """The forward's bytes, ready for SMTP (CRLF line ends); the original is inside exactly as it arrived."""
    domain = client.email.rpartition("@")[2] or "mailflow.invalid"
    head = EmailMessage()
    head["From"] = formataddr((client.name, client.email))
    head["To"] = ", ".join(recipients)
    head["Subject"] = forward_subject(original.subject)
    head["Date"] = format_datetime(now or datetime.now(UTC))
    head["Message-ID"] = f"<fwd-{key}@{domain}>"
    if original.message_id:
        head["References"] = original.message_id
    head["Auto-Submitted"] = "auto-generated"
    head[DRAFT_KEY_HEADER] = key
    boundary = f"=_mailflow_{key}"
    sender = original.sender
    intro = f"Forwarded on behalf of {client.name}: a message from {sender or 'an unknown sender'}"
    intro += f", {original.header('date')}." if original.header("date") else "."
    text = EmailMessage()
    text.set_content((note.rstrip("\n") + "\n\n" if note.strip() else "") + intro + "\n")
    del text["MIME-Version"]
    inner = original.raw.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
    if not inner.endswith(b"\r\n"):
        inner += b"\r\n"
    mark = b"--" + boundary.encode()
    return b"".join(
        [
            _headers(head),
            f'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="{boundary}"\r\n\r\n'.encode(),
            b"This is a forwarded message in MIME format.\r\n",
            mark + b"\r\n",
            text.as_bytes(policy=SMTP),
            mark + b"\r\n",
            b'Content-Type: message/rfc822\r\nContent-Disposition: attachment; filename="forwarded.eml"\r\n\r\n',
            inner,
            mark + b"--\r\n",
        ]
    )


def _headers(head: EmailMessage) -> bytes:
    """The header lines as the SMTP policy writes them (folded, encoded), without the blank line or a body."""
    head.set_payload("")
    raw = head.as_bytes(policy=SMTP)
    return raw[: raw.index(b"\r\n\r\n") + 2]
