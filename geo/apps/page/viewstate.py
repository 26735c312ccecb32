"""The collection view's state as URL query parameters, so a copied URL opens the same view:
filters, time range, map view and selected feature.

    ?view=collection&from=2019-03-01&to=2019-06-30&type=launch&type=impact&area=EEZ:JP
     &source=...&actor=North+Korea&conf=0.5&q=missile&lat=38.5&lon=132.1&z=5&sel=e:42
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from geo.store.query import Filter

VIEW = "collection"
LISTS = {"type": "kinds", "area": "areas", "source": "sources", "actor": "actors"}


@dataclass(frozen=True)
class ViewState:
    filter: Filter = field(default_factory=Filter)
    lat: float | None = None
    lon: float | None = None
    zoom: int | None = None
    selected: str = ""             # "p:<place key>" or "e:<feature id>"

    def with_view(self, lat: float, lon: float, zoom: int) -> "ViewState":
        return replace(self, lat=round(float(lat), 4), lon=round(float(lon), 4), zoom=int(zoom))


def _float(value, default=None):
    try:
        x = float(value)
    except (TypeError, ValueError):
        return default
    return x if x == x and abs(x) != float("inf") else default


def from_query(params) -> ViewState:
    """The state a URL's query parameters describe (`params`: st.query_params or a dict of lists);
    anything malformed is ignored."""
    def one(key):
        v = params.get_all(key) if hasattr(params, "get_all") else params.get(key)
        if isinstance(v, list):
            return v[-1] if v else ""
        return v or ""

    def many(key):
        v = params.get_all(key) if hasattr(params, "get_all") else params.get(key)
        if v is None:
            return ()
        return tuple(x for x in (v if isinstance(v, list) else [v]) if x)

    flt = Filter(start=one("from")[:10], end=one("to")[:10],
                 min_confidence=min(1.0, max(0.0, _float(one("conf"), 0.0))), text=one("q")[:200],
                 **{attr: many(key) for key, attr in LISTS.items()})
    lat, lon, z = _float(one("lat")), _float(one("lon")), _float(one("z"))
    ok = lat is not None and lon is not None and z is not None and -90 <= lat <= 90 and -180 <= lon <= 180
    return ViewState(flt, lat if ok else None, lon if ok else None, int(min(18, max(1, z))) if ok else None,
                     one("sel")[:200])


def to_query(state: ViewState) -> dict:
    """The query parameters of a state (lists as repeated parameters)."""
    f = state.filter
    out: dict = {"view": VIEW}
    if f.start:
        out["from"] = f.start
    if f.end:
        out["to"] = f.end
    for key, attr in LISTS.items():
        if getattr(f, attr):
            out[key] = list(getattr(f, attr))
    if f.min_confidence:
        out["conf"] = f"{f.min_confidence:g}"
    if f.text:
        out["q"] = f.text
    if state.zoom is not None:
        out.update(lat=f"{state.lat:.4f}", lon=f"{state.lon:.4f}", z=str(state.zoom))
    if state.selected:
        out["sel"] = state.selected
    return out
