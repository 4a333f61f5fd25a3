// The reader's own text size and theme, applied before the page is drawn (no flash). They
// live in this browser's localStorage only: no cookie, nothing sent, so every page stays
// the same for everyone and cacheable. site.js offers the controls.
(function () {
  "use strict";
  var root = document.documentElement;
  try {
    var size = localStorage.getItem("newsroom-text-size");
    if (size === "1" || size === "2") root.setAttribute("data-text-size", size);
    var theme = localStorage.getItem("newsroom-theme");
    if (theme === "dark" || theme === "light") root.setAttribute("data-theme", theme);
  } catch (error) {
    // Storage refused (private mode, blocked): the defaults apply.
  }
})();
