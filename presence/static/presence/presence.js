// «تحرره الآن»: on an article's change form, tell the server this tab has the article open
// (a heartbeat) and show who else has it, without a reload. The server writes every word
// (presence/tracking.py); this file only places them. Leaving (tab closed, hidden, or
// navigated away) is sent with sendBeacon; a tab that dies silently expires on the server.
// Loaded in the page's head (ArticleAdmin.Media): starts once the form exists.
function startPresence() {
  "use strict";
  var match = window.location.pathname.match(/^(.*\/)articles\/article\/(\d+)\/change\/$/);
  var tokenInput = document.querySelector("input[name=csrfmiddlewaretoken]");
  var content = document.getElementById("content");
  if (!match || !tokenInput || !content) return;

  var base = match[1] + "presence/" + match[2] + "/";
  var token = tokenInput.value;
  var timer = null;
  var stopped = false;

  var banner = document.createElement("ul");
  banner.className = "messagelist presence-banner";
  banner.setAttribute("role", "status");
  banner.setAttribute("aria-live", "polite");
  banner.hidden = true;
  content.insertBefore(banner, content.firstChild);

  function form() {
    var data = new FormData();
    data.append("csrfmiddlewaretoken", token);
    return data;
  }

  function line(className, text) {
    var item = document.createElement("li");
    item.className = className;
    item.appendChild(document.createTextNode(text));
    banner.appendChild(item);
    return item;
  }

  function show(state) {
    banner.textContent = "";
    if (state.taken_over) {
      line("error presence-taken-over", state.taken_over.text);
    }
    if (state.text) {
      var item = line("warning presence-others", state.text);
      if (state.can_take_over) {
        var button = document.createElement("button");
        button.type = "button";
        button.className = "button presence-take-over";
        button.textContent = "تولّي التحرير";
        button.addEventListener("click", function () {
          send(base + "take-over/");
        });
        item.appendChild(document.createTextNode(" "));
        item.appendChild(button);
      }
    }
    banner.hidden = !banner.firstChild;
  }

  function schedule(seconds) {
    window.clearTimeout(timer);
    if (!stopped) timer = window.setTimeout(beat, Math.max(1, seconds) * 1000);
  }

  function send(url) {
    return window
      .fetch(url, {
        method: "POST",
        body: form(),
        credentials: "same-origin",
        headers: { "X-CSRFToken": token, Accept: "application/json" },
      })
      .then(function (response) {
        var type = response.headers.get("Content-Type") || "";
        if (type.indexOf("application/json") === -1) throw new Error("not json");
        return response.json().then(function (state) {
          if (!response.ok) {
            // Refused (403/404): say why once and stop asking.
            stopped = true;
            banner.textContent = "";
            line("error", state.error);
            banner.hidden = false;
            return;
          }
          show(state);
          schedule(state.next_in);
        });
      })
      .catch(function () {
        // Offline or logged out: try again later, quietly.
        schedule(30);
      });
  }

  function beat() {
    if (!stopped && document.visibilityState !== "hidden") send(base);
  }

  function leave() {
    window.clearTimeout(timer);
    if (navigator.sendBeacon) navigator.sendBeacon(base + "leave/", form());
  }

  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") leave();
    else beat();
  });
  window.addEventListener("pagehide", leave);
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) beat(); // back from the back-forward cache
  });
  beat();
}

if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", startPresence);
} else {
  startPresence();
}
