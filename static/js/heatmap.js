// The contribution heatmap as one tab stop (the ARIA "roving tabindex" pattern): Tab enters the
// grid on one day and leaves it on the next Tab; the arrow keys move a day (up, down) or a week
// (left, right), Home and End go to the first and the last day. Without JavaScript every day is
// a tab stop of its own (the server renders them so): nothing is out of reach either way.
(function () {
  "use strict";
  var moves = { ArrowUp: -1, ArrowDown: 1, ArrowLeft: -7, ArrowRight: 7 };

  function rove(svg) {
    if (svg.dataset.roving) {
      return;
    }
    var cells = Array.prototype.slice.call(svg.querySelectorAll("rect.heat"));
    if (!cells.length) {
      return;
    }
    svg.dataset.roving = "true";
    cells.forEach(function (cell, index) {
      cell.setAttribute("tabindex", index === 0 ? "0" : "-1");
    });
    svg.addEventListener("keydown", function (event) {
      var current = cells.indexOf(document.activeElement);
      if (current < 0) {
        return;
      }
      var next;
      if (event.key in moves) {
        next = current + moves[event.key];
      } else if (event.key === "Home") {
        next = 0;
      } else if (event.key === "End") {
        next = cells.length - 1;
      } else {
        return;
      }
      event.preventDefault();
      next = Math.max(0, Math.min(cells.length - 1, next));
      cells[current].setAttribute("tabindex", "-1");
      cells[next].setAttribute("tabindex", "0");
      cells[next].focus();
    });
  }

  function roveAll(root) {
    root.querySelectorAll("svg.heatmap").forEach(rove);
  }

  document.addEventListener("DOMContentLoaded", function () {
    roveAll(document);
  });
  // The year selector and the panel's poll swap it in through htmx.
  document.addEventListener("htmx:load", function (event) {
    roveAll(event.target);
  });
})();
