"""Spatial reasoning and output: zones, geodesic measures, spatial expressions, events, the
document pipeline, exports, the command line."""
import gazetteer.compiled  # noqa: F401  (compiled modules only while their source is unchanged)
