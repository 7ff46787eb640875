"""Bitstring Status List (W3C Bitstring Status List v1.0): the revocation bits of Open Badges 3.0.

Each award has a fixed position in the list, its index in the ledger (append-only, so it never
moves). Bit i, counted from the left-most (most significant) bit of the first byte, is 1 when
award i is revoked. The list is published GZIP-compressed, then multibase base64url (prefix
`u`, no padding), in the `encodedList` of a BitstringStatusListCredential.

Pure functions over bytes and strings; `credential.py` builds the credential around them.
"""

from __future__ import annotations

import base64
import gzip
import zlib
from collections.abc import Iterable

# The spec's minimum: 131,072 entries (16 KiB) so that one revoked badge hides in a crowd.
MIN_BITS = 131_072
MULTIBASE_BASE64URL = "u"
# Above this the list is refused when decoding: no badge list of ours is anywhere near.
MAX_DECODED_BYTES = 16 * 1024 * 1024


def bitstring(revoked: Iterable[int], size: int = 0) -> bytes:
    """The raw bitstring, at least MIN_BITS long (a whole number of MIN_BITS blocks)."""
    indexes = sorted(set(revoked))
    if indexes and indexes[0] < 0:
        raise ValueError("negative status list index")
    needed = max(size, (indexes[-1] + 1) if indexes else 0, 1)
    bits = -(-needed // MIN_BITS) * MIN_BITS
    data = bytearray(bits // 8)
    for index in indexes:
        data[index // 8] |= 0x80 >> (index % 8)
    return bytes(data)


def encode(bits: bytes) -> str:
    """GZIP (fixed header: no time stamp, so the same bits give the same text) + multibase."""
    compressed = gzip.compress(bits, compresslevel=9, mtime=0)
    return MULTIBASE_BASE64URL + base64.urlsafe_b64encode(compressed).rstrip(b"=").decode("ascii")


def encoded_list(revoked: Iterable[int], size: int = 0) -> str:
    """The `encodedList` value for the revoked indexes."""
    return encode(bitstring(revoked, size))


def decode(encoded: str) -> bytes:
    """The raw bitstring of an `encodedList` value; ValueError if it cannot be read."""
    if not isinstance(encoded, str) or not encoded.startswith(MULTIBASE_BASE64URL):
        raise ValueError("encodedList is not multibase base64url (prefix u)")
    text = encoded[1:]
    try:
        compressed = base64.b64decode(text + "=" * (-len(text) % 4), altchars=b"-_",
                                      validate=True)
        stream = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)  # GZIP
        bits = stream.decompress(compressed, MAX_DECODED_BYTES)
    except (ValueError, zlib.error) as exc:
        raise ValueError("encodedList cannot be decompressed") from exc
    if stream.unconsumed_tail:
        raise ValueError("encodedList is too large")
    if not stream.eof or not bits:
        raise ValueError("encodedList is truncated or empty")
    return bits


def bit(bits: bytes, index: int) -> bool:
    """Whether bit `index` (left-most first) is set; ValueError outside the list."""
    if not 0 <= index < len(bits) * 8:
        raise ValueError("status list index out of range")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))
