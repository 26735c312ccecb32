"""Standard geoparsing scores, as pure functions.

Recognition: precision, recall and F1 on exact character spans, micro-averaged over articles
(true/false positives and false negatives summed over the corpus, then the ratios).

Resolution (gold spans given): for each gold toponym with coordinates, the distance in km between
the gold point and the system's point; a toponym the system left unplaced counts as
`MAX_ERROR_KM` (20,039 km, half the Earth's circumference).
- A@161: share of errors <= 161 km (100 miles).
- AUC: area under the curve of the sorted log errors (Gritta et al. 2018, "What's missing in
  geographical parsing?"): errors sorted ascending, each mapped to ln(error + 1) / ln(20039)
  (capped at 1), AUC = their mean, in [0, 1]; 0 is perfect, lower is better.
- median error in km.

Distances are geodesic on WGS84 (pyproj's Geod) when pyproj is importable, else great-circle
(haversine, mean Earth radius 6371.0088 km); the two differ by < 0.5 %, far below any threshold
that matters here.
"""
from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence

EARTH_RADIUS_KM = 6371.0088
MAX_ERROR_KM = 20039.0       # half the Earth's circumference: the error of an unplaced toponym
A161_KM = 161.0              # 100 miles

Span = tuple[int, int]

try:  # pragma: no cover - depends on the environment
    from pyproj import Geod as _Geod
    _GEOD = _Geod(ellps="WGS84")
except Exception:  # pragma: no cover
    _GEOD = None

DISTANCE_METHOD = "geodesic (pyproj WGS84)" if _GEOD is not None else "haversine (R=6371.0088 km)"


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in km on a sphere of radius 6371.0088 km."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp = p2 - p1
    dl = math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def geodesic_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Geodesic distance in km on WGS84 (pyproj); haversine when pyproj is absent."""
    if _GEOD is None:
        return haversine_km(lat1, lon1, lat2, lon2)
    _, _, metres = _GEOD.inv(lon1, lat1, lon2, lat2)
    return metres / 1000.0


def distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The distance the benchmarks score with (see DISTANCE_METHOD)."""
    return geodesic_km(lat1, lon1, lat2, lon2)


def error_km(gold_lat: float, gold_lon: float, lat: float | None, lon: float | None) -> float:
    """Resolution error of one toponym; MAX_ERROR_KM when the system gave no point."""
    if lat is None or lon is None:
        return MAX_ERROR_KM
    try:
        lat, lon = float(lat), float(lon)
    except (TypeError, ValueError):
        return MAX_ERROR_KM
    if not (math.isfinite(lat) and math.isfinite(lon)) or abs(lat) > 90:
        return MAX_ERROR_KM
    return min(distance_km(gold_lat, gold_lon, lat, lon), MAX_ERROR_KM)


# ---------------------------------------------------------------------------------------------
# Recognition

def _as_set(spans: Iterable[Sequence[int]]) -> set[Span]:
    return {(int(s[0]), int(s[1])) for s in spans}


def span_counts(gold: Iterable[Sequence[int]], predicted: Iterable[Sequence[int]]) -> tuple[int, int, int]:
    """(tp, fp, fn) for one article, on exact spans. Duplicate spans count once."""
    g, p = _as_set(gold), _as_set(predicted)
    tp = len(g & p)
    return tp, len(p) - tp, len(g) - tp


def prf(tp: int, fp: int, fn: int) -> dict:
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": precision, "recall": recall, "f1": f1, "tp": tp, "fp": fp, "fn": fn}


def span_prf(gold_spans: Sequence[Iterable[Sequence[int]]],
             predicted_spans: Sequence[Iterable[Sequence[int]]]) -> dict:
    """Micro-averaged exact-span precision, recall and F1 over a corpus.

    `gold_spans[i]` and `predicted_spans[i]` are the (start, end) spans of article i.
    Returns dict(precision, recall, f1, tp, fp, fn); a ratio with a zero denominator is 0.0.
    """
    if len(gold_spans) != len(predicted_spans):
        raise ValueError(f"{len(gold_spans)} gold articles but {len(predicted_spans)} predicted")
    tp = fp = fn = 0
    for g, p in zip(gold_spans, predicted_spans):
        a, b, c = span_counts(g, p)
        tp += a
        fp += b
        fn += c
    return prf(tp, fp, fn)


def overlaps(a: Sequence[int], b: Sequence[int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]


# ---------------------------------------------------------------------------------------------
# Resolution

def auc_log_error(errors_km: Sequence[float]) -> float:
    """Gritta et al. (2018) AUC: mean of ln(e + 1) / ln(20039) over the errors sorted ascending.

    Sorting does not change a mean; it is kept to mirror the definition (the area under the
    sorted-error curve, the x axis scaled to [0, 1]).
    """
    if not errors_km:
        return float("nan")
    scale = math.log(MAX_ERROR_KM)
    # Each term is capped at 1: ln(20039 + 1) / ln(20039) would otherwise exceed it by 1e-5.
    terms = (min(1.0, math.log(min(max(e, 0.0), MAX_ERROR_KM) + 1.0) / scale) for e in sorted(errors_km))
    return sum(terms) / len(errors_km)


def resolution_scores(errors_km: Sequence[float], threshold_km: float = A161_KM) -> dict:
    """dict(a161, auc, median_km, mean_km, n) over the errors of all gold toponyms with coordinates."""
    n = len(errors_km)
    if n == 0:
        nan = float("nan")
        return {"a161": nan, "auc": nan, "median_km": nan, "mean_km": nan, "n": 0}
    return {
        "a161": sum(1 for e in errors_km if e <= threshold_km) / n,
        "auc": auc_log_error(errors_km),
        "median_km": float(statistics.median(errors_km)),
        "mean_km": float(statistics.fmean(errors_km)),
        "n": n,
    }
