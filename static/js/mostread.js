// «الأكثر قراءة»: one anonymous count per article view (mostread/views.py). The script tag
// names the beacon's address (same origin); nothing identifies the reader: no cookie is read
// or set, no id is sent. A page prerendered in the background counts only once it is shown.
(function () {
  "use strict";
  var script = document.currentScript;
  var url = script && script.getAttribute("data-beacon");
  if (!url) return;
  function send() {
    if (navigator.sendBeacon && navigator.sendBeacon(url)) return;
    if (window.fetch) {
      fetch(url, { method: "POST", keepalive: true, credentials: "omit", cache: "no-store" })
        .catch(function () {});
    }
  }
  if (document.prerendering) {
    document.addEventListener("prerenderingchange", send, { once: true });
  } else {
    send();
  }
})();
