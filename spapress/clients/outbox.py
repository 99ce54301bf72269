"""Nothing lost, nothing doubled, however many runs send at once: the outbox.

Every message is a file named after its Message-ID (the same sheet to the same person is
always the same message), and the folder it is in says where it stands:

    outbox/      waiting to go (a Maildir: outbox/new)
    sending/     claimed by one run, which is talking to the mail server now
    uncertain/   the whole message went out, but the server's answer never came: it may have
                 arrived, so it is sent again (with the same Message-ID) only when someone asks
    failed/      refused for good by the server (5xx): never retried by itself
    sent/        accepted by the server (a Maildir: sent/new)

A run claims a message before sending it: under the outbox's lock it takes the message's own
claim lock (an operating-system lock, released even when the run is killed) and moves the
file into sending/. Another run finds the claim taken and leaves the message alone; a claim
whose run has died is found free, and its message was cut off before it was complete, so it
simply waits again. Just before the end of the message goes out the file moves to
uncertain/, and the moment the server answers 250 the send log records it as sent, whatever
happens afterwards. The send log (SQLite) is the record of what the server accepted; it is
checked under the claim, so nothing it has seen accepted is sent again.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import tempfile
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from email import policy
from email.parser import BytesHeaderParser
from email.utils import getaddresses, parseaddr
from pathlib import Path
from typing import Iterator, Protocol

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "only soft file lock")
    from filelock import FileLock, Timeout

from .letter import Letter
from .sendlog import SendLog
from .smtp import REFUSED, UNCERTAIN, DeliveryFailed, Progress

# What became of a message (Delivery.status) and where it stands (Listed.state).
SENT, WAITING, ALREADY_SENT = "sent", "waiting", "already sent"
IN_PROGRESS, NOT_QUEUED = "being sent", "not queued"
FAILED = "failed"
STATES = (WAITING, UNCERTAIN, FAILED)
LOCK_WAIT = 60.0  # seconds to wait for another run's short turn at the outbox's lock


class Transport(Protocol):
    def send(self, sender: str, recipient: str, data: bytes, progress: Progress) -> None: ...


@dataclass(frozen=True)
class Delivery:
    """What became of one message."""

    message_id: str
    client: str
    recipient: str
    handout: str
    status: str                 # sent | waiting | already sent | being sent | uncertain | failed | not queued
    detail: str                 # the reason it waits, or when it was sent before

    @property
    def key(self) -> str:
        """The short name `outbox --resend` and `--remove` take."""
        return short(file_name(self.message_id))


@dataclass(frozen=True)
class Listed:
    """A message the outbox holds, as the outbox command lists it."""

    key: str                    # the short name to give --resend or --remove
    state: str                  # waiting | uncertain | failed
    message_id: str
    client: str
    recipient: str
    handout: str
    subject: str
    since: str
    reason: str


Waiting = Listed  # the older name


class OutboxError(Exception):
    """The outbox cannot be used at all (its folder cannot be written); str() says why in one line."""


class Outbox:
    def __init__(self, folder: Path):
        self.folder = folder
        self.broken: str | None = None
        try:
            for part in ("outbox/tmp", "outbox/new", "outbox/cur", "sent/tmp", "sent/new", "sent/cur",
                         "sending", "uncertain", "failed", ".claims"):
                (folder / part).mkdir(parents=True, exist_ok=True)
            self.log = SendLog(folder / "send-log.sqlite3")
        except (OSError, sqlite3.Error) as err:
            self.broken = f"the outbox {folder} cannot be used: {_why(err)}"

    # ---- sending -------------------------------------------------------------------------

    def post(self, letter: Letter, transport: Transport, now: datetime) -> Delivery:
        """Queue one new message durably, then send it, unless it went (or is going) already."""
        stamp = _stamp(now)
        name = file_name(letter.message_id)
        if self.broken:
            return _delivery(letter, NOT_QUEUED, f"{self.broken}; nothing was sent")
        try:
            with self._lock():
                claim = self._claim(name)
                if claim is None:
                    return _delivery(letter, IN_PROGRESS, "another run is sending this message now; not sent again")
                written = False
                try:
                    settled = self._settled(name, letter)
                    if settled is not None:
                        self._release(claim)
                        return settled
                    _write_durably(self.folder / "sending" / name, letter.data)
                    written = True
                    self._record(letter, stamp, "queued")
                    _remove(self.folder / "outbox" / "new" / name)  # a newer copy of the same sheet replaces it
                    _remove(self.folder / "outbox" / "cur" / name)
                except BaseException:
                    if written:  # not recorded: take it back, so the row's one line ("not queued") is true
                        _remove(self.folder / "sending" / name)
                    self._release(claim)
                    raise
        except OutboxError as err:
            return _delivery(letter, NOT_QUEUED, f"{err}; nothing was sent")
        except (OSError, sqlite3.Error) as err:
            return _delivery(letter, NOT_QUEUED, f"could not be put in the outbox {self.folder}: {_why(err)}; "
                                                 f"nothing was sent")
        return self._send_claimed(claim, name, letter, transport, stamp)

    def retry(self, transport: Transport, now: datetime) -> list[Delivery]:
        """Send everything waiting, oldest first; leave alone what another run is sending."""
        self._require()
        stamp = _stamp(now)
        results = []
        with self._lock():
            self._recover()
        for name in self._names("outbox"):
            with self._lock():
                source = self._find(name, ("outbox",))
                if source is None:
                    continue  # taken and sent by another run meanwhile
                claim = self._claim(name)
                if claim is None:
                    continue
                try:
                    letter = self._letter_from(source.read_bytes())
                    settled = self._settled(name, letter)
                    if settled is not None:
                        self._release(claim)
                        results.append(settled)
                        continue
                    os.replace(source, self.folder / "sending" / name)
                    _fsync_dir(self.folder / "sending")
                except BaseException:
                    self._release(claim)
                    raise
            results.append(self._send_claimed(claim, name, letter, transport, stamp))
        return results

    def resend(self, key: str, transport: Transport, now: datetime, to: str | None = None) -> Delivery:
        """Send one uncertain, failed or waiting message again because a person asked, to a
        corrected address if `to` is given (the message then gets the Message-ID a sheet made
        for that address would have, so it is never sent twice to it either)."""
        self._require()
        stamp = _stamp(now)
        held: list[FileLock] = []
        try:
            with self._lock():
                self._recover()
                name, source = self._one(key)
                held.append(self._claim_or_busy(name, key))
                letter = self._letter_from(source.read_bytes())
                if to is not None and to != letter.recipient:
                    old, letter = letter, readdressed(letter, to)
                    name = file_name(letter.message_id)
                    held.append(self._claim_or_busy(name, to))
                    settled = self._settled(name, letter)
                    if settled is not None:
                        return settled
                    _write_durably(self.folder / "sending" / name, letter.data)
                    self._record(letter, stamp, "queued", f"in place of the message to {old.recipient}")
                    self._record(old, stamp, "removed", f"sent to {to} instead")
                    _remove(source)
                else:
                    before = self.log.sent_at(letter.message_id)
                    if before:
                        self._settled(name, letter)
                        return _delivery(letter, ALREADY_SENT, f"already sent on {before}; not sent again")
                    os.replace(source, self.folder / "sending" / name)
                    _fsync_dir(self.folder / "sending")
                    self._record(letter, stamp, "resend asked")
                claim = held.pop()
        finally:
            if held:
                with self._lock():
                    for lock in held:
                        self._release(lock)
        return self._send_claimed(claim, name, letter, transport, stamp, asked=True)

    def remove(self, key: str, now: datetime) -> Listed:
        """Take one message out of the outbox for good (it is kept in the send log)."""
        self._require()
        with self._lock():
            self._recover()
            name, source = self._one(key)
            claim = self._claim_or_busy(name, key)
            try:
                listed = self._listed(name, source)
                self._record(self._letter_from(source.read_bytes()), _stamp(now), "removed",
                             "removed from the outbox by hand")
                _remove(source)
            finally:
                self._release(claim)
        return listed

    # ---- listing -------------------------------------------------------------------------

    def list_all(self) -> list[Listed]:
        """Everything the outbox holds: waiting, then uncertain, then failed; oldest first in each."""
        self._require()
        with self._lock():
            self._recover()
            found = []
            for folder, state in (("outbox", WAITING), (UNCERTAIN, UNCERTAIN), (FAILED, FAILED)):
                for name in self._names(folder):
                    path = self._find(name, (folder,))
                    if path is not None:
                        found.append(self._listed(name, path, state))
            for name in self._names("sending"):  # being sent by a live run right now
                path = self.folder / "sending" / name
                if path.exists():
                    found.append(self._listed(name, path, IN_PROGRESS))
        return found

    def list_waiting(self) -> list[Listed]:
        return [item for item in self.list_all() if item.state == WAITING]

    # ---- the steps -----------------------------------------------------------------------

    def _send_claimed(self, claim: FileLock, name: str, letter: Letter, transport: Transport, stamp: str,
                      asked: bool = False) -> Delivery:
        """Send a message this run has claimed (it is in sending/), and file it by what happened."""
        steps = _Steps(self, name, letter, stamp)
        try:
            try:
                transport.send(letter.sender, letter.recipient, letter.data, steps)
                if not steps.recorded:  # a transport that does not report acceptance itself
                    steps.accepted()
            except DeliveryFailed as err:
                try:
                    return self._file_failure(name, letter, stamp, err)
                except (OSError, sqlite3.Error) as trouble:
                    state = UNCERTAIN if err.kind == UNCERTAIN else WAITING
                    return _delivery(letter, state, f"{err} (and the outbox could not record it: {_why(trouble)})")
            except (OSError, sqlite3.Error) as err:
                if not steps.committed:  # the message never went whole: it waits, and is found again
                    return _delivery(letter, WAITING, f"the outbox could not be written ({_why(err)}); it waits")
                # The server may have it (or has it) but this computer could not record so: keep it uncertain.
                return _delivery(letter, UNCERTAIN, f"handed to the mail server, but the outbox could not record "
                                                    f"it ({_why(err)}); it is listed as uncertain and not sent again")
            try:
                with self._lock():
                    self._move(name, (UNCERTAIN, "sending"), self.folder / "sent" / "new" / name)
            except OSError:
                pass  # the send log says sent: a copy left behind is tidied away by the next run
            return _delivery(letter, SENT, "sent again when asked" if asked else "")
        finally:
            with self._lock():
                self._release(claim)

    def _file_failure(self, name: str, letter: Letter, stamp: str, err: DeliveryFailed) -> Delivery:
        reason = str(err)
        with self._lock():
            if err.kind == UNCERTAIN:
                self._record(letter, stamp, UNCERTAIN, reason)
                self._move(name, (UNCERTAIN, "sending"), self.folder / UNCERTAIN / name)
                return _delivery(letter, UNCERTAIN, reason)
            if err.kind == REFUSED:
                self._record(letter, stamp, FAILED, reason)
                self._move(name, (UNCERTAIN, "sending"), self.folder / FAILED / name)
                return _delivery(letter, FAILED, reason)
            self._record(letter, stamp, WAITING, reason)
            self._move(name, (UNCERTAIN, "sending"), self.folder / "outbox" / "new" / name)
            return _delivery(letter, WAITING, reason)

    def _release(self, claim: FileLock) -> None:
        """Let go of a claim and tidy its lock file (the caller holds the outbox's lock, under which
        alone claims are taken, so no other run can be opening it)."""
        claim.release()
        _remove(Path(claim.lock_file))

    def _claim_or_busy(self, name: str, key: str) -> FileLock:
        claim = self._claim(name)
        if claim is None:
            raise OutboxError(f"the message {key} is being sent by another run now; wait for it to finish")
        return claim

    def _claim(self, name: str) -> FileLock | None:
        """Take the message's claim lock (the caller holds the outbox's lock); None if a live run has it."""
        claim = FileLock(self.folder / ".claims" / f"{name}.lock", timeout=0)
        try:
            claim.acquire()
        except Timeout:
            return None
        return claim

    def _settled(self, name: str, letter: Letter) -> Delivery | None:
        """Why a claimed message must not be sent now: accepted before, uncertain, or refused for good."""
        before = self.log.sent_at(letter.message_id)
        if before:
            for folder in ("outbox", "sending", UNCERTAIN):  # tidy a copy left by a run stopped after acceptance
                self._move(name, (folder,), self.folder / "sent" / "new" / name)
            return _delivery(letter, ALREADY_SENT, f"already sent on {before}; not sent again")
        if (self.folder / UNCERTAIN / name).exists():
            return _delivery(letter, UNCERTAIN, "sent once already, but the server's answer never came, so it may "
                                                f"have arrived; not sent again (to send it again: outbox --resend "
                                                f"{short(name)})")
        if (self.folder / FAILED / name).exists():
            last = self.log.latest(letter.message_id)
            why = f": {last.detail}" if last and last.result == FAILED else ""
            return _delivery(letter, FAILED, f"refused for good by the mail server before{why}; not sent again "
                                             f"(see outbox)")
        return None

    def _recover(self) -> None:
        """Messages in sending/ whose run has died were cut off before their end: they wait again."""
        for name in self._names("sending"):
            claim = self._claim(name)
            if claim is None:
                continue
            try:
                path = self.folder / "sending" / name
                letter = self._letter_from(path.read_bytes()) if path.exists() else None
                if letter is not None and not self.log.sent_at(letter.message_id):
                    os.replace(path, self.folder / "outbox" / "new" / name)
                    _fsync_dir(self.folder / "outbox" / "new")
                    self._record(letter, _stamp(datetime.now(timezone.utc)), WAITING,
                                 "the run sending it was stopped before the whole message went out; it waits to be "
                                 "sent again")
                elif path.exists():
                    os.replace(path, self.folder / "sent" / "new" / name)
            finally:
                self._release(claim)

    def _move(self, name: str, folders: tuple[str, ...], target: Path) -> None:
        source = self._find(name, folders)
        if source is None or source == target:
            return
        os.replace(source, target)
        _fsync_dir(target.parent)

    def _find(self, name: str, folders: tuple[str, ...]) -> Path | None:
        for folder in folders:
            for place in ((self.folder / folder / "new", self.folder / folder / "cur")
                          if folder in ("outbox", "sent") else (self.folder / folder,)):
                if (place / name).exists():
                    return place / name
        return None

    def _names(self, folder: str) -> list[str]:
        """The messages in a folder, oldest first."""
        places = ((self.folder / folder / "new", self.folder / folder / "cur") if folder in ("outbox", "sent")
                  else (self.folder / folder,))
        found = []
        for place in places:
            try:
                with os.scandir(place) as entries:
                    for entry in entries:
                        if entry.is_file() and not entry.name.startswith("."):
                            try:
                                found.append((entry.stat().st_mtime_ns, entry.name))
                            except OSError:
                                continue  # moved meanwhile
            except FileNotFoundError:
                continue
        return [name for _, name in sorted(found)]

    def _one(self, key: str) -> tuple[str, Path]:
        """The uncertain or failed message a person named by its short key (or a waiting one)."""
        key = key.strip().lower()
        matches = []
        for folder in (UNCERTAIN, FAILED, "outbox"):
            for name in self._names(folder):
                if key and name.startswith(key):
                    matches.append((name, self._find(name, (folder,))))
        if not matches:
            raise OutboxError(f"no message {key!r} in the outbox; 'make_pdfs.py outbox' lists them with their keys")
        if len(matches) > 1:
            raise OutboxError(f"{key!r} names {len(matches)} messages; give more of its key")
        name, path = matches[0]
        if path is None:
            raise OutboxError(f"message {key} has just been moved; list the outbox again")
        return name, path

    def _listed(self, name: str, path: Path, state: str | None = None) -> Listed:
        letter = self._letter_from(path.read_bytes())
        last = self.log.latest(letter.message_id)
        headers = BytesHeaderParser(policy=policy.default).parsebytes(path.read_bytes())
        state = state or (UNCERTAIN if path.parent.name == UNCERTAIN else FAILED if path.parent.name == FAILED
                          else WAITING)
        reason = last.detail if last and last.result in (WAITING, UNCERTAIN, FAILED) else "not tried yet"
        if state == UNCERTAIN and not (last and last.result == UNCERTAIN):
            reason = ("the run sending it was stopped after the whole message went out, before the server answered; "
                      "it may have arrived")
        return Listed(short(name), state, letter.message_id, letter.client, letter.recipient, letter.handout,
                      str(headers.get("Subject", "")), last.at if last else "", reason)

    def _letter_from(self, data: bytes) -> Letter:
        """Rebuild a Letter from stored bytes; the send log gives what the headers do not."""
        headers = BytesHeaderParser(policy=policy.compat32).parsebytes(data)
        message_id = str(headers.get("Message-ID", "")).strip()
        sender = parseaddr(str(headers.get("From", "")))[1]
        known = self.log.latest(message_id)
        recipient = known.recipient if known else ""
        if not recipient:
            found = getaddresses([str(v) for v in headers.get_all("To", [])])
            recipient = found[0][1] if found else ""
        return Letter(message_id, sender, recipient, known.client if known else recipient,
                      known.handout if known else "", known.visit_date if known else "", data)

    def _record(self, letter: Letter, stamp: str, result: str, detail: str = "") -> None:
        self.log.record(stamp, letter.message_id, letter.client, letter.recipient, letter.handout,
                        letter.visit_date, result, detail)

    @contextmanager
    def _lock(self) -> Iterator[None]:
        """The outbox's lock: held only for moments (never while talking to the server)."""
        lock = FileLock(self.folder / ".outbox.lock", timeout=LOCK_WAIT)
        try:
            lock.acquire()
        except Timeout:
            raise OutboxError(f"the outbox {self.folder} stayed locked by another run for {LOCK_WAIT:g} s; "
                              f"try again") from None
        try:
            yield
        finally:
            lock.release()

    def _require(self) -> None:
        if self.broken:
            raise OutboxError(self.broken)


