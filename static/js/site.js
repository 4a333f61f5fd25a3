// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");
  var reduceMotion = window.matchMedia("(prefers-reduced-motion: reduce)");

  // Back to top: an ordinary link to #top; the script hides it near the top of the page
  // and scrolls smoothly unless the reader asked for less motion.
  var backToTop = document.querySelector("[data-back-to-top]");
  if (backToTop) {
    var update = function () {
      backToTop.classList.toggle("is-visible", window.scrollY > window.innerHeight * 0.6);
    };
    window.addEventListener("scroll", update, { passive: true });
    update();
    backToTop.addEventListener("click", function (event) {
      event.preventDefault();
      window.scrollTo({ top: 0, behavior: reduceMotion.matches ? "auto" : "smooth" });
      var main = document.getElementById("main");
      if (main) main.focus({ preventScroll: true });
    });
  }

  // Copy link: the button is hidden in the HTML and shown only where the clipboard works.
  var status = document.querySelector("[data-copy-status]");
  document.querySelectorAll("[data-copy-url]").forEach(function (button) {
    if (!navigator.clipboard || !window.isSecureContext) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(button.dataset.copyUrl).then(
        function () { if (status) status.textContent = "تم نسخ الرابط."; },
        function () { if (status) status.textContent = "تعذّر نسخ الرابط، انسخه من شريط العنوان."; }
      );
    });
  });

  // Reader preferences (applied early by prefs.js): remembered in localStorage only.
  var remember = function (key, value) {
    try {
      if (value === null) localStorage.removeItem(key);
      else localStorage.setItem(key, value);
    } catch (error) {
      // Storage refused: the choice lasts for this page only.
    }
  };

  // Text size: three steps on the article page.
  var sizes = document.querySelector("[data-text-size-control]");
  if (sizes) {
    var buttons = sizes.querySelectorAll("button[data-size]");
    var showSize = function () {
      var current = root.getAttribute("data-text-size") || "0";
      buttons.forEach(function (button) {
        button.setAttribute("aria-pressed", String(button.dataset.size === current));
      });
    };
    buttons.forEach(function (button) {
      button.addEventListener("click", function () {
        var size = button.dataset.size;
        if (size === "0") root.removeAttribute("data-text-size");
        else root.setAttribute("data-text-size", size);
        remember("newsroom-text-size", size === "0" ? null : size);
        showSize();
      });
    });
    showSize();
  }

  // Theme: the system's (prefers-color-scheme) until the reader chooses with the toggle.
  var toggle = document.querySelector("[data-theme-toggle]");
  if (toggle) {
    var systemDark = window.matchMedia("(prefers-color-scheme: dark)");
    var isDark = function () {
      var chosen = root.getAttribute("data-theme");
      return chosen ? chosen === "dark" : systemDark.matches;
    };
    var showTheme = function () { toggle.setAttribute("aria-pressed", String(isDark())); };
    toggle.addEventListener("click", function () {
      var theme = isDark() ? "light" : "dark";
      root.setAttribute("data-theme", theme);
      remember("newsroom-theme", theme);
      showTheme();
    });
    systemDark.addEventListener("change", showTheme);
    showTheme();
  }

  // Embed cards (articles/body/embeds.py): a link to the post until the reader clicks it;
  // only then is the player put in a frame, so the platform hears nothing before the click.
  // Delegated, so cards in live entries added later work too. A click with a modifier key
  // opens the link as usual.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".embed-link");
    var card = link && link.closest("[data-embed-src]");
    if (!card) return;
    if (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) return;
    event.preventDefault();
    var frame = document.createElement("iframe");
    frame.className = "embed-frame";
    frame.src = card.dataset.embedSrc;
    frame.title = card.dataset.embedTitle || "";
    frame.allow = "autoplay; encrypted-media; picture-in-picture; fullscreen";
    frame.allowFullscreen = true;
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    var source = link.querySelector(".embed-source");
    link.replaceWith(frame);
    // The post stays reachable if the platform's player cannot show it.
    var note = card.querySelector(".embed-note");
    if (note) {
      var open = document.createElement("a");
      open.href = link.href;
      open.rel = "noopener noreferrer";
      open.textContent = "افتح على " + (source ? source.textContent : "المنصة");
      note.replaceChildren(open);
    }
    card.classList.add("is-playing");
    frame.focus();
  });

  // A post's frame cannot size itself to the post, but X's and Telegram's embed pages tell
  // their parent the height they need, unasked (the messages their own widget scripts read):
  // X {"twttr.embed": {method: "twttr.private.resize", params: [{height}]}}, Telegram
  // '{"event": "resize", "height": n}'. Believed only from the frame we made, at its origin,
  // and only between bounds; until then the CSS height stands.
  function reportedHeight(data) {
    if (typeof data === "string") {
      try { data = JSON.parse(data); } catch (error) { return null; }
    }
    if (!data || typeof data !== "object") return null;
    var call = data["twttr.embed"];
    if (call && call.method === "twttr.private.resize" && call.params && call.params[0]) {
      return call.params[0].height;
    }
    return data.event === "resize" ? data.height : null;
  }

  window.addEventListener("message", function (event) {
    var frames = document.querySelectorAll(".embed-x .embed-frame, .embed-telegram .embed-frame");
    for (var i = 0; i < frames.length; i++) {
      var frame = frames[i];
      if (frame.contentWindow !== event.source) continue;
      if (new URL(frame.src).origin !== event.origin) return;
      var height = Number(reportedHeight(event.data));
      if (height >= 80 && height <= 4000) frame.style.blockSize = Math.ceil(height) + "px";
      return;
    }
  });
})();
