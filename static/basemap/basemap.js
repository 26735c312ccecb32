/* The newsmap offline basemap: Natural Earth vector tiles (geo/build/basemap.py) drawn on
 * canvas by protomaps-leaflet (static/vendor/protomaps-leaflet/), with a calm cartographic style:
 * light land, pale blue sea, grey borders, dark-grey labels with a white halo, sea names in blue
 * italics. protomaps-leaflet places the labels and keeps them from overlapping, in the order of
 * LABEL_RULES (earlier rules win).
 *
 *   newsmapBasemap({url: ".../basemap.pmtiles", pane: "basemap"})      tiles read by HTTP Range
 *   newsmapBasemap({lite: {...basemap-lite.json...}, pane: "basemap"}) tiles inlined in the page
 *
 * Every label carries its text as deduplicationKey: the same name is not drawn twice close
 * together (a city and its division), and newsmapBasemap.labels(layer) lists what is drawn.
 */
(function () {
  "use strict";
  var P = window.protomapsL;
  if (!P) return;

  var FONT = '"Helvetica Neue", Arial, "Liberation Sans", "DejaVu Sans", sans-serif';
  var COLOURS = {
    sea: "#d3e5f2",
    land: "#f7f6f1",
    border: "#a3a3a3",
    maritime: "#a9c4da",
    islet: "#c9cfc9",
    text: "#3a3a3a",
    country: "#555555",
    admin1: "#8b8b8b",
    seaText: "#4a7bab",
    halo: "#ffffff",
    seaHalo: "rgba(211,229,242,0.85)",
    dot: "#4d4d4d"
  };
  var SAME_NAME_PX = 160;  // the same name is not drawn twice within this distance
  var GAP_PX = 4;          // free space kept around every label

  function shown(z, f) {
    var p = f.props;
    return p.minz <= z && (!p.maxz || z <= p.maxz);
  }

  function byRank(a, b) { return a.r - b.r; }

  // A symbolizer whose labels carry their text (deduplication, and newsmapBasemap.labels).
  function named(symbolizer) {
    return {
      place: function (layout, geom, feature) {
        var labels = symbolizer.place(layout, geom, feature);
        if (labels) {
          for (var i = 0; i < labels.length; i++) {
            labels[i].deduplicationKey = String(feature.props.name);
            labels[i].deduplicationDistance = SAME_NAME_PX;
          }
        }
        return labels;
      }
    };
  }

  // A name centred on its point, with GAP_PX kept free around it; if that collides with a
  // label of the same or higher priority, moved up or down by up to two lines' height.
  function AreaSymbolizer(options) {
    this.text = new P.TextSymbolizer(options);
  }
  AreaSymbolizer.prototype.place = function (layout, geom, feature) {
    var a = geom[0][0];
    var placed = this.text.place(layout, [[{x: 0, y: 0}]], feature);
    if (!placed || !placed.length) return undefined;
    var text = placed[0], fb = text.bboxes[0];
    var w = fb.maxX - fb.minX, h = fb.maxY - fb.minY;
    var shifts = [0, -0.8, 0.8, -1.6, 1.6];
    for (var i = 0; i < shifts.length; i++) {
      var dy = shifts[i] * h;
      var box = {minX: a.x - w / 2 - GAP_PX, maxX: a.x + w / 2 + GAP_PX,
                 minY: a.y + dy - h / 2 - GAP_PX, maxY: a.y + dy + h / 2 + GAP_PX};
      if (layout.index.bboxCollides(box, layout.order)) continue;
      var draw = (function (dy) {
        return function (ctx) {
          ctx.translate(-w / 2, dy + h / 2 - fb.maxY);
          text.draw(ctx, {justify: 2});
        };
      })(dy);
      return [{anchor: a, bboxes: [box], draw: draw}];
    }
    return undefined;
  };

  function areaLabel(options) {
    return named(new AreaSymbolizer(options));
  }

  // A town: a dot, its name beside it on the first side where it collides with no label of
  // the same or higher priority (right, left, above, below), GAP_PX kept free around it.
  function PlaceSymbolizer(options) {
    this.text = new P.TextSymbolizer(options);
    this.radius = options.radius;
    this.dotFill = options.dotFill || COLOURS.dot;
  }
  PlaceSymbolizer.prototype.place = function (layout, geom, feature) {
    var a = geom[0][0];
    var z = layout.zoom;
    var placed = this.text.place(layout, [[{x: 0, y: 0}]], feature);
    if (!placed || !placed.length) return undefined;
    var text = placed[0];
    var fb = text.bboxes[0];
    var w = fb.maxX - fb.minX, mid = (fb.minY + fb.maxY) / 2;
    var r = this.radius(z, feature);
    var gap = r + 3;
    var dot = {minX: a.x - r - 1, minY: a.y - r - 1, maxX: a.x + r + 1, maxY: a.y + r + 1};
    var offsets = [
      [gap, -mid, 1],          // justify: 1 left, 2 centre, 3 right
      [-gap - w, -mid, 3],
      [-w / 2, -gap - fb.maxY, 2],
      [-w / 2, gap - fb.minY, 2]
    ];
    for (var i = 0; i < offsets.length; i++) {
      var ox = offsets[i][0], oy = offsets[i][1], justify = offsets[i][2];
      var box = {minX: a.x + ox + fb.minX - GAP_PX, minY: a.y + oy + fb.minY - GAP_PX,
                 maxX: a.x + ox + fb.maxX + GAP_PX, maxY: a.y + oy + fb.maxY + GAP_PX};
      if (layout.index.bboxCollides(box, layout.order) || layout.index.bboxCollides(dot, layout.order)) continue;
      var self = this;
      var draw = (function (ox, oy, justify) {
        return function (ctx) {
          ctx.globalAlpha = 1;
          ctx.beginPath();
          ctx.arc(0, 0, r, 0, 2 * Math.PI);
          ctx.fillStyle = self.dotFill;
          ctx.fill();
          ctx.lineWidth = 1.2;
          ctx.strokeStyle = "#ffffff";
          ctx.stroke();
          ctx.save();
          ctx.translate(ox, oy);
          text.draw(ctx, {justify: justify});
          ctx.restore();
        };
      })(ox, oy, justify);
      return [{anchor: a, bboxes: [dot, box], draw: draw}];
    }
    return undefined;
  };

  function font(weight, style, size) {
    return function (z, f) {
      return style + " " + weight + " " + size(z, f) + "px " + FONT;
    };
  }

  var PAINT_RULES = [
    {dataLayer: "land", symbolizer: new P.PolygonSymbolizer({fill: COLOURS.land})},
    {dataLayer: "islets", minzoom: 6,
     symbolizer: new P.LineSymbolizer({color: COLOURS.islet, width: 1})},
    {dataLayer: "maritime", minzoom: 5,
     symbolizer: new P.LineSymbolizer({color: COLOURS.maritime, width: 0.8, dash: [3, 3]})},
    {dataLayer: "boundary", filter: function (z, f) { return f.props.kind !== "disputed"; },
     symbolizer: new P.LineSymbolizer({color: COLOURS.border,
                                       width: P.linear([[1, 0.5], [4, 0.8], [7, 1.2], [10, 1.6]])})},
    {dataLayer: "boundary", filter: function (z, f) { return f.props.kind === "disputed"; },
     symbolizer: new P.LineSymbolizer({color: COLOURS.border, dash: [4, 3],
                                       width: P.linear([[1, 0.5], [4, 0.8], [7, 1.2], [10, 1.6]])})}
  ];

  var MAJOR = 200;  // rank of the capitals placed before the country names (scale rank 0 and 1)
  var CAPITAL = named(new PlaceSymbolizer({
    font: font(700, "normal", function (z) { return z <= 4 ? 11 : (z <= 7 ? 12 : (z <= 9 ? 13 : 14)); }),
    fill: COLOURS.text, stroke: COLOURS.halo, width: 2, maxLineChars: 20,
    radius: function () { return 3.2; }, dotFill: "#303030"}));

  var LABEL_RULES = [
    {dataLayer: "ocean", filter: shown, sort: byRank, maxzoom: 7,
     symbolizer: areaLabel({
       font: font(400, "italic", function (z) { return z <= 2 ? 11 : 13; }),
       fill: COLOURS.seaText, stroke: COLOURS.seaHalo, width: 1.5, letterSpacing: 2,
       maxLineChars: 14, lineHeight: 1.5})},
    {dataLayer: "place", filter: function (z, f) { return f.props.cap === 2 && f.props.r < MAJOR && shown(z, f); },
     sort: byRank, symbolizer: CAPITAL},
    {dataLayer: "country", filter: shown, sort: byRank,
     symbolizer: areaLabel({
       font: font(600, "normal", function (z, f) {
         return Math.min(16, 10 + Math.max(0, z - 1) + (f.props.r <= 2 ? 1 : 0));
       }),
       fill: COLOURS.country, stroke: COLOURS.halo, width: 2, maxLineChars: 14, lineHeight: 1.4})},
    {dataLayer: "place", filter: function (z, f) { return f.props.cap === 2 && f.props.r >= MAJOR && shown(z, f); },
     sort: byRank, symbolizer: CAPITAL},
    {dataLayer: "marine", filter: shown, sort: byRank,
     symbolizer: areaLabel({
       font: font(400, "italic", function (z, f) { return f.props.r <= 2 ? 13 : 12; }),
       fill: COLOURS.seaText, stroke: COLOURS.seaHalo, width: 1.5, maxLineChars: 14, lineHeight: 1.4})},
    {dataLayer: "place", filter: function (z, f) { return f.props.cap !== 2 && shown(z, f); }, sort: byRank,
     symbolizer: named(new PlaceSymbolizer({
       font: font(400, "normal", function (z, f) {
         return (f.props.r < 400 && z >= 5 ? 12 : 11) + (z >= 9 ? 1 : 0);
       }),
       fill: COLOURS.text, stroke: COLOURS.halo, width: 2, maxLineChars: 20,
       radius: function (z, f) { return f.props.r < 400 ? 2.6 : 2.2; }}))},
    {dataLayer: "admin1", filter: shown, sort: byRank,
     symbolizer: areaLabel({
       font: font(400, "normal", function () { return 10; }),
       fill: COLOURS.admin1, stroke: COLOURS.halo, width: 2, letterSpacing: 1, textTransform: "uppercase",
       maxLineChars: 16, lineHeight: 1.4})}
  ];

  // Tiles inlined in the page (basemap-lite.json): gzipped MVT in base64, keyed "z/x/y".
  function inlineSource(lite) {
    var tiles = lite.tiles;
    return {
      getZxy: function (z, x, y) {
        var b64 = tiles[z + "/" + x + "/" + y];
        if (!b64) return Promise.resolve(undefined);
        var bin = atob(b64), bytes = new Uint8Array(bin.length);
        for (var i = 0; i < bin.length; i++) bytes[i] = bin.charCodeAt(i);
        var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
        return new Response(stream).arrayBuffer().then(function (data) { return {data: data}; });
      }
    };
  }

  function newsmapBasemap(options) {
    var lite = options.lite;
    return P.leafletLayer({
      url: lite ? inlineSource(lite) : options.url,
      maxDataZoom: lite ? lite.maxzoom : (options.maxDataZoom || 7),
      paintRules: PAINT_RULES,
      labelRules: LABEL_RULES,
      pane: options.pane,
      attribution: "Made with Natural Earth"
    });
  }

  // The labels a layer draws at the map's current zoom: [{text, lat, lng}] (tests, debugging).
  newsmapBasemap.labels = function (layer) {
    var map = layer._map, out = [];
    if (!map) return out;
    var z = Math.round(map.getZoom());
    var index = layer.labelers.getIndex(z);
    if (!index) return out;
    index.current.forEach(function (labels) {
      labels.forEach(function (label) {
        if (!label.deduplicationKey) return;
        var ll = map.unproject([label.anchor.x, label.anchor.y], z);
        out.push({text: label.deduplicationKey, lat: ll.lat, lng: ll.lng,
                  bboxes: label.bboxes.map(function (b) {
                    var nw = map.unproject([b.minX, b.minY], z), se = map.unproject([b.maxX, b.maxY], z);
                    return [nw.lat, nw.lng, se.lat, se.lng];
                  })});
      });
    });
    return out;
  };
  newsmapBasemap.COLOURS = COLOURS;

  window.newsmapBasemap = newsmapBasemap;
})();
