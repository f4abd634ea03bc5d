"""Every test gets an empty compile cache of its own (io/cache.py), outside the user's: a test
never reuses another test's compile, and nothing lands in ~/.cache."""

import pytest


@pytest.fixture(autouse=True)
def _own_compile_cache(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("PROMOTELINT_CACHE_DIR", str(tmp_path_factory.mktemp("compile-cache")))
