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
    if (row && !ev.target.closest("a, button, form, input, select, textarea")) window.location = row.dataset.href;
  });

  // Text typed in the reply, note and draft boxes survives an expired session and a
  // failed CSRF check: it is kept in this browser per ticket form and box, restored when
  // the ticket page loads again (after signing in), and forgotten once the console
  // confirms the send.
  var kept = (function () { try { return window.localStorage; } catch (e) { return null; } })();
  var SENT = { replied: 1, edited: 1, approved: 1, noted: 1 };
  function keyOf(box) {
    var action = box.form && box.form.getAttribute("action");
    if (!action || !/^\/tickets\/\d+\//.test(action)) return null;
    return "tandem:text:" + action + ":" + (box.name || box.id);
  }
  if (kept) {
    var submitted = null;
    try { submitted = window.sessionStorage.getItem("tandem:submitted"); } catch (e) { /* private mode */ }
    var notice = new URLSearchParams(window.location.search).get("notice");
    if (submitted && SENT[notice]) {
      kept.removeItem(submitted);
      try { window.sessionStorage.removeItem("tandem:submitted"); } catch (e) { /* ignore */ }
    }
    Array.prototype.forEach.call(document.querySelectorAll("form textarea"), function (box) {
      var key = keyOf(box);
      if (!key) return;
      var text = kept.getItem(key);
      if (text && text !== box.value) {
        box.value = text;
        box.classList.add("restored");
        box.setAttribute("title", "Restored: the text you typed before");
      }
    });
    document.addEventListener("input", function (ev) {
      var key = ev.target.tagName === "TEXTAREA" && keyOf(ev.target);
      if (!key) return;
      if (ev.target.value) kept.setItem(key, ev.target.value);
      else kept.removeItem(key);
    });
    document.addEventListener("submit", function (ev) {
      var box = ev.target.querySelector && ev.target.querySelector("textarea");
      var key = box && keyOf(box);
      if (!key) return;
      try { window.sessionStorage.setItem("tandem:submitted", key); } catch (e) { /* ignore */ }
    });
  }

  // Tell colleagues when this agent is writing a reply on this ticket.
  document.addEventListener("input", function (ev) {
    if (!ev.target.hasAttribute || !ev.target.hasAttribute("data-replying")) return;
    var p = document.getElementById("presence");
    if (p) p.setAttribute("hx-vals", '{"replying": "1"}');
  });
})();
