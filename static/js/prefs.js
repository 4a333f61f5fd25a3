// The reader's own text size and theme, applied before the page is drawn (no flash). They
// live in this browser's localStorage only: no cookie, nothing sent, so every page stays
// the same for everyone and cacheable. site.js offers the controls.
(function () {
  "use strict";
  var root = document.documentElement;
  // The controls (theme toggle, text size) are shown from the first paint on, so showing
  // them later does not move the page (CSS: .prefs); without JavaScript they stay hidden.
  root.classList.add("prefs");
  try {
    var size = localStorage.getItem("newsroom-text-size");
    if (size === "1" || size === "2") root.setAttribute("data-text-size", size);
    var theme = localStorage.getItem("newsroom-theme");
    if (theme === "dark" || theme === "light") root.setAttribute("data-theme", theme);
  } catch (error) {
    // Storage refused (private mode, blocked): the defaults apply.
  }
})();
