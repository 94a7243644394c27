// Vigil: hovering (or focusing) a field lights up the words that support
// it in the source text, and hovering highlighted words lights up their
// fields. No inline script: this file is the whole behaviour.
(function () {
  "use strict";
  function fieldsOf(mark) {
    return (mark.getAttribute("data-fields") || "").split(" ");
  }
  function light(field, on) {
    document.querySelectorAll("mark[data-fields]").forEach(function (m) {
      if (fieldsOf(m).indexOf(field) >= 0) m.classList.toggle("lit", on);
    });
  }
  function setup() {
    var rows = document.querySelectorAll("tr[data-field]");
    rows.forEach(function (row) {
      var f = row.getAttribute("data-field");
      var on = function () { row.classList.add("lit"); light(f, true); };
      var off = function () { row.classList.remove("lit"); light(f, false); };
      row.addEventListener("mouseenter", on);
      row.addEventListener("mouseleave", off);
      row.addEventListener("focus", on);
      row.addEventListener("blur", off);
      row.addEventListener("click", function () {
        var first = null;
        document.querySelectorAll("mark[data-fields]").forEach(function (m) {
          if (!first && fieldsOf(m).indexOf(f) >= 0) first = m;
        });
        if (first) first.scrollIntoView({ block: "center", behavior: "smooth" });
      });
    });
    document.querySelectorAll("mark[data-fields]").forEach(function (m) {
      m.addEventListener("mouseenter", function () {
        fieldsOf(m).forEach(function (f) {
          var row = document.querySelector('tr[data-field="' + CSS.escape(f) + '"]');
          if (row) row.classList.add("lit");
        });
        m.classList.add("lit");
      });
      m.addEventListener("mouseleave", function () {
        document.querySelectorAll("tr.lit").forEach(function (r) { r.classList.remove("lit"); });
        m.classList.remove("lit");
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", setup);
  else setup();
})();
