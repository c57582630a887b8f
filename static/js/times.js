// Tells every <time data-relative> as "12 minutes ago" or "in 5 minutes", and keeps telling it.
// The server writes the moment itself ("today, 14:03 UTC", "Nov 28, 2026"): right without
// JavaScript, and the same in a cached page at any time of its day (github_stats/caching.py).
(function () {
  "use strict";
  var format = new Intl.RelativeTimeFormat("en", { numeric: "auto" });
  var units = [
    ["year", 31536000],
    ["month", 2629800],
    ["week", 604800],
    ["day", 86400],
    ["hour", 3600],
    ["minute", 60],
  ];

  function tell(element) {
    var when = Date.parse(element.getAttribute("datetime"));
    if (isNaN(when)) {
      return;
    }
    var seconds = (when - Date.now()) / 1000;
    if (Math.abs(seconds) < 45) {
      element.textContent = seconds > 0 ? "in a moment" : "just now";
      return;
    }
    for (var i = 0; i < units.length; i++) {
      var unit = units[i][0];
      var size = units[i][1];
      if (Math.abs(seconds) >= size || unit === "minute") {
        element.textContent = format.format(Math.round(seconds / size), unit);
        return;
      }
    }
  }

  function tellAll(root) {
    root.querySelectorAll("time[data-relative]").forEach(tell);
  }

  document.addEventListener("DOMContentLoaded", function () {
    tellAll(document);
  });
  // Fragments swapped in by htmx, polls included.
  document.addEventListener("htmx:load", function (event) {
    tellAll(event.target);
  });
  setInterval(function () {
    tellAll(document);
  }, 30000);
})();
