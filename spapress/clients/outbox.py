"""Nothing lost, nothing doubled: every message goes through a Maildir outbox.

A message is written to outbox/ (and flushed to disk) before the server is contacted. Only
when the server has accepted it is it logged as sent, copied to sent/ and removed from
outbox/. Whatever goes wrong, it waits in outbox/ with the reason in the send log, and a
retry sends only what the log has never seen accepted: a message's Message-ID is the same
every time it is made, so a sheet already delivered is never delivered again.
"""

from __future__ import annotations

import mailbox
import os
from dataclasses import dataclass
from datetime import datetime
from email import policy
from email.parser import BytesHeaderParser
from email.utils import getaddresses, parseaddr
from pathlib import Path
from typing import Protocol

from .letter import Letter
from .sendlog import SendLog
from .smtp import DeliveryFailed

SENT, WAITING, ALREADY_SENT = "sent", "waiting", "already sent"


class Transport(Protocol):
    def send(self, sender: str, recipient: str, data: bytes) -> None: ...


@dataclass(frozen=True)
class Delivery:
    """What became of one message."""

    message_id: str
    client: str
    recipient: str
    handout: str
    status: str                 # sent | waiting | already sent
    detail: str                 # the reason it waits, or when it was sent before


@dataclass(frozen=True)
class Waiting:
    """A message in the outbox, as the outbox command lists it."""

    message_id: str
    client: str
    recipient: str
    handout: str
    subject: str
    since: str
    reason: str


class Outbox:
    def __init__(self, folder: Path):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.waiting = _maildir(folder / "outbox")
        self.sent = _maildir(folder / "sent")
        self.log = SendLog(folder / "send-log.sqlite3")

    def post(self, letter: Letter, transport: Transport, now: datetime) -> Delivery:
        """Queue one new message durably, then try to send it."""
        stamp = _stamp(now)
        before = self.log.sent_at(letter.message_id)
        if before:
            self._forget_waiting(letter.message_id)
            self._record(letter, stamp, ALREADY_SENT, f"first sent {before}")
            return self._delivery(letter, ALREADY_SENT, f"already sent on {before}; not sent again")
        self._forget_waiting(letter.message_id)  # a newer copy of the same sheet replaces the waiting one
        key = self._add(self.waiting, self.folder / "outbox", letter.data)
        self._record(letter, stamp, "queued")
        return self._deliver(key, letter, transport, stamp)

    def retry(self, transport: Transport, now: datetime) -> list[Delivery]:
        """Send again everything waiting, oldest first; skip (and tidy away) what already went."""
        stamp = _stamp(now)
        results = []
        for key, letter in self._waiting_letters():
            before = self.log.sent_at(letter.message_id)
            if before:
                self._move_to_sent(key, letter.data)
                results.append(self._delivery(letter, ALREADY_SENT, f"already sent on {before}; not sent again"))
                continue
            results.append(self._deliver(key, letter, transport, stamp))
        return results

    def list_waiting(self) -> list[Waiting]:
        found = []
        for key, letter in self._waiting_letters():
            last = self.log.latest(letter.message_id)
            headers = BytesHeaderParser(policy=policy.default).parsebytes(letter.data)
            found.append(Waiting(letter.message_id, letter.client, letter.recipient, letter.handout,
                                 str(headers.get("Subject", "")), last.at if last else "",
                                 last.detail if last and last.result == WAITING else "not tried yet"))
        return found

    def _deliver(self, key: str, letter: Letter, transport: Transport, stamp: str) -> Delivery:
        try:
            transport.send(letter.sender, letter.recipient, letter.data)
        except DeliveryFailed as err:
            self._record(letter, stamp, WAITING, str(err))
            return self._delivery(letter, WAITING, str(err))
        # Log first: once the server has it, the log must say so before anything else can fail.
        self._record(letter, stamp, SENT)
        self._move_to_sent(key, letter.data)
        return self._delivery(letter, SENT, "")

    def _move_to_sent(self, key: str, data: bytes) -> None:
        self._add(self.sent, self.folder / "sent", data)
        self.waiting.discard(key)
        _fsync_dir(self.folder / "outbox" / "new")
        _fsync_dir(self.folder / "outbox" / "cur")

    def _forget_waiting(self, message_id: str) -> None:
        for key, letter in self._waiting_letters():
            if letter.message_id == message_id:
                self.waiting.discard(key)

    def _waiting_letters(self) -> list[tuple[str, Letter]]:
        letters = []
        for key in self.waiting.keys():
            try:
                data = self.waiting.get_bytes(key)
            except KeyError:
                continue  # taken by another run meanwhile
            letters.append((key, self._letter_from(data)))
        letters.sort(key=lambda item: os.path.getmtime(self.folder / "outbox" / "new" / item[0])
                     if (self.folder / "outbox" / "new" / item[0]).exists() else 0)
        return letters

    def _letter_from(self, data: bytes) -> Letter:
        """Rebuild a Letter from stored bytes; the send log gives what the headers do not."""
        headers = BytesHeaderParser(policy=policy.compat32).parsebytes(data)
        message_id = str(headers.get("Message-ID", "")).strip()
        sender = parseaddr(str(headers.get("From", "")))[1]
        recipients = getaddresses([str(v) for v in headers.get_all("To", [])])
        recipient = recipients[0][1] if recipients else ""
        known = self.log.latest(message_id)
        return Letter(message_id, sender, recipient, known.client if known else recipient,
                      known.handout if known else "", known.visit_date if known else "", data)

    def _record(self, letter: Letter, stamp: str, result: str, detail: str = "") -> None:
        self.log.record(stamp, letter.message_id, letter.client, letter.recipient, letter.handout,
                        letter.visit_date, result, detail)

    @staticmethod
    def _delivery(letter: Letter, status: str, detail: str) -> Delivery:
        return Delivery(letter.message_id, letter.client, letter.recipient, letter.handout, status, detail)

    @staticmethod
    def _add(box: mailbox.Maildir, folder: Path, data: bytes) -> str:
        """Add a message and make sure it is on disk before going on."""
        key = box.add(data)
        path = folder / "new" / key
        with open(path, "rb") as handle:
            os.fsync(handle.fileno())
        _fsync_dir(folder / "new")
        return key


def _maildir(folder: Path) -> mailbox.Maildir:
    box = mailbox.Maildir(folder, factory=None, create=True)
    if os.name == "nt":
        box.colon = "!"  # Maildir's ':' cannot stand in a Windows file name
    return box


def _fsync_dir(folder: Path) -> None:
    """Make a rename or new file in folder permanent (folders cannot be opened for this on Windows)."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _stamp(now: datetime) -> str:
    return now.astimezone().isoformat(timespec="seconds")
