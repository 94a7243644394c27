// Vigil's timeline brushing: drag across the bars to narrow the event list
// to those dates (a click on one bar follows its link).
(function () {
  "use strict";
  var svg = document.getElementById("timeline");
  if (!svg) return;
  var bars = Array.prototype.slice.call(svg.querySelectorAll("rect.bar"));
  var start = null, rect = null;
  function x(ev) {
    var pt = svg.createSVGPoint();
    pt.x = ev.clientX; pt.y = ev.clientY;
    return pt.matrixTransform(svg.getScreenCTM().inverse()).x;
  }
  svg.addEventListener("mousedown", function (ev) {
    start = x(ev);
    rect = document.createElementNS("http://www.w3.org/2000/svg", "rect");
    rect.setAttribute("class", "brush");
    rect.setAttribute("y", "0");
    rect.setAttribute("height", svg.viewBox.baseVal.height);
    rect.setAttribute("x", start); rect.setAttribute("width", "0");
    svg.appendChild(rect);
    ev.preventDefault();
  });
  svg.addEventListener("mousemove", function (ev) {
    if (start === null) return;
    var cur = x(ev), lo = Math.min(start, cur), hi = Math.max(start, cur);
    rect.setAttribute("x", lo); rect.setAttribute("width", hi - lo);
    bars.forEach(function (b) {
      var bx = b.x.baseVal.value, bw = b.width.baseVal.value;
      b.classList.toggle("brushed", bx + bw >= lo && bx <= hi);
    });
  });
  window.addEventListener("mouseup", function (ev) {
    if (start === null) return;
    var cur = x(ev), lo = Math.min(start, cur), hi = Math.max(start, cur);
    start = null;
    if (hi - lo < 4) { rect.remove(); return; } // a click: the link handles it
    var sel = bars.filter(function (b) { return b.classList.contains("brushed"); });
    if (sel.length === 0) { rect.remove(); return; }
    var a = new URL(sel[0].getAttribute("data-href"), location.href);
    var b = new URL(sel[sel.length - 1].getAttribute("data-href"), location.href);
    a.searchParams.set("to", b.searchParams.get("to"));
    location.href = a.pathname + "?" + a.searchParams.toString();
  });
  svg.addEventListener("click", function (ev) {
    if (svg.querySelector(".brush")) { svg.querySelector(".brush").remove(); }
  });
})();
