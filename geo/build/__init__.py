"""Builders of the data files the runtime reads (never imported at run time):
``python -m geo.build.zones`` -> geo/data/zones.npz (maritime zones from Natural Earth)."""
