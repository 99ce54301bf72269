"""A page's content stream as (operands, operator) pairs, read with one regular expression.

pypdf builds a Python object for every number and name of a stream, which made reading a page
back cost more than drawing it. The checks need only plain values: numbers as floats, names
as text ('/F1'), strings as their bytes, arrays as lists. Dictionaries (marked content) and
inline images are passed over. Anything unreadable ends the page's operators there, so a
damaged stream is checked as far as it can be read, never with an error.
"""

from __future__ import annotations

import re
from codecs import escape_decode
from typing import Iterator

WHITE = rb"\x00\t\n\x0c\r "   # PDF's white-space characters, for a regular expression's [...]
_DELIMITERS = rb"()<>\[\]{}/%"
NUMBER = rb"[+-]?(?:\d+(?:\.\d*)?|\.\d+)"   # its digits match one way only: no slow backtracking
_TOKEN = re.compile(rb"[%s]+|%%[^\r\n]*|(?P<number>%s)(?![^%s%s])|(?P<name>/[^%s%s]*)"
                    rb"|(?P<other><<|>>|[\[\]()<{}])|(?P<word>[^%s%s]+)"
                    % (WHITE, NUMBER, WHITE, _DELIMITERS, WHITE, _DELIMITERS, WHITE, _DELIMITERS))
_HEX = re.compile(rb"<([0-9A-Fa-f%s]*)>" % WHITE)
_ESCAPES = {ord("n"): b"\n", ord("r"): b"\r", ord("t"): b"\t", ord("b"): b"\b", ord("f"): b"\f"}
_PLAIN_LITERAL = re.compile(rb"((?:[^\\()]|\\.)*)\)", re.S)  # no parentheses inside but escaped ones
_ESCAPE = re.compile(rb"\\([0-7]{1,3}|\r\n|.)", re.S)
_INLINE_IMAGE_END = re.compile(rb"[%s]EI(?=[%s]|$)" % (WHITE, WHITE))


# The usual tokens, found all at once: a run of numbers and the operator after it if there is one
# (most of a stream: "1 0 0 1 72 720 cm"), or one number, a name, a (string) without parentheses
# inside but escaped ones, a <hex string>, a bracket, any other word or a comment; then anything
# else. The operator after a run is optional so that a run is read once: made compulsory, a long
# run with none after it was read again from each of its numbers.
_USUAL = re.compile(rb"[%s]*(?:((?:%s[\t\n\x0c\r ]+)+)([A-Za-z'\"][^%s%s]*)?|(%s)(?![^%s%s])|(/[^%s%s]*)"
                    rb"|(\((?:[^\\()]|\\.)*\))|(<[0-9A-Fa-f%s]*>)|([\[\]])|([^%s%s]+)|%%[^\r\n]*|([^%s]))"
                    % (WHITE, NUMBER, WHITE, _DELIMITERS, NUMBER, WHITE, _DELIMITERS, WHITE, _DELIMITERS,
                       WHITE, WHITE, _DELIMITERS, WHITE), re.S)
_ODD_ESCAPE = re.compile(rb"\\(?:[^0-7nrtbf\\\n]|[4-7][0-7]{2})")  # where PDF and Python escapes differ


_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


_SPACES = re.compile(rb"[%s]" % WHITE)


def hex_string(digits: bytes) -> bytes:
    """The bytes a <hex string> stands for (white space between the digits, an odd last digit as if 0 followed)."""
    digits = _SPACES.sub(b"", digits)
    return bytes.fromhex((digits + b"0" * (len(digits) % 2)).decode("ascii"))


def name_of(raw: bytes) -> str:
    """A /Name as text, its #xx escapes read."""
    if b"#" in raw:
        raw = _NAME_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), raw)
    return raw.decode("latin-1")


class _Unusual(Exception):
    """A token the quick reading does not handle: read the stream again token by token."""


def operations(data: bytes) -> list[tuple[list, str]]:
    """Each operator of the stream with the operands before it."""
    try:
        return _quick(data)
    except _Unusual:
        return list(_careful(data))


