"""Opening an ``encryptedCard`` (facts §13) with the standard library only.

Python's standard library has no RSA and no AES, so this file does both in plain Python: a PKCS#8
RSA private key read from its DER, RSA-OAEP with SHA-256 (MGF1-SHA-256, empty label), and AES-256
in GCM mode (the tag checked before the plaintext is used). Slow (pure Python) and not hardened
against timing: fine for a sandbox example, never for real card data.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json

# ---- DER / PKCS#8 -------------------------------------------------------------------------------


def _der(data: bytes, at: int) -> tuple[int, bytes, int]:
    """One DER element at ``at``: (tag, contents, offset after it)."""
    tag = data[at]
    length = data[at + 1]
    at += 2
    if length & 0x80:
        count = length & 0x7F
        length = int.from_bytes(data[at : at + count], "big")
        at += count
    return tag, data[at : at + length], at + length


def _sequence(data: bytes) -> list[tuple[int, bytes]]:
    items, at = [], 0
    while at < len(data):
        tag, contents, at = _der(data, at)
        items.append((tag, contents))
    return items


def private_key_from_pem(pem: str) -> tuple[int, int]:
    """``(n, d)`` of a PKCS#8 RSA private key in PEM."""
    body = "".join(line for line in pem.strip().splitlines() if not line.startswith("-----"))
    _, pkcs8, _ = _der(base64.b64decode(body), 0)
    octets = _sequence(pkcs8)[2][1]  # version, algorithm, privateKey OCTET STRING
    _, rsa, _ = _der(octets, 0)
    fields = [int.from_bytes(contents, "big") for _, contents in _sequence(rsa)]
    return fields[1], fields[3]  # version, n, e, d, …


# ---- RSA-OAEP (SHA-256) -------------------------------------------------------------------------


def _mgf1(seed: bytes, length: int) -> bytes:
    out = b""
    counter = 0
    while len(out) < length:
        out += hashlib.sha256(seed + counter.to_bytes(4, "big")).digest()
        counter += 1
    return out[:length]


def rsa_oaep_decrypt(key: tuple[int, int], ciphertext: bytes) -> bytes:
    n, d = key
    k = (n.bit_length() + 7) // 8
    if len(ciphertext) != k:
        raise ValueError("wrong ciphertext length")
    em = pow(int.from_bytes(ciphertext, "big"), d, n).to_bytes(k, "big")
    h_len = 32
    masked_seed, masked_db = em[1 : 1 + h_len], em[1 + h_len :]
    seed = bytes(a ^ b for a, b in zip(masked_seed, _mgf1(masked_db, h_len)))
    db = bytes(a ^ b for a, b in zip(masked_db, _mgf1(seed, k - h_len - 1)))
    label_hash, rest = db[:h_len], db[h_len:]
    separator = rest.find(b"\x01")
    if em[0] != 0 or not hmac.compare_digest(label_hash, hashlib.sha256(b"").digest()) or separator < 0:
        raise ValueError("decryption error")
    if rest[:separator].strip(b"\x00"):
        raise ValueError("decryption error")
    return rest[separator + 1 :]


# ---- AES-256 (encryption only: GCM needs no decryption) -----------------------------------------


def _xtime(a: int) -> int:
    a <<= 1
    return (a ^ 0x11B) if a & 0x100 else a


def _sbox() -> list[int]:
    box = [0] * 256
    p = q = 1
    while True:
        p = p ^ (p << 1) ^ (0x1B if p & 0x80 else 0)  # p × 3
        p &= 0xFF
        q ^= q << 1  # q ÷ 3
        q ^= q << 2
        q ^= q << 4
        q &= 0xFF
        if q & 0x80:
            q ^= 0x09
        x = q ^ ((q << 1) | (q >> 7)) ^ ((q << 2) | (q >> 6)) ^ ((q << 3) | (q >> 5)) ^ ((q << 4) | (q >> 4))
        box[p] = (x ^ 0x63) & 0xFF
        if p == 1:
            break
    box[0] = 0x63
    return box


SBOX = _sbox()


