"""Signed answer links for members without Slack: who, which meeting, which call-in.

A link's token names the member and the meeting by their ids and the call-in by the moment it
was made, and carries an HMAC-SHA256 over those under the bot's own key. Whether it is still good
(unanswered, not withdrawn, not expired) is decided against the data when it is used: a token
never outlives the call-in it was made for, because a new call-in has a new moment.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
SIG_BYTES = 16  # 128 bits: forging one is out of reach


@dataclass(frozen=True, slots=True)
class Svarslank:
    member_id: int
    meeting_id: int
    called: int  # the call-in's moment, in microseconds since the epoch

    def _message(self) -> bytes:
        return f"svar|{self.member_id}|{self.meeting_id}|{self.called}".encode()

    def token(self, key: bytes) -> str:
        sig = hmac.new(key, self._message(), hashlib.sha256).digest()[:SIG_BYTES]
        mac = base64.urlsafe_b64encode(sig).decode().rstrip("=")
        return f"{self.member_id}.{self.meeting_id}.{self.called}.{mac}"

    @property
    def dedupe_key(self) -> str:
        """The intake's key: one answer per call-in, however often the page's buttons are pressed."""
        return f"epost:{self.member_id}:{self.meeting_id}:{self.called}"


def las(token: str, key: bytes) -> Svarslank | None:
    """The link a token names, or None when it is malformed or its signature is wrong."""
    if not token.isascii() or len(token) > 100:  # compare_digest takes ASCII only; int() takes "²" and "١"
        return None
    parts = token.split(".")
    if len(parts) != 4 or not all(p.isdigit() and len(p) <= 20 for p in parts[:3]):
        return None
    link = Svarslank(int(parts[0]), int(parts[1]), int(parts[2]))
    if not hmac.compare_digest(link.token(key), token):
        return None
    return link


def moment(at: datetime) -> int:
    """A call-in's moment as a token carries it: microseconds since the epoch (exact, no float)."""
    return (at - EPOCH) // timedelta(microseconds=1)
