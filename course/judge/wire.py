"""Framing for the judge's messages: a JSON header and raw byte blobs, nothing that runs code.

A message is ``!I`` (header length), the header (UTF-8 JSON, its ``"blobs"`` field lists
the blob sizes), then the blobs.  Arrays travel as ``.npy`` bytes, read back with
``allow_pickle=False`` and only for plain dtypes (numbers, booleans, strings).
Every size is checked before anything is allocated.
"""
from __future__ import annotations

import io
import json
import socket
import struct
import time

import numpy as np

MAX_HEADER = 64 << 20
MAX_MESSAGE = 512 << 20
_PLAIN_KINDS = "biufcSU"


class WireError(Exception):
    """A malformed, oversized or unexpected message."""


class PeerTimeout(TimeoutError):
    """The other side did not answer in time."""


class PeerGone(ConnectionError):
    """The other side closed the connection."""


def frame(header: dict, blobs: list[bytes]) -> bytes:
    """One message as it goes on the wire."""
    header = {**header, "blobs": [len(b) for b in blobs]}
    head = json.dumps(header, separators=(",", ":"), allow_nan=True).encode()
    return b"".join([struct.pack("!I", len(head)), head, *blobs])


def send(sock: socket.socket, header: dict, blobs: list[bytes], record=None) -> None:
    """Send one message; *record*, a binary file, gets a copy (the test suite's record of what the
    judge sent: ``DLCOURSE_JUDGE_RECORD``)."""
    data = frame(header, blobs)
    if record is not None:
        record.write(data)
        record.flush()
    sock.sendall(data)


def messages(data: bytes):
    """The (header, blobs) of every message in a record made by :func:`send`."""
    at = 0
    while at + 4 <= len(data):
        (size,) = struct.unpack("!I", data[at:at + 4])
        header = json.loads(data[at + 4:at + 4 + size])
        at += 4 + size
        blobs = []
        for n in header.get("blobs", []):
            blobs.append(data[at:at + n])
            at += n
        yield header, blobs


def _read(sock: socket.socket, n: int, deadline: float | None) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        if deadline is not None:
            left = deadline - time.monotonic()
            if left <= 0:
                raise PeerTimeout("no answer in time")
            sock.settimeout(left)
        else:
            sock.settimeout(None)
        try:
            chunk = sock.recv(min(n - len(buf), 1 << 20))
        except socket.timeout:
            raise PeerTimeout("no answer in time") from None
        if not chunk:
            raise PeerGone("the connection was closed")
        buf += chunk
    return bytes(buf)


def recv(sock: socket.socket, deadline: float | None = None) -> tuple[dict, list[bytes]]:
    (size,) = struct.unpack("!I", _read(sock, 4, deadline))
    if size > MAX_HEADER:
        raise WireError(f"a message header of {size} bytes")
    try:
        header = json.loads(_read(sock, size, deadline))
    except ValueError as exc:
        raise WireError(f"a header that is not JSON ({exc})") from None
    sizes = header.get("blobs") if isinstance(header, dict) else None
    if not isinstance(sizes, list) or not all(isinstance(s, int) and s >= 0 for s in sizes) \
            or sum(sizes) > MAX_MESSAGE:
        raise WireError("a message with bad or oversized blobs")
    return header, [_read(sock, s, deadline) for s in sizes]


def array_bytes(arr: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.save(buf, arr, allow_pickle=False)
    return buf.getvalue()


def array_from(blob: bytes) -> np.ndarray:
    try:
        arr = np.load(io.BytesIO(blob), allow_pickle=False)
    except Exception as exc:  # noqa: BLE001 - whatever the bytes are, they are not an array
        raise WireError(f"bytes that are not a .npy array ({type(exc).__name__})") from None
    if not isinstance(arr, np.ndarray) or arr.dtype.kind not in _PLAIN_KINDS or arr.dtype.fields:
        raise WireError("an array of a dtype that is not plain numbers")
    return arr


def is_plain_array(arr: np.ndarray) -> bool:
    return arr.dtype.kind in _PLAIN_KINDS and not arr.dtype.fields
