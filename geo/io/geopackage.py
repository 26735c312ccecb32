"""GeoPackage (OGC 12-128r18, version 1.3) written with the standard library's sqlite3: the few
tables the standard requires (spatial reference systems, contents, geometry columns) and one
feature table per layer whose geometries are GeoPackage binary blobs (a short header, then
little-endian WKB from shapely). Written by hand rather than through GDAL (fiona/pyogrio): the
format is an SQLite file with three fixed tables, and the page and command line then need no
30 MB native library. GDAL, QGIS and ArcGIS read it; the tests read it back with pyogrio.
"""
from __future__ import annotations

import os
import sqlite3
import struct
from pathlib import Path
from typing import Iterable

import shapely
from shapely.geometry import shape

GPKG_APPLICATION_ID = 0x47504B47     # "GPKG"
GPKG_USER_VERSION = 10300            # 1.3.0
WGS84 = 4326
_TYPES = {int: "INTEGER", float: "DOUBLE", str: "TEXT"}

_CORE = """
CREATE TABLE gpkg_spatial_ref_sys (srs_name TEXT NOT NULL, srs_id INTEGER NOT NULL PRIMARY KEY,
  organization TEXT NOT NULL, organization_coordsys_id INTEGER NOT NULL, definition TEXT NOT NULL, description TEXT);
CREATE TABLE gpkg_contents (table_name TEXT NOT NULL PRIMARY KEY, data_type TEXT NOT NULL, identifier TEXT UNIQUE,
  description TEXT DEFAULT '', last_change DATETIME NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ','now')),
  min_x DOUBLE, min_y DOUBLE, max_x DOUBLE, max_y DOUBLE, srs_id INTEGER,
  CONSTRAINT fk_gc_r_srs_id FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys(srs_id));
CREATE TABLE gpkg_geometry_columns (table_name TEXT NOT NULL, column_name TEXT NOT NULL,
  geometry_type_name TEXT NOT NULL, srs_id INTEGER NOT NULL, z TINYINT NOT NULL, m TINYINT NOT NULL,
  CONSTRAINT pk_geom_cols PRIMARY KEY (table_name, column_name),
  CONSTRAINT fk_gc_tn FOREIGN KEY (table_name) REFERENCES gpkg_contents(table_name),
  CONSTRAINT fk_gc_srs FOREIGN KEY (srs_id) REFERENCES gpkg_spatial_ref_sys (srs_id));
"""
_WGS84_WKT = ('GEOGCS["WGS 84",DATUM["WGS_1984",SPHEROID["WGS 84",6378137,298.257223563,AUTHORITY["EPSG","7030"]],'
              'AUTHORITY["EPSG","6326"]],PRIMEM["Greenwich",0,AUTHORITY["EPSG","8901"]],UNIT["degree",'
              '0.0174532925199433,AUTHORITY["EPSG","9122"]],AUTHORITY["EPSG","4326"]]')


def gpkg_geometry(geojson: dict) -> tuple[bytes, tuple]:
    """A GeoJSON geometry as a GeoPackage binary blob (with its envelope) and its bounds."""
    geom = shape(geojson)
    minx, miny, maxx, maxy = geom.bounds
    # flags: little-endian (bit 0), envelope [minx, maxx, miny, maxy] (indicator 1 in bits 1-3)
    header = b"GP" + bytes([0, 0b00000011]) + struct.pack("<i", WGS84) + struct.pack("<4d", minx, maxx, miny, maxy)
    return header + shapely.to_wkb(geom, byte_order=1), (minx, miny, maxx, maxy)


class GeoPackage:
    """A new GeoPackage file; `layer(name, columns, rows)` adds a feature table."""

    def __init__(self, path: str | os.PathLike):
        self.path = Path(path)
        if self.path.exists():
            self.path.unlink()
        self.db = sqlite3.connect(str(self.path))
        self.db.execute(f"PRAGMA application_id = {GPKG_APPLICATION_ID}")
        self.db.execute(f"PRAGMA user_version = {GPKG_USER_VERSION}")
        self.db.executescript(_CORE)
        self.db.executemany("INSERT INTO gpkg_spatial_ref_sys VALUES (?, ?, ?, ?, ?, ?)", [
            ("Undefined cartesian SRS", -1, "NONE", -1, "undefined", "undefined cartesian coordinate reference system"),
            ("Undefined geographic SRS", 0, "NONE", 0, "undefined", "undefined geographic coordinate reference system"),
            ("WGS 84 geodetic", WGS84, "EPSG", WGS84, _WGS84_WKT, "longitude/latitude coordinates in decimal degrees")])

    def layer(self, name: str, geometry_type: str, columns: dict[str, type],
              features: Iterable[tuple[dict, dict]]) -> int:
        """A feature table `name` of (GeoJSON geometry, properties) pairs; `columns`: property name ->
        int, float or str. Returns the number of features."""
        cols = ", ".join(f'"{c}" {_TYPES[t]}' for c, t in columns.items())
        self.db.execute(f'CREATE TABLE "{name}" (fid INTEGER PRIMARY KEY AUTOINCREMENT, geom {geometry_type}, {cols})')
        marks = ", ".join("?" * (len(columns) + 1))
        sql = f'INSERT INTO "{name}" (geom, {", ".join(chr(34) + c + chr(34) for c in columns)}) VALUES ({marks})'
        box = [float("inf"), float("inf"), float("-inf"), float("-inf")]
        n = 0
        batch = []
        for geom, props in features:
            blob, (x0, y0, x1, y1) = gpkg_geometry(geom)
            box = [min(box[0], x0), min(box[1], y0), max(box[2], x1), max(box[3], y1)]
            batch.append((blob, *(_cell(props.get(c), t) for c, t in columns.items())))
            n += 1
            if len(batch) >= 5000:
                self.db.executemany(sql, batch)
                batch = []
        self.db.executemany(sql, batch)
        bounds = box if n else [None] * 4
        self.db.execute("INSERT INTO gpkg_contents (table_name, data_type, identifier, min_x, min_y, max_x, max_y,"
                        " srs_id) VALUES (?, 'features', ?, ?, ?, ?, ?, ?)", (name, name, *bounds, WGS84))
        self.db.execute("INSERT INTO gpkg_geometry_columns VALUES (?, 'geom', ?, ?, 0, 0)", (name, geometry_type, WGS84))
        return n

    def close(self) -> None:
        self.db.commit()
        self.db.close()


def _cell(value, kind: type):
    if value is None:
        return None
    if kind is str:
        return value if isinstance(value, str) else str(value)
    try:
        return kind(value)
    except (TypeError, ValueError):
        return None
