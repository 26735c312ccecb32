"""The map's legend: one row for each kind of marker, line and area the map draws, made in the
browser from what is drawn.

Every drawn feature carries its legend words (``properties.legend``, escaped); the legend walks
the map's GeoJSON layers (clustered ones too), keeps the first layer of each label and shows a
copy of it: a marker's own icon (so an event type drawn with a new icon and colour gets its row
with nothing to change here), a circle, polygon or line in the layer's own style. Labels appear
in the order of the layers given, then of the features. It sits in the map's frame (a Leaflet
control, top right, under the layer switcher), unfolded on a map of 700 x 480 pixels or more,
folded to one line on a smaller one.
"""
from __future__ import annotations

import folium
import jinja2

LEGEND_CSS = """<style>
.geo-legend{background:rgba(255,255,255,.92);padding:3px 7px;border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.35);
  font:11px/1.2 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#222;max-width:220px;max-height:60vh;overflow-y:auto}
.geo-legend summary{cursor:pointer;font-weight:600;outline:none}
.geo-legend-row{display:flex;align-items:center;gap:5px;margin:1px 0}
.geo-legend-key{flex:0 0 24px;height:20px;display:flex;align-items:center;justify-content:center;position:relative}
.geo-legend-key img{height:18px}
.geo-legend-key>div{position:static !important;transform:scale(.72)}
</style>"""


class Legend(folium.MacroElement):
    """A legend control listing the styles drawn by ``layers`` (folium GeoJson layers)."""

    _template = jinja2.Template("""
        {% macro header(this, kwargs) %}{{ this.css }}{% endmacro %}
        {% macro script(this, kwargs) %}
        (function () {
            var layers = [{% for name in this.layer_names %}{{ name }}{{ "," if not loop.last }}{% endfor %}];
            function svg(inner) {
                return '<svg width="26" height="18" viewBox="0 0 26 18">' + inner + '</svg>';
            }
            function paint(o) {
                var stroke = o.stroke === false ? 'stroke="none"' :
                    'stroke="' + (o.color || "#3388ff") + '" stroke-width="' + Math.min(o.weight || 3, 3) +
                    '" stroke-opacity="' + (o.opacity == null ? 1 : o.opacity) + '"' +
                    (o.dashArray ? ' stroke-dasharray="' + o.dashArray + '"' : '');
                var fill = o.fill === false ? 'fill="none"' : 'fill="' + (o.fillColor || o.color || "#3388ff") +
                    '" fill-opacity="' + Math.max(o.fillOpacity == null ? 0.2 : o.fillOpacity, 0.12) + '"';
                return stroke + ' ' + fill;
            }
            function key(l) {
                var o = l.options || {};
                if (o.icon && o.icon.options.html) return o.icon.options.html;
                if (o.icon && o.icon.options.iconUrl) return '<img alt="" src="' + o.icon.options.iconUrl + '">';
                if (l instanceof L.Circle || l instanceof L.CircleMarker) return svg('<circle cx="13" cy="9" r="7.5" ' + paint(o) + '/>');
                if (l instanceof L.Polygon) return svg('<rect x="2" y="2" width="22" height="14" ' + paint(o) + '/>');
                if (l instanceof L.Polyline) return svg('<line x1="1" y1="13" x2="25" y2="5" ' + paint(Object.assign({}, o, {fill: false})) + '/>');
                return "";
            }
            var seen = {}, rows = [];
            layers.forEach(function (group) {
                group.eachLayer(function (l) {
                    var label = l.feature && l.feature.properties && l.feature.properties.legend;
                    if (!label || seen[label]) return;
                    seen[label] = true;
                    rows.push('<div class="geo-legend-row"><span class="geo-legend-key">' + key(l) +
                              '</span><span>' + label + '</span></div>');
                });
            });
            if (!rows.length) return;
            var Control = L.Control.extend({
                options: {position: "topright"},
                onAdd: function (map) {
                    var el = L.DomUtil.create("details", "geo-legend leaflet-control"), size = map.getSize();
                    el.open = {{ this.open|tojson }} && size.x >= {{ this.open_from[0] }} && size.y >= {{ this.open_from[1] }};
                    el.innerHTML = "<summary>Legend</summary>" + rows.join("");
                    L.DomEvent.disableClickPropagation(el);
                    L.DomEvent.disableScrollPropagation(el);
                    return el;
                }
            });
            new Control().addTo({{ this._parent.get_name() }});
        })();
        {% endmacro %}
    """)

    def __init__(self, layers: list[folium.GeoJson], *, open: bool = True, open_from: tuple[int, int] = (700, 480)):
        """``open``: shown unfolded, on a map at least ``open_from`` (width, height) pixels large."""
        super().__init__()
        self._name = "Legend"
        self.layer_names = [layer.get_name() for layer in layers]
        self.open = open
        self.open_from = open_from
        self.css = LEGEND_CSS