class _Steps:
    """The outbox's side of a send in progress: each step recorded the moment it happens."""

    def __init__(self, outbox: Outbox, name: str, letter: Letter, stamp: str):
        self.outbox, self.name, self.letter, self.stamp = outbox, name, letter, stamp
        self.committed = self.recorded = False

    def committing(self) -> None:
        # From here on a cut-off may mean it arrived: a run killed now leaves it in uncertain/.
        source = self.outbox.folder / "sending" / self.name
        os.replace(source, self.outbox.folder / UNCERTAIN / self.name)
        _fsync_dir(self.outbox.folder / UNCERTAIN)
        self.committed = True

    def accepted(self) -> None:
        self.outbox._record(self.letter, _stamp(datetime.now(timezone.utc)), SENT)
        self.recorded = True


def file_name(message_id: str) -> str:
    """The message's file name in every folder: the same for the same Message-ID."""
    return hashlib.sha256(message_id.encode("utf-8")).hexdigest()[:40]


def short(name: str) -> str:
    return name[:8]


def readdressed(letter: Letter, to: str) -> Letter:
    """The same message to a corrected address, with the Message-ID the corrected sheet would have."""
    from email.headerregistry import Address
    from email.parser import BytesParser

    from .letter import message_id

    message = BytesParser(policy=policy.SMTPUTF8 if not to.isascii() else policy.SMTP).parsebytes(letter.data)
    name = message["To"].addresses[0].display_name if message["To"] and message["To"].addresses else ""
    local, _, domain = to.rpartition("@")
    del message["To"]
    message["To"] = Address(name, local, domain)
    visit = _VisitKey(letter.client, _Day(letter.visit_date), letter.handout)
    mid = message_id(visit, to, letter.sender.rpartition("@")[2])
    del message["Message-ID"]
    message["Message-ID"] = mid
    return Letter(mid, letter.sender, to, letter.client, letter.handout, letter.visit_date, message.as_bytes())


@dataclass(frozen=True)
class _Day:
    text: str

    def isoformat(self) -> str:
        return self.text


@dataclass(frozen=True)
class _VisitKey:
    """What a Message-ID is made from: the client's name, the visit's date and the handout."""

    name: str
    date: _Day
    sheet: str


def _delivery(letter: Letter, status: str, detail: str) -> Delivery:
    return Delivery(letter.message_id, letter.client, letter.recipient, letter.handout, status, detail)


def _write_durably(path: Path, data: bytes) -> None:
    """Write a whole file beside its place, flush it to disk, then rename it in: never half a message."""
    fd, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass


def _fsync_dir(folder: Path) -> None:
    """Make a rename or new file in folder permanent (folders cannot be opened for this on Windows)."""
    if os.name == "nt":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _why(err: Exception) -> str:
    if isinstance(err, OSError):
        return (err.strerror or str(err)).rstrip(".")
    return str(err).rstrip(".")


def _stamp(now: datetime) -> str:
    return now.astimezone().isoformat(timespec="seconds")
