// Keyboard shortcuts and small comforts for the console. Every action also works
// without this file: it only clicks, focuses and follows what the page already has.
(function () {
  "use strict";

  // The page's words in the person's console language (base.html puts them in
  // data-texts, from i18n/<lang>/console.ftl); English when a page has none.
  var TEXTS = {};
  try { TEXTS = JSON.parse(document.body.dataset.texts || "{}"); } catch (e) { /* keep English */ }
  function tx(key, english) { return TEXTS[key] || english; }

  function typing(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
  }

  function rows() {
    return Array.prototype.slice.call(document.querySelectorAll("tr[data-href]"));
  }

  // The selected row is remembered by the ticket it opens, so the 10-second poll that
  // replaces the rows keeps it (and Enter never opens a ticket that moved into its place).
  var selectedHref = null;
  function select(i) {
    var list = rows();
    if (!list.length) return;
    var at = Math.max(0, Math.min(list.length - 1, i));
    selectedHref = list[at].dataset.href;
    mark();
    list[at].scrollIntoView({ block: "nearest" });
  }
  function selectedIndex() {
    return rows().findIndex(function (r) { return r.dataset.href === selectedHref; });
  }
  function mark() {
    rows().forEach(function (r) { r.classList.toggle("selected", r.dataset.href === selectedHref); });
    if (selectedIndex() < 0) selectedHref = null;
  }
  document.addEventListener("htmx:afterSettle", mark);

  // Tickets ticked for a bulk action stay ticked: the poll waits until they are used.
  document.addEventListener("htmx:beforeSwap", function (ev) {
    var t = ev.detail && ev.detail.target;
    if (t && t.id === "queue-results" && t.querySelector("input[name=tickets]:checked")) ev.detail.shouldSwap = false;
  });

  // Single-letter keys can be turned off (WCAG 2.1.4): for the person on their account
  // page (the page says so in data-keys), or in this browser from the key sheet.
  function keysOff() {
    if (document.body.dataset.keys === "off") return true;
    try { return window.localStorage.getItem("tandem:keys") === "off"; } catch (e) { return false; }
  }

  // "?" lists every key the page has: the fixed ones and each [data-key] element's.
  function sheet() {
    var old = document.getElementById("key-sheet");
    if (old) { old.remove(); return; }
    var d = document.createElement("dialog");
    d.id = "key-sheet";
    d.setAttribute("aria-label", tx("js-keys-title", "Keyboard shortcuts"));
    var keys = [["?", tx("js-key-help", "show or hide this list")], ["Ctrl+Enter", tx("js-key-send", "send the text box you are writing in")], ["Esc", tx("js-key-leave", "leave a text box")]];
    if (rows().length) keys.push(["j / k", tx("js-key-move", "next / previous ticket")], ["Enter", tx("js-key-open", "open the selected ticket")]);
    Array.prototype.forEach.call(document.querySelectorAll("[data-key]"), function (el) {
      var what = (el.getAttribute("aria-label") || el.textContent || el.getAttribute("placeholder") || el.id || "").replace(/\s+/g, " ").trim();
      if (el.tagName === "TEXTAREA" || el.tagName === "INPUT") what = tx("js-write-in", "write in:") + " " + (el.closest("label") ? el.closest("label").textContent.trim() : what || el.name);
      keys.push([el.dataset.key, what]);
    });
    var h = document.createElement("h2");
    h.textContent = tx("js-keys-title", "Keyboard shortcuts");
    d.appendChild(h);
    var dl = document.createElement("dl");
    keys.forEach(function (k) {
      var dt = document.createElement("dt"), kbd = document.createElement("kbd"), dd = document.createElement("dd");
      kbd.textContent = k[0]; dt.appendChild(kbd); dd.textContent = k[1];
      dl.appendChild(dt); dl.appendChild(dd);
    });
    d.appendChild(dl);
    var label = document.createElement("label"), box = document.createElement("input");
    box.type = "checkbox"; box.id = "keys-on"; box.checked = !keysOff();
    box.addEventListener("change", function () {
      try { window.localStorage.setItem("tandem:keys", box.checked ? "on" : "off"); } catch (e) { /* private mode */ }
    });
    label.appendChild(box);
    label.appendChild(document.createTextNode(" " + tx("js-keys-browser", "Single-key shortcuts (j, k, a, e, t, n, /) in this browser")));
    if (document.body.dataset.keys === "off") { box.checked = false; box.disabled = true; label.appendChild(document.createTextNode(" " + tx("js-keys-off-account", "(off on your account page)"))); }
    d.appendChild(label);
    var close = document.createElement("button");
    close.type = "button"; close.textContent = tx("js-close", "Close");
    close.addEventListener("click", function () { d.remove(); });
    d.appendChild(close);
    document.body.appendChild(d);
    d.showModal();
    d.addEventListener("close", function () { d.remove(); });
  }

  document.addEventListener("keydown", function (ev) {
    // Ctrl+Enter (Cmd+Enter on a Mac) sends the form of the box being written in.
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey) && ev.target.tagName === "TEXTAREA" && ev.target.form) {
      ev.preventDefault();
      if (ev.target.form.requestSubmit) ev.target.form.requestSubmit(); else ev.target.form.submit();
      return;
    }
    if (ev.ctrlKey || ev.metaKey || ev.altKey) return;
    if (typing(ev.target)) {
      if (ev.key === "Escape") ev.target.blur();
      return;
    }
    var key = ev.key;
    if (key === "?") { ev.preventDefault(); sheet(); return; }
    if (keysOff() || document.getElementById("key-sheet")) return;
    if (key === "j") { select(selectedIndex() + 1); ev.preventDefault(); return; }
    if (key === "k") { select(selectedIndex() < 0 ? 0 : selectedIndex() - 1); ev.preventDefault(); return; }
    if (key === "Enter" && selectedHref) { window.location = selectedHref; return; }
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
  var SENT = { replied: 1, edited: 1, approved: 1, noted: 1, sent_next: 1 };
  // A saved reply chosen on purpose wins over text kept from before.
  var chosenReply = new URLSearchParams(window.location.search).get("reply");
  function keyOf(box) {
    // The view in the address (?view=) does not make it another box.
    var action = box.form && (box.form.getAttribute("action") || "").split("?")[0];
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
      if (!key || (chosenReply && box.id === "reply-body")) return;
      var text = kept.getItem(key);
      if (text && text !== box.value) {
        box.value = text;
        box.classList.add("restored");
        box.setAttribute("title", tx("js-restored", "Restored: the text you typed before"));
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

  // A form that sends to the customer goes once: a second click while the first is on its
  // way is ignored (the server also sends a reply form's text only once).
  document.addEventListener("submit", function (ev) {
    var form = ev.target;
    if (!form.querySelector || !form.querySelector("[data-replying]")) return;
    if (form.dataset.sending) { ev.preventDefault(); return; }
    form.dataset.sending = "1";
  });
  // Back to this page from the browser's cache: its forms may be sent again.
  window.addEventListener("pageshow", function (ev) {
    if (!ev.persisted) return;
    Array.prototype.forEach.call(document.querySelectorAll("form[data-sending]"), function (f) {
      delete f.dataset.sending;
    });
  });

  // Tell colleagues when this agent is writing a reply on this ticket.
  document.addEventListener("input", function (ev) {
    if (!ev.target.hasAttribute || !ev.target.hasAttribute("data-replying")) return;
    var p = document.getElementById("presence");
    if (p) p.setAttribute("hx-vals", '{"replying": "1"}');
  });
})();
