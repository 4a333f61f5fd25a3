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
})();
