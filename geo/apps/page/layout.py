"""How the page shares the screen: the map takes the main column, the panel of the feature clicked
sits beside it where the column is wide enough and below it where it is not.

Streamlit lays out columns by the window's width; what decides here is the main column's own
width (the window less the sidebar), so the page's CSS uses a container query on the block that
holds the map and its panel (``st.container(key="map_row")``, class ``st-key-map_row``). The map's
frame is as tall as the window allows: its height in Python (``MAP_HEIGHT``) is what it has if
the CSS does not apply; the map itself fills its frame (``mapview``'s ``#map_div`` rule).
"""
from __future__ import annotations

# the sidebar's width when the page opens (the user can drag it wider): narrow enough that at
# 1400 px the map gets 800 px and the panel about 280 beside it
SIDEBAR_WIDTH = 256
# the map's frame, in pixels, where the CSS below does not set it
MAP_HEIGHT = 640
# at and above this width of the main column the panel is beside the map, below it under
WIDE_PX = 1000
MAP_FRAME = 'iframe[title="streamlit_folium.st_folium"]'

PAGE_CSS = f"""<style>
/* the main column uses the window: little padding, no maximum width */
[data-testid="stMainBlockContainer"] {{ padding: 1.6rem 1rem 2rem 1rem; max-width: none; }}
[data-testid="stSidebarHeader"] {{ height: 2.2rem; margin-bottom: 0; }}
/* a small screen: the sidebar folds and its button sits in the page's header, over the title */
@media (max-width: 768px) {{ [data-testid="stMainBlockContainer"] {{ padding-top: 3.8rem; }} }}
.st-key-map_row {{ container-type: inline-size; }}
/* narrow: the panel below the map, the map most of the window's height */
@container (max-width: {WIDE_PX - 1}px) {{
  .st-key-map_row [data-testid="stHorizontalBlock"] {{ flex-wrap: wrap; }}
  .st-key-map_row [data-testid="stColumn"] {{ flex: 1 1 100% !important; width: 100% !important;
                                              min-width: 100% !important; }}
  .st-key-map_row {MAP_FRAME} {{ height: clamp(380px, calc(100vh - 300px), 900px) !important; }}
}}
/* wide: the panel beside the map, a fixed share of the width; the map as tall as the window */
@container (min-width: {WIDE_PX}px) {{
  .st-key-map_row [data-testid="stColumn"]:first-child {{ flex: 1 1 0 !important; width: auto !important;
                                                          min-width: 0 !important; }}
  .st-key-map_row [data-testid="stColumn"]:last-child {{ flex: 0 0 clamp(260px, 25%, 460px) !important;
                                                         width: auto !important; min-width: 0 !important;
                                                         max-height: calc(100vh - 120px); overflow-y: auto; }}
  .st-key-map_row {MAP_FRAME} {{ height: clamp(460px, calc(100vh - 140px), 1400px) !important; }}
}}
</style>"""