def _quick(data: bytes) -> list[tuple[list, str]]:
    found: list[tuple[list, str]] = []
    operands: list = []
    arrays: list[list] = []
    for numbers, operator, number, name, string, hexa, bracket, word, other in _USUAL.findall(data):
        word = operator or word
        if word:
            if arrays or word in (b"ID", b"BI"):
                raise _Unusual
            if numbers:
                operands.extend(map(float, numbers.split()))
            found.append((operands, word.decode("latin-1")))
            operands = []
            continue
        if numbers:               # numbers before a string, a name or the end of an array
            (arrays[-1] if arrays else operands).extend(map(float, numbers.split()))
            continue
        if number:
            value = float(number)
        elif name:
            value = name_of(name)
        elif string:
            value = string[1:-1]
            if b"\\" in value:
                value = _ESCAPE.sub(_unescaped, value) if _ODD_ESCAPE.search(value) else escape_decode(value)[0]
        elif bracket == b"[":
            arrays.append([])
            continue
        elif bracket:
            if not arrays:
                raise _Unusual
            value = arrays.pop()
        elif hexa:
            value = hex_string(hexa[1:-1])
        elif other:
            raise _Unusual
        else:                     # a comment
            continue
        (arrays[-1] if arrays else operands).append(value)
    return found


def _careful(data: bytes) -> Iterator[tuple[list, str]]:
    """Token by token, for streams with nested parentheses, dictionaries or inline images."""
    operands: list = []
    arrays: list[list] = []   # arrays being read, innermost last
    at, end = 0, len(data)
    while at < end:
        token = _TOKEN.match(data, at)
        if token is None:
            return
        at = token.end()
        kind = token.lastgroup
        if kind is None:          # white space or a comment
            continue
        text = token.group()
        if kind == "number":
            value = float(text)
        elif kind == "name":
            value = name_of(text)
        elif kind == "word":
            if arrays:            # an operator inside an array: not a stream ReportLab wrote
                return
            operator = text.decode("latin-1")
            if operator == "ID":  # inline image data runs to EI
                found = _INLINE_IMAGE_END.search(data, at)
                if found is None:
                    return
                at = found.end()
            yield operands, operator
            operands = []
            continue
        elif text == b"(":
            value, at = _literal(data, at)
            if value is None:
                return
        elif text == b"<":
            found = _HEX.match(data, at - 1)
            if found is None:
                return
            value = hex_string(found.group(1))
            at = found.end()
        elif text == b"[":
            arrays.append([])
            continue
        elif text == b"]":
            if not arrays:
                return
            value = arrays.pop()
        elif text == b"<<":
            at = _after_dictionary(data, at)
            if at < 0:
                return
            value = None
        else:                     # a stray '>>', '{' or '}'
            return
        (arrays[-1] if arrays else operands).append(value)


def _literal(data: bytes, at: int) -> tuple[bytes | None, int]:
    """The bytes of a (string) whose opening parenthesis ends at `at`, and where it ends."""
    plain = _PLAIN_LITERAL.match(data, at)
    if plain is not None:
        raw = plain.group(1)
        return (_ESCAPE.sub(_unescaped, raw) if b"\\" in raw else raw), plain.end()
    out = bytearray()   # parentheses nested inside: byte by byte
    depth, end = 1, len(data)
    while at < end:
        byte = data[at]
        at += 1
        if byte == 0x5C:  # backslash
            if at >= end:
                break
            nxt = data[at]
            at += 1
            if 0x30 <= nxt <= 0x37:
                digits = bytes([nxt])
                while len(digits) < 3 and at < end and 0x30 <= data[at] <= 0x37:
                    digits += data[at:at + 1]
                    at += 1
                out.append(int(digits, 8) & 0xFF)
            elif nxt in (0x0A, 0x0D):  # a line continued
                if nxt == 0x0D and at < end and data[at] == 0x0A:
                    at += 1
            else:
                out += _ESCAPES.get(nxt, bytes([nxt]))
        elif byte == 0x28:
            depth += 1
            out.append(byte)
        elif byte == 0x29:
            depth -= 1
            if depth == 0:
                return bytes(out), at
            out.append(byte)
        else:
            out.append(byte)
    return None, end


def _unescaped(match: re.Match) -> bytes:
    code = match.group(1)
    if code[:1] in b"01234567" and code[:1]:
        return bytes([int(code, 8) & 0xFF])
    if code in (b"\r\n", b"\r", b"\n"):  # a line continued
        return b""
    return _ESCAPES.get(code[0], code)


def _after_dictionary(data: bytes, at: int) -> int:
    """Where a << dictionary >> whose opening ends at `at` ends (nested ones included), or -1."""
    depth = 1
    while depth:
        opens, closes = data.find(b"<<", at), data.find(b">>", at)
        if closes < 0:
            return -1
        if 0 <= opens < closes:
            depth, at = depth + 1, opens + 2
        else:
            depth, at = depth - 1, closes + 2
    return at
