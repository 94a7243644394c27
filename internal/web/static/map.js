// Vigil's map: the embedded basemap (countries and admin-1 boundaries) as
// vector layers, no tiles; events from /map/points.json under the page's
// filters, grid-clustered by the server for the current zoom. Clicking an
// event opens it; clicking a cluster zooms in.
(function () {
  "use strict";
  var el = document.getElementById("map");
  if (!el || !window.L) return;
  var map = L.map(el, { center: [15, -1], zoom: 5, minZoom: 2, maxZoom: 12, worldCopyJump: true });
  map.attributionControl.setPrefix(false);
  map.attributionControl.addAttribution(el.getAttribute("data-attribution"));
  map.createPane("base").style.zIndex = 350; // under the events (overlayPane is 400)
  var countStyle = { pane: "base", color: "#8c8577", weight: 1, fillColor: "#f3efe6", fillOpacity: 1 };
  var adminStyle = { pane: "base", color: "#b3aa99", weight: 0.6, dashArray: "3 3", fill: false };
  fetch(el.getAttribute("data-basemap")).then(function (r) { return r.json(); }).then(function (fc) {
    var countries = { type: "FeatureCollection", features: fc.features.filter(function (f) { return f.properties.k === "c"; }) };
    var admins = { type: "FeatureCollection", features: fc.features.filter(function (f) { return f.properties.k === "a"; }) };
    L.geoJSON(countries, { pane: "base", style: countStyle, interactive: false }).addTo(map);
    L.geoJSON(admins, { pane: "base", style: adminStyle, interactive: false }).addTo(map);
    el.setAttribute("data-basemap-loaded", "true");
  });
  var layer = L.layerGroup().addTo(map);
  var colors = { "t-battles": "#c0392b", "t-explosions": "#e67e22", "t-vac": "#8e44ad", "t-protests": "#2471a3",
    "t-riots": "#138d75", "t-strategic": "#707b7c", "t-other": "#555555" };
  var counter = document.getElementById("map-count");
  var first = true;
  function load() {
    var url = el.getAttribute("data-points");
    url += (url.indexOf("?") >= 0 ? "&" : "?") + "z=" + map.getZoom();
    fetch(url).then(function (r) { return r.json(); }).then(function (body) {
      layer.clearLayers();
      var bounds = [];
      (body.clusters || []).forEach(function (c) {
        bounds.push([c.lat, c.lon]);
        if (c.n === 1) {
          var m = L.circleMarker([c.lat, c.lon], { radius: 7, color: "#fff", weight: 1.5, fillColor: colors[c.class] || "#555", fillOpacity: 0.9 });
          var tip = document.createElement("span");
          tip.textContent = String(c.title); // Leaflet would read a string as HTML
          m.bindTooltip(tip);
          m.on("click", function () { window.location.href = "/events/" + encodeURIComponent(c.id); });
          m.addTo(layer);
          var path = m.getElement();
          if (path) { path.setAttribute("data-event", c.id); path.classList.add("event-point"); }
        } else {
          var size = Math.min(46, 22 + Math.round(Math.log(c.n) * 6));
          var icon = L.divIcon({ className: "cluster " + c.class, iconSize: [size, size], html: "" });
          var mk = L.marker([c.lat, c.lon], { icon: icon, keyboard: true, title: String(c.n) }).addTo(layer);
          var node = mk.getElement();
          node.textContent = String(c.n);
          node.classList.add("event-cluster");
          mk.on("click", function () { map.setView([c.lat, c.lon], Math.min(map.getZoom() + 2, 12)); });
        }
      });
      if (counter) {
        counter.textContent = counter.getAttribute("data-template").replace("%d", body.located).replace("%d", body.total);
      }
      if (first && bounds.length > 0) {
        first = false;
        map.fitBounds(bounds, { padding: [40, 40], maxZoom: 7 });
      }
      el.setAttribute("data-loaded", "true");
    });
  }
  map.on("zoomend", load);
  load();
})();
