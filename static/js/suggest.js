// The search boxes' suggestions as a combobox (WAI-ARIA's "list autocomplete" pattern): arrow
// keys move through the accounts htmx put under the box, Enter opens the one chosen, Escape
// closes the list. Without JavaScript the suggestions are plain links and Enter searches.
(function () {
  "use strict";

  function listOf(input) {
    return document.getElementById(input.getAttribute("aria-controls"));
  }

  function optionsOf(input) {
    var list = listOf(input);
    return list ? Array.prototype.slice.call(list.querySelectorAll("[role=option]")) : [];
  }

  function choose(input, index) {
    var options = optionsOf(input);
    options.forEach(function (option, i) {
      option.setAttribute("aria-selected", i === index ? "true" : "false");
    });
    if (index < 0 || index >= options.length) {
      input.removeAttribute("aria-activedescendant");
      return;
    }
    input.setAttribute("aria-activedescendant", options[index].id);
    options[index].scrollIntoView({ block: "nearest" });
  }

  function chosen(input) {
    var id = input.getAttribute("aria-activedescendant");
    var options = optionsOf(input);
    for (var i = 0; i < options.length; i++) {
      if (options[i].id === id) {
        return i;
      }
    }
    return -1;
  }

  function refresh(input) {
    // New suggestions arrived: number them, nothing chosen yet.
    var list = listOf(input);
    var options = optionsOf(input);
    options.forEach(function (option, i) {
      option.id = list.id + "-option-" + i;
    });
    input.setAttribute("aria-expanded", options.length ? "true" : "false");
    choose(input, -1);
  }

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("input[role=combobox]")) {
      return;
    }
    var options = optionsOf(input);
    var index = chosen(input);
    if (event.key === "ArrowDown" && options.length) {
      event.preventDefault();
      choose(input, (index + 1) % options.length);
    } else if (event.key === "ArrowUp" && options.length) {
      event.preventDefault();
      choose(input, index <= 0 ? options.length - 1 : index - 1);
    } else if (event.key === "Enter" && index >= 0) {
      event.preventDefault();
      var link = options[index].querySelector("a");
      if (link) {
        window.location.assign(link.href);
      }
    } else if (event.key === "Escape" && options.length) {
      event.preventDefault();
      listOf(input).innerHTML = "";
      refresh(input);
    }
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var boxes = document.querySelectorAll("input[role=combobox]");
    for (var i = 0; i < boxes.length; i++) {
      if (listOf(boxes[i]) === event.target) {
        refresh(boxes[i]);
      }
    }
  });
})();
