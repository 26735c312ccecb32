// The collection view's map (geo/apps/page/collection_map.py): Leaflet drawn in the page's own
// document by a Streamlit components-v2 component (isolate_styles=False: no iframe, no shadow
// root), so the markers are in the page's DOM as soon as they are drawn.
//
// Streamlit calls the default export when the component mounts and again whenever the data from
// Python changes, with the same element: the map is made once and kept (with the user's view);
// later calls only move it when Python asks somewhere new (`goto`) and replace the marker layer.
// It reports back the view after each move or zoom (state "view": centre, zoom, bounds) and a
// click on a marker (trigger "click": the marker's `ref`).
//
// Article text reaches the DOM only as text (textContent, attributes), never as HTML.

// scripts and styles, loaded once per document (this module may be evaluated again when its
// code changes; the document keeps what it loaded)
const loads = (window.__newsmapLoads = window.__newsmapLoads || {});

function absolute(url) {
  return new URL(url, document.baseURI).href;
}

function load(url) {
  const href = absolute(url);
  if (!loads[href]) {
    loads[href] = new Promise((resolve, reject) => {
      const css = /\.css$|^data:text\/css/.test(url);
      const el = document.createElement(css ? "link" : "script");
      if (css) {
        el.rel = "stylesheet";
        el.href = href;
      } else {
        el.src = href;
        el.async = false;
      }
      el.onload = resolve;
      el.onerror = () => {
        delete loads[href];
        reject(new Error("newsmap: could not load " + url));
      };
      document.head.appendChild(el);
    });
  }
  return loads[href];
}

function inOrder(urls) {
  return urls.reduce((done, url) => done.then(() => load(url)), Promise.resolve());
}

function element(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined) el.textContent = String(text);
  return el;
}

// ---------------------------------------------------------------------------------------------
// The markers: clusters with their count, events with their type's colour and glyph, place dots

function icon(p) {
  if (p.shape === "cluster") {
    const n = Number(p.n) || 0;
    const size = n < 10 ? "small" : n < 100 ? "medium" : "large";
    const d = n < 10 ? 30 : n < 100 ? 36 : 44;
    const div = element("div");
    div.appendChild(element("span", "", p.label));
    return L.divIcon({html: div, iconSize: [d, d],
                      className: "marker-cluster marker-cluster-" + size + (p.of === "event" ? " geo-event-cluster" : "")});
  }
  if (p.shape === "event") {
    const div = element("div", "geo-event-dot", p.glyph || "");
    div.style.background = String(p.colour || "#566573");
    return L.divIcon({className: "geo-event-icon", html: div, iconSize: [22, 22], iconAnchor: [11, 11]});
  }
  const r = Number(p.r) || 8;
  const div = element("div", "geo-place-dot");
  div.style.width = div.style.height = r + "px";
  return L.divIcon({className: "geo-place-icon", html: div, iconSize: [r, r], iconAnchor: [r / 2, r / 2]});
}

function marker(feature, s) {
  const p = feature.properties || {};
  const xy = (feature.geometry || {}).coordinates;
  if (!xy) return null;
  const front = p.shape === "event" || (p.shape === "cluster" && p.of === "event");
  const m = L.marker([xy[1], xy[0]], {icon: icon(p), zIndexOffset: front ? 1000 : 0});
  m.feature = feature;
  const name = String(p.name || "");
  m.bindTooltip(element("span", "geo-tip", name), {sticky: false});
  m.on("add", () => {
    const el = m.getElement();
    el.dataset.ref = String(p.ref || "");
    el.setAttribute("aria-label", name);
  });
  m.on("click", () => s.trigger("click", {ref: String(p.ref || "")}));
  return m;
}

function replaceMarkers(s) {
  const layer = L.featureGroup();
  for (const f of s.data.features || []) {
    const m = marker(f, s);
    if (m) layer.addLayer(m);
  }
  layer.addTo(s.map);
  if (s.layer) s.map.removeLayer(s.layer);
  s.layer = layer;
}

// ---------------------------------------------------------------------------------------------
// The map, its view, the basemap

function report(s) {
  const m = s.map, c = m.getCenter(), b = m.getBounds();
  const r = (x) => Math.round(x * 1e6) / 1e6;
  const view = {lat: r(c.lat), lng: r(c.lng), zoom: m.getZoom(),
                bounds: [r(b.getWest()), r(b.getSouth()), r(b.getEast()), r(b.getNorth())]};
  const text = JSON.stringify(view);
  if (text !== s.reported) {
    s.reported = text;
    s.setState("view", view);
  }
}

function basemap(s) {
  const a = s.assets;
  inOrder(a.basemap_js).then(() => {
    if (!s.map || !window.newsmapBasemap || s.basemap) return;
    s.basemap = window.newsmapBasemap(a.tiles ? {url: absolute(a.tiles), pane: "basemap"}
                                              : {lite: a.lite, pane: "basemap"});
    s.map.addLayer(s.basemap);
  }).catch((e) => console.error(e));
}

function create(root, s) {
  const g = s.data.goto;
  const map = L.map(root, {center: [g[0], g[1]], zoom: g[2], minZoom: 1, maxZoom: 18,
                           worldCopyJump: false, preferCanvas: true});
  L.control.scale().addTo(map);
  map.attributionControl.addAttribution("Made with Natural Earth");
  const pane = map.createPane("basemap");          // under the markers, never clicked
  pane.style.zIndex = 250;
  pane.style.pointerEvents = "none";
  s.map = map;
  s.goto = g.join(",");
  map.on("moveend", () => report(s));
  s.resize = new ResizeObserver(() => map.invalidateSize());
  s.resize.observe(root);
  // the markers are painted before the basemap's scripts are fetched and compiled
  requestAnimationFrame(() => setTimeout(() => basemap(s), 0));
}

function draw(root, s) {
  if (!root.isConnected || s.drawn === s.data) return;
  const first = !s.map;
  if (first) create(root, s);
  const g = s.data.goto, key = g.join(",");
  if (key !== s.goto) {            // Python asks somewhere new ("Fit map", a cluster's click)
    s.goto = key;
    s.map.setView([g[0], g[1]], g[2]);
  }
  s.drawn = s.data;
  replaceMarkers(s);
  if (first) report(s);
}

export default function (component) {
  const {data, parentElement, setStateValue, setTriggerValue} = component;
  const root = parentElement.querySelector(".geo-cmap");
  if (!root || !data) return undefined;
  const s = (root.__newsmap = root.__newsmap || {});
  root.style.height = (Number(data.height) || 620) + "px";
  s.data = data;
  s.setState = setStateValue;
  s.trigger = setTriggerValue;
  s.assets = s.assets || data.assets;
  if (!s.ready) {
    const a = s.assets;
    s.ready = Promise.all([inOrder(a.js), ...a.css.map(load)]);
  }
  s.ready.then(() => draw(root, s)).catch((e) => console.error(e));
  return () => setTimeout(() => {        // unmounted (the view switched): let the map go
    if (root.isConnected || !s.map) return;
    s.resize.disconnect();
    s.map.remove();
    s.map = null;
  }, 0);
}
