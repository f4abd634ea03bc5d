"""model/digest.py gives hashlib's digests without importing hashlib (OpenSSL) at start."""

from __future__ import annotations

import hashlib
import random

from promotelint.model import digest


def test_digests_are_hashlibs():
    rng = random.Random(3)
    texts = [b"", b"abc", "Tábla\u2028".encode(), bytes(range(256)) * 40,
             *(rng.randbytes(rng.randint(0, 5000)) for _ in range(50))]
    for name in ("sha256", "sha1", "md5"):
        ours, theirs = getattr(digest, name), getattr(hashlib, name)
        for text in texts:
            assert ours(text).hexdigest() == theirs(text).hexdigest()
            assert ours(text).digest() == theirs(text).digest()
        grown = ours()  # fed in parts, as the compile cache's fingerprint is
        for text in texts:
            grown.update(text)
        assert grown.hexdigest() == theirs(b"".join(texts)).hexdigest()
