"""`python -m geo batch`: many articles to one GeoJSON, resumable (see geo.apps.batch.run)."""
