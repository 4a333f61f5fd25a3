// The «تنبيهات الأخبار العاجلة» control (distribution/, README "Web Push"). The button is
// hidden in the HTML and shown only where the browser can receive pushes; nothing is asked
// of the reader until the button is pressed. A second press stops the notifications.
(function () {
  "use strict";
  var button = document.querySelector("[data-push-key]");
  if (!button) return;
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !window.isSecureContext) {
    return;
  }
  var status = document.querySelector("[data-push-status]");
  var say = function (text) { if (status) status.textContent = text; };
  button.hidden = false;

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

  var show = function (on) { button.setAttribute("aria-pressed", on ? "true" : "false"); };

  var registration = navigator.serviceWorker.register("/sw.js", { scope: "/" });
  registration
    .then(function (reg) { return reg.pushManager.getSubscription(); })
    .then(function (sub) { show(Boolean(sub)); })
    .catch(function () { show(false); });

  button.addEventListener("click", function () {
    button.disabled = true;
    var done = function () { button.disabled = false; };
    registration
      .then(function (reg) { return reg.pushManager.getSubscription().then(function (sub) { return [reg, sub]; }); })
      .then(function (pair) {
        var reg = pair[0], sub = pair[1];
        if (sub) {
          var endpoint = sub.endpoint;
          return sub.unsubscribe()
            .then(function () { return post("/push/unsubscribe/", { endpoint: endpoint }); })
            .then(function (answer) { show(false); say(answer.message); });
        }
        return Notification.requestPermission().then(function (permission) {
          if (permission !== "granted") {
            throw new Error("لم يُسمح بالإشعارات في المتصفح.");
          }
          return reg.pushManager
            .subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(button.dataset.pushKey) })
            .catch(function () { throw new Error("تعذّر الاشتراك في خدمة الإشعارات في هذا المتصفح."); });
        }).then(function (created) {
          var json = created.toJSON();
          return post("/push/subscribe/", { endpoint: json.endpoint, keys: json.keys, topic: "breaking" })
            .then(function (answer) { show(true); say(answer.message); });
        });
      })
      .catch(function (error) { say(error.message || "تعذّر تفعيل التنبيهات."); })
      .then(done, done);
  });
})();
