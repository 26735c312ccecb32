"""Caches that stay bounded: names, words and places recur across articles, so their answers are
kept from one article to the next, and a full cache is emptied and refills with what is current."""
from __future__ import annotations

CACHE_LIMIT = 100_000      # entries of a cache when its user names no other bound


def keep(cache: dict, key, value, limit: int = CACHE_LIMIT):
    """Store `value` under `key` and return it; a cache holding `limit` entries is emptied first."""
    if len(cache) >= limit:
        cache.clear()
    cache[key] = value
    return value