def _expand(key: bytes) -> list[list[int]]:
    words = [list(key[i : i + 4]) for i in range(0, 32, 4)]
    rcon = 1
    for i in range(8, 60):
        word = list(words[i - 1])
        if i % 8 == 0:
            word = [SBOX[b] for b in word[1:] + word[:1]]
            word[0] ^= rcon
            rcon = _xtime(rcon)
        elif i % 8 == 4:
            word = [SBOX[b] for b in word]
        words.append([a ^ b for a, b in zip(words[i - 8], word)])
    return [sum(words[r * 4 : r * 4 + 4], []) for r in range(15)]


def _encrypt_block(round_keys: list[list[int]], block: bytes) -> bytes:
    s = [b ^ k for b, k in zip(block, round_keys[0])]
    for r in range(1, 15):
        s = [SBOX[b] for b in s]
        s = [s[(i + 4 * (i % 4)) % 16] for i in range(16)]  # ShiftRows (column-major state)
        if r != 14:
            mixed = []
            for c in range(4):
                a = s[4 * c : 4 * c + 4]
                t = a[0] ^ a[1] ^ a[2] ^ a[3]
                mixed += [a[i] ^ t ^ _xtime(a[i] ^ a[(i + 1) % 4]) for i in range(4)]
            s = mixed
        s = [b ^ k for b, k in zip(s, round_keys[r])]
    return bytes(s)


# ---- GCM ----------------------------------------------------------------------------------------

_R = 0xE1 << 120


def _gf_mult(x: int, y: int) -> int:
    z, v = 0, y
    for i in range(127, -1, -1):
        if (x >> i) & 1:
            z ^= v
        v = (v >> 1) ^ _R if v & 1 else v >> 1
    return z


def aes_256_gcm_decrypt(key: bytes, nonce: bytes, sealed: bytes) -> bytes:
    """The plaintext of ``sealed`` (ciphertext followed by the 16-byte tag); ``ValueError`` if the tag is wrong."""
    if len(key) != 32 or len(nonce) != 12 or len(sealed) < 16:
        raise ValueError("bad sizes")
    ciphertext, tag = sealed[:-16], sealed[-16:]
    round_keys = _expand(key)
    h = int.from_bytes(_encrypt_block(round_keys, bytes(16)), "big")
    ghash = 0
    padded = ciphertext + bytes(-len(ciphertext) % 16)
    for i in range(0, len(padded), 16):
        ghash = _gf_mult(ghash ^ int.from_bytes(padded[i : i + 16], "big"), h)
    ghash = _gf_mult(ghash ^ (len(ciphertext) * 8), h)  # lengths block: no AAD
    j0 = nonce + b"\x00\x00\x00\x01"
    expected = bytes(a ^ b for a, b in zip(_encrypt_block(round_keys, j0), ghash.to_bytes(16, "big")))
    if not hmac.compare_digest(expected, tag):
        raise ValueError("authentication tag mismatch")
    out = bytearray()
    for i in range(0, len(ciphertext), 16):
        counter = nonce + (2 + i // 16).to_bytes(4, "big")
        stream = _encrypt_block(round_keys, counter)
        out += bytes(a ^ b for a, b in zip(ciphertext[i : i + 16], stream))
    return bytes(out)


# ---- encryptedCard ------------------------------------------------------------------------------


def open_encrypted_card(private_key_pem: str, encrypted_card: str) -> dict | None:
    """The JSON inside an ``encryptedCard`` (``{card, deviceInformations, metadata}``), or ``None``."""
    try:
        envelope = json.loads(base64.b64decode(encrypted_card, validate=True))
        aes_key = rsa_oaep_decrypt(private_key_from_pem(private_key_pem), base64.b64decode(envelope["encryptedKey"]))
        plaintext = aes_256_gcm_decrypt(
            aes_key, base64.b64decode(envelope["nonce"]), base64.b64decode(envelope["ciphertext"])
        )
        content = json.loads(plaintext)
        return content if isinstance(content, dict) else None
    except (ValueError, KeyError, TypeError, IndexError):
        return None
