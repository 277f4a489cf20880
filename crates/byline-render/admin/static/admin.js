// byline admin enhancements. Everything works without this file; it adds
// keyboard moderation and the live preview in the editor. Served as a file,
// so the Content-Security-Policy allows no inline script.
(function () {
  "use strict";

  // --- Moderation queue: j/k move, a/u/s/t act, r/e open, x selects. ---
  var rows = Array.prototype.slice.call(document.querySelectorAll(".comment-row"));
  if (rows.length) {
    var current = -1;
    var focus = function (i) {
      if (i < 0 || i >= rows.length) return;
      if (current >= 0) rows[current].classList.remove("current");
      current = i;
      rows[i].classList.add("current");
      rows[i].focus();
      rows[i].scrollIntoView({ block: "nearest" });
    };
    var typing = function (e) {
      var t = e.target;
      return t && (t.tagName === "INPUT" || t.tagName === "TEXTAREA" || t.tagName === "SELECT" || t.isContentEditable);
    };
    document.addEventListener("keydown", function (e) {
      if (e.ctrlKey || e.metaKey || e.altKey || typing(e)) return;
      var row = rows[current];
      switch (e.key) {
        case "j": focus(current + 1); break;
        case "k": focus(Math.max(0, current - 1)); break;
        case "x": if (row) { var box = row.querySelector("input[type=checkbox]"); box.checked = !box.checked; } break;
        default:
          if (!row) return;
          var target = row.querySelector('[data-key="' + e.key + '"]');
          if (!target) return;
          e.preventDefault();
          target.click();
          return;
      }
      e.preventDefault();
    });
  }

  // --- Editor: live preview through the server's own renderer. ---
  var body = document.getElementById("body");
  var preview = document.getElementById("preview");
  var form = body && body.form;
  if (body && preview && form) {
    var timer = null;
    var csrf = form.querySelector("input[name=csrf]");
    var format = form.querySelector("[name=format]");
    var refresh = function () {
      var data = new URLSearchParams();
      data.set("csrf", csrf ? csrf.value : "");
      data.set("body", body.value);
      data.set("format", format ? format.value : "markdown");
      fetch("/admin/preview", { method: "POST", body: data, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) { preview.innerHTML = html; })
        .catch(function () { /* keep the last preview */ });
    };
    body.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(refresh, 300);
    });
  }

  // --- Editor: suggest a slug from the title until the slug is edited. ---
  var title = document.getElementById("title");
  var slug = document.getElementById("slug");
  if (title && slug && !slug.value) {
    var touched = false;
    slug.addEventListener("input", function () { touched = true; });
    title.addEventListener("input", function () {
      if (touched) return;
      slug.placeholder = title.value.toLowerCase().normalize("NFKD").replace(/[\u0300-\u036f]/g, "")
        .replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 200);
    });
  }
})();
