"""Corrections re-derive what depends on them: the article is analysed again from its stored text
with the user's choices, and its places, events, relations and areas replaced in one transaction."""
from __future__ import annotations

from geo.model import DocumentMeta
from geo.store.base import Store, StoreError
from geo.store.records import from_analysis


def correct(store: Store, pipeline, article_id: str, corrections: list[dict]) -> dict:
    """Apply `corrections` ({"start", "end", "place_id"} or {"start", "end", "lat", "lon"}, as
    ``Pipeline.analyse`` takes them; they replace the article's earlier ones) to a stored article."""
    a = store.article(article_id)
    if a is None:
        raise StoreError(f"no article {article_id!r} in {store.location}")
    if a["text"] is None:
        raise StoreError(f"the store does not keep the text of {article_id!r} (it came from an older batch "
                         "journal): add the article again to correct it")
    meta = DocumentMeta(id=article_id, title=a["title"] or "", date=a["date"] or "", timezone=a["timezone"] or "",
                        source=a["source"] or "", url=a["url"] or "")
    analysis = pipeline.analyse(a["text"], meta, corrections=corrections or None)
    return store.add([from_analysis(analysis, a["text"], corrections)])
