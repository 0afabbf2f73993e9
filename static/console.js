// Keyboard shortcuts and small comforts for the console. Every action also works
// without this file: it only clicks, focuses and follows what the page already has.
(function () {
  "use strict";

  function typing(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("tr[data-href]"));
  }

  var selected = -1;
  function select(i) {
    var list = rows();
    if (!list.length) return;
    selected = Math.max(0, Math.min(list.length - 1, i));
    list.forEach(function (r, j) { r.classList.toggle("selected", j === selected); });
    list[selected].scrollIntoView({ block: "nearest" });
  }

  document.addEventListener("keydown", function (ev) {
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (typing(ev.target)) {
      if (ev.key === "Escape") ev.target.blur();
      return;
    }
    var key = ev.key;
    if (key === "j") { select(selected + 1); ev.preventDefault(); return; }
    if (key === "k") { select(selected - 1); ev.preventDefault(); return; }
    if (key === "Enter" && selected >= 0) { window.location = rows()[selected].dataset.href; return; }
    var target = document.querySelector('[data-key="' + key + '"]');
    if (!target) return;
    ev.preventDefault();
    if (target.tagName === "TEXTAREA" || target.tagName === "INPUT") target.focus();
    else target.click();
  });

  // Clicking anywhere on a queue row opens the ticket.
  document.addEventListener("click", function (ev) {
    var row = ev.target.closest && ev.target.closest("tr[data-href]");
    if (row && !ev.target.closest("a")) window.location = row.dataset.href;
  });

  // Tell colleagues when this agent is writing a reply on this ticket.
  document.addEventListener("input", function (ev) {
    if (!ev.target.hasAttribute || !ev.target.hasAttribute("data-replying")) return;
    var p = document.getElementById("presence");
    if (p) p.setAttribute("hx-vals", '{"replying": "1"}');
  });
})();
