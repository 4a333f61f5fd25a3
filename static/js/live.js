// Live coverage (live/): relative times, and new entries without a reload. Progressive
// enhancement: the page is complete without it. Polls the page's update endpoint (served by
// the page cache: a 304 with no body while nothing changed), pauses while the tab is hidden,
// and never moves the reader's scroll: new entries wait behind a «N تحديثات جديدة» button.
(function () {
  "use strict";
  var live = document.querySelector("[data-live-updates]");
  if (!live) return;
  var stream = live.querySelector("[data-live-stream]");
  var bar = live.querySelector("[data-live-new]");
  var button = live.querySelector("[data-live-new-button]");
  var interval = (Number(live.dataset.livePollSeconds) || 20) * 1000;
  var pending = [];
  var timer = null;

  // The site's digits (settings.NEWSROOM_DIGITS, on <html data-digits>).
  var eastern = document.documentElement.dataset.digits === "eastern";
  function digits(n) {
    return eastern ? String(n).replace(/[0-9]/g, function (d) { return "٠١٢٣٤٥٦٧٨٩"[d]; }) : String(n);
  }

  function arabicCount(n, one, two, few, many) {
    if (n === 1) return one;
    if (n === 2) return two;
    if (n >= 3 && n <= 10) return digits(n) + " " + few;
    return digits(n) + " " + many;
  }

  function relative(date) {
    var minutes = Math.floor((Date.now() - date.getTime()) / 60000);
    if (minutes < 1) return "الآن";
    if (minutes < 60) return "منذ " + arabicCount(minutes, "دقيقة", "دقيقتين", "دقائق", "دقيقة");
    var hours = Math.floor(minutes / 60);
    if (hours < 24) return "منذ " + arabicCount(hours, "ساعة", "ساعتين", "ساعات", "ساعة");
    return null;
  }

  function refreshTimes(root) {
    root.querySelectorAll("time[data-relative-time]").forEach(function (time) {
      if (!time.dataset.absolute) time.dataset.absolute = time.textContent;
      var text = relative(new Date(time.getAttribute("datetime")));
      time.textContent = text ? text + " · " + time.dataset.absolute : time.dataset.absolute;
    });
  }

  function shownIds() {
    var ids = {};
    stream.querySelectorAll("[data-entry-id]").forEach(function (el) { ids[el.dataset.entryId] = true; });
    return ids;
  }

  // Entries already on the page that changed (an edit, a correction) are replaced in
  // place; those no longer public (deleted, withdrawn) are removed, within the time span
  // the answer covers (it holds the newest entries only).
  function syncShown(entries) {
    var byId = {};
    entries.forEach(function (entry) { byId[entry.id] = entry; });
    var oldest = entries.length ? new Date(entries[entries.length - 1].at) : null;
    stream.querySelectorAll("[data-entry-id]").forEach(function (element) {
      var entry = byId[element.dataset.entryId];
      if (entry && entry.v !== element.dataset.entryVersion) {
        var holder = document.createElement("div");
        holder.innerHTML = entry.html;
        element.replaceWith(holder.firstElementChild);
      } else if (!entry && oldest) {
        var time = element.querySelector("time[datetime]");
        if (time && new Date(time.getAttribute("datetime")) >= oldest) element.remove();
      }
    });
    refreshTimes(stream);
  }

  function label(n) {
    return n === 1 ? "تحديث جديد واحد" : n === 2 ? "تحديثان جديدان" :
      n <= 10 ? n + " تحديثات جديدة" : n + " تحديثاً جديداً";
  }

  function showButton() {
    if (!pending.length) { bar.hidden = true; return; }
    button.textContent = label(pending.length) + " — اضغط للعرض";
    bar.hidden = false;
  }

  function poll() {
    fetch(live.dataset.liveUpdates, { headers: { Accept: "application/json" }, cache: "no-cache" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) return;
        syncShown(data.entries);
        var ids = shownIds();
        var waiting = {};
        pending.forEach(function (entry) { waiting[entry.id] = true; });
        data.entries.slice().reverse().forEach(function (entry) {
          if (!ids[entry.id] && !waiting[entry.id]) pending.unshift(entry);
        });
        showButton();
      })
      .catch(function () { /* offline for a moment: the next poll tries again */ });
  }

  function start() {
    if (timer === null) timer = window.setInterval(poll, interval);
  }

  function stop() {
    if (timer !== null) { window.clearInterval(timer); timer = null; }
  }

  button.addEventListener("click", function () {
    // After the pinned entries, which stay on top.
    var pinned = stream.querySelectorAll(".live-entry.is-pinned");
    var anchor = pinned.length ? pinned[pinned.length - 1].nextSibling : stream.firstChild;
    var empty = stream.querySelector(".live-empty");
    if (empty) empty.remove();
    var first = null;
    pending.forEach(function (entry) {
      var holder = document.createElement("div");
      holder.innerHTML = entry.html;
      var element = holder.firstElementChild;
      stream.insertBefore(element, anchor);
      first = first || element;
    });
    pending = [];
    showButton();
    refreshTimes(stream);
    if (first) {
      first.setAttribute("tabindex", "-1");
      first.focus({ preventScroll: false });
    }
  });

  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { stop(); } else { poll(); start(); }
  });
  refreshTimes(live);
  // A shared entry link (#entry-<id>): relative times and web fonts change the height of
  // what is above the entry after the browser has scrolled to it; bring it back to the top.
  var shared = location.hash && document.getElementById(location.hash.slice(1));
  if (shared && live.contains(shared)) {
    var reveal = function () { shared.scrollIntoView({ block: "start" }); };
    if (document.fonts && document.fonts.ready) document.fonts.ready.then(reveal); else reveal();
  }
  window.setInterval(function () { refreshTimes(live); }, 60000);
  if (live.dataset.liveState === "live" && !document.hidden) start();
})();
