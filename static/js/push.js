// The push controls (distribution/, README "Web Push"): «تنبيهات الأخبار العاجلة» on article
// pages and, on a live story, «تنبيهات هذه التغطية» (data-push-topic="live:<id>"). Buttons
// are hidden in the HTML and shown only where the browser can receive pushes; nothing is
// asked of the reader until a button is pressed. A second press stops that topic. A browser
// has one push subscription for every topic; it is dropped when no topic is left.
(function () {
  "use strict";
  var buttons = document.querySelectorAll("[data-push-key]");
  if (!buttons.length) return;
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !window.isSecureContext) {
    return;
  }
  var STORE = "newsroom-push-topics";

  // The topics this browser follows (kept in the browser: the server knows no reader).
  var topics = function (sub) {
    var stored = null;
    try { stored = JSON.parse(localStorage.getItem(STORE)); } catch (e) { stored = null; }
    if (!Array.isArray(stored)) stored = sub ? ["breaking"] : [];  // subscribed before topics
    return stored;
  };
  var keep = function (list) {
    try { localStorage.setItem(STORE, JSON.stringify(list)); } catch (e) { /* private mode */ }
  };

  var keyBytes = function (base64url) {
    var padded = base64url.replace(/-/g, "+").replace(/_/g, "/");
    padded += "===".slice((padded.length + 3) % 4);
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) bytes[i] = raw.charCodeAt(i);
    return bytes;
  };

  var post = function (path, body) {
    return fetch("/push/token/", { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (t) {
        return fetch(path, {
          method: "POST",
          credentials: "same-origin",
          headers: { "Content-Type": "application/json", "X-CSRFToken": t.csrf },
          body: JSON.stringify(body),
        });
      })
      .then(function (r) {
        return r.json().then(function (answer) {
          if (!r.ok) throw new Error(answer.error || "تعذّر الاتصال بالموقع.");
          return answer;
        });
      });
  };

  var registration = navigator.serviceWorker.register("/sw.js", { scope: "/" });

  Array.prototype.forEach.call(buttons, function (button) {
    var topic = button.dataset.pushTopic || "breaking";
    var status = button.parentNode.querySelector("[data-push-status]");
    var say = function (text) { if (status) status.textContent = text; };
    var show = function (on) { button.setAttribute("aria-pressed", on ? "true" : "false"); };
    button.hidden = false;

    registration
      .then(function (reg) { return reg.pushManager.getSubscription(); })
      .then(function (sub) { show(Boolean(sub) && topics(sub).indexOf(topic) !== -1); })
      .catch(function () { show(false); });

    var subscription = function (reg, sub) {
      if (sub) return Promise.resolve(sub);
      return Notification.requestPermission().then(function (permission) {
        if (permission !== "granted") {
          throw new Error("لم يُسمح بالإشعارات في المتصفح.");
        }
        return reg.pushManager
          .subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(button.dataset.pushKey) })
          .catch(function () { throw new Error("تعذّر الاشتراك في خدمة الإشعارات في هذا المتصفح."); });
      });
    };

    button.addEventListener("click", function () {
      button.disabled = true;
      var done = function () { button.disabled = false; };
      registration
        .then(function (reg) { return reg.pushManager.getSubscription().then(function (sub) { return [reg, sub]; }); })
        .then(function (pair) {
          var reg = pair[0], sub = pair[1];
          var list = topics(sub);
          if (sub && list.indexOf(topic) !== -1) {
            var endpoint = sub.endpoint;
            var rest = list.filter(function (t) { return t !== topic; });
            return post("/push/unsubscribe/", { endpoint: endpoint, topic: topic })
              .then(function (answer) {
                keep(rest);
                show(false);
                say(answer.message);
                if (!rest.length) return sub.unsubscribe();
              });
          }
          return subscription(reg, sub).then(function (created) {
            var json = created.toJSON();
            return post("/push/subscribe/", { endpoint: json.endpoint, keys: json.keys, topic: topic })
              .then(function (answer) {
                keep(list.concat([topic]));
                show(true);
                say(answer.message);
              });
          });
        })
        .catch(function (error) { say(error.message || "تعذّر تفعيل التنبيهات."); })
        .then(done, done);
    });
  });
})();
