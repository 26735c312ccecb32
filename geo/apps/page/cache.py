"""The page's analyses, shared by every session of the server and bounded in bytes.

Streamlit's own cache bounds the number of entries, not their size: 64 analyses of long articles
can hold gigabytes. This one keeps the most recently used analyses while the sum of their sizes
(their GeoJSON's length, a fair measure of what the objects hold) stays under a budget; an analysis
larger than a quarter of the budget is returned but not kept.
"""
from __future__ import annotations

import json
import threading
from collections import OrderedDict
from typing import Callable, Hashable

CACHE_BYTES = 64 * 1024 * 1024


def json_size(obj) -> int:
    return len(json.dumps(obj, ensure_ascii=False, separators=(",", ":")))


class ByteBoundedCache:
    """A least-recently-used cache whose entries' sizes add up to at most `max_bytes`."""

    def __init__(self, max_bytes: int = CACHE_BYTES, size: Callable = json_size):
        self.max_bytes, self.size = max_bytes, size
        self.bytes = 0
        self._items: "OrderedDict[Hashable, tuple[object, int]]" = OrderedDict()
        self._lock = threading.Lock()

    def get_or_make(self, key: Hashable, make: Callable[[], object]):
        with self._lock:
            hit = self._items.get(key)
            if hit is not None:
                self._items.move_to_end(key)
                return hit[0]
        value = make()                  # outside the lock: other sessions are not held up
        n = self.size(value)
        if n <= self.max_bytes // 4:
            with self._lock:
                if key not in self._items:
                    self._items[key] = (value, n)
                    self.bytes += n
                while self.bytes > self.max_bytes and self._items:
                    _, (_, m) = self._items.popitem(last=False)
                    self.bytes -= m
        return value

    def __len__(self) -> int:
        return len(self._items)
