"""SHA-256, SHA-1 and MD5 as hashlib makes them, without hashlib's cost at start.

`import hashlib` loads OpenSSL's libcrypto (~10 M instructions: 3% of a cold `compile`), and a run
hashes a few short texts (names the framework derives from a hash, the compile cache's keys).
CPython's own implementations, the modules hashlib itself falls back to without OpenSSL, give the
same digests and load at once (tests/test_digest.py compares them with hashlib's); a Python built
without them gets hashlib's.
"""

from __future__ import annotations

try:
    from _sha256 import sha256  # Python 3.11
except ImportError:  # pragma: no cover - the module's name from Python 3.12 on
    try:
        from _sha2 import sha256  # type: ignore[no-redef]
    except ImportError:
        from hashlib import sha256  # type: ignore[no-redef]
try:
    from _sha1 import sha1
except ImportError:  # pragma: no cover
    from hashlib import sha1  # type: ignore[no-redef]
try:
    from _md5 import md5
except ImportError:  # pragma: no cover
    from hashlib import md5  # type: ignore[no-redef]

__all__ = ["md5", "sha1", "sha256"]
