"""The hand-made tables in gazetteer/data/curated/ (README there): places the other sources miss,
demonyms and adjectives, short forms and abbreviations of countries and US states."""
from __future__ import annotations

from gazetteer.build.common import CURATED, Builder, progress, read_tsv
from gazetteer.format import AMBIGUOUS, DEMONYM, EXACT_CASE, LOWER_OK, POSTAL, PRIMARY
from gazetteer.normalize import name_key
from gazetteer.model import CONTINENT


def add_curated(b: Builder, country_pid: dict[str, int], admin1_by_iso: dict[str, int]) -> None:
    progress("curated tables")
    continent_pid = b.pids_of_type(CONTINENT)

    def target(code: str) -> int | None:
        if code.startswith("continent:"):
            return continent_pid.get(code.split(":", 1)[1])
        return country_pid.get(code) if len(code) == 2 else admin1_by_iso.get(code)

    add_places(b)
    add_exonyms(b)
    add_demonyms(b, target)
    add_short_forms(b, target)


def add_exonyms(b: Builder) -> None:
    """English names of cities, as primary names of the GeoNames place they name (exonyms.tsv)."""
    rows = getattr(b, "rows", None)
    if not (CURATED / "exonyms.tsv").exists() or not rows:
        return      # (an index from the full dump has GeoNames' own English names)
    pid_of = {row[3]: pid for pid, row in enumerate(rows) if row[3] > 0}
    for r in read_tsv(CURATED / "exonyms.tsv"):
        pid = pid_of.get(int(r["geonameid"]))
        if pid is not None:
            b.add_name(r["name"].strip(), pid, PRIMARY)
            b.english[pid].append(name_key(r["name"].strip()))


def alt_flags(alt: str) -> int:
    """How an alternate name of a curated place may match: an acronym exactly as written, a
    name written in lower case also in lower case."""
    flags = 0
    if alt.isupper() and len(alt) <= 5:
        flags |= EXACT_CASE
    if alt[0].islower():
        flags |= LOWER_OK
    return flags


PLACE_TABLES = ("places.tsv", "news_places.tsv")


def add_places(b: Builder) -> None:
    for table in PLACE_TABLES:
        if (CURATED / table).exists():
            add_place_rows(b, read_tsv(CURATED / table))


def add_place_rows(b: Builder, rows) -> None:
    for r in rows:
        ftype = r["feature_type"].strip()
        pid = b.add_place(r["name"], float(r["lat"]), float(r["lon"]), ftype,
                          (r.get("country_code") or "").strip(), source="curated", importance=0.6)
        b.add_name(r["name"], pid, PRIMARY)
        for alt in (r.get("alt_names") or "").split("|"):
            alt = alt.strip()
            if alt:
                b.add_name(alt, pid, alt_flags(alt))


def add_demonyms(b: Builder, target) -> None:
    if not (CURATED / "demonyms.tsv").exists():
        return
    for r in read_tsv(CURATED / "demonyms.tsv"):
        pid = target(r["country_code"].strip())
        if pid is not None:
            flags = DEMONYM | (AMBIGUOUS if r.get("ambiguous", "0").strip() == "1" else 0)
            b.add_name(r["form"].strip(), pid, flags)


def add_short_forms(b: Builder, target) -> None:
    if not (CURATED / "short_forms.tsv").exists():
        return
    for r in read_tsv(CURATED / "short_forms.tsv"):
        pid = target(r["code"].strip())
        if pid is None:
            continue
        form = r["form"].strip()
        note = (r.get("note") or "").strip().lower()
        flags = EXACT_CASE if (len(form) <= 5 or "." in form) else 0
        if "postal" in note:
            flags |= POSTAL
        b.add_name(form, pid, flags)
