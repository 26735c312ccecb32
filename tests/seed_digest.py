"""What the sample articles' results are, without how they are written: the events (type of role,
label, time, position to the metre, uncertainty, how placed, zones, claims, conflict, actor,
number of objects, sentences), relations, areas and places of a parse's FeatureCollection.
`tests/data/seed_results.json` holds these for every seed as they were before events of other
kinds were read (tests/test_seed_results.py compares)."""
from __future__ import annotations


def _event(p: dict, geom) -> dict:
    counts = p.get("counts") or {}
    return {"role": p["role"], "label": p["label"], "time": p["time"], "time_text": p["time_text"],
            "point": [round(c, 5) for c in geom["coordinates"]] if geom else None,
            "uncertainty_km": p["uncertainty_km"], "position": p["position"], "zones": p["zones"],
            "claims": p["claims"], "conflict": p["conflict"], "sentences": p["sentences"],
            "actor": p.get("actor") if p["role"] == "launch" else None,
            "objects": p["objects"] if "objects" in p else counts.get("objects")}


def digest(fc: dict) -> dict:
    out = {"events": [], "relations": [], "areas": [], "places": []}
    for f in fc["features"]:
        p, g = f["properties"], f["geometry"]
        if p["kind"] == "event":
            out["events"].append(_event(p, g))
        elif p["kind"] == "relation":
            out["relations"].append([p["from"], p["to"], p["distance_km"], p["bearing_deg"], p["text"]])
        elif p["kind"] in ("area", "zone"):
            out["areas"].append([p["kind"], p["name"], p.get("sovereign"), p.get("event") or p.get("zone_kind")])
        elif p["kind"] == "place":
            out["places"].append([p["name"], p["geonameid"], [round(c, 5) for c in g["coordinates"]],
                                  [m["start"] for m in p["mentions"]]])
    return out
