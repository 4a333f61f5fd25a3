// The Web Push service worker (distribution/, README "Web Push"), served at /sw.js so that
// its scope is the whole site. It shows what the site sent, in Arabic, right to left, and
// opens the article when the notification is clicked. It caches nothing.
"use strict";

self.addEventListener("install", function () {
  self.skipWaiting();
});

self.addEventListener("activate", function (event) {
  event.waitUntil(self.clients.claim());
});

self.addEventListener("push", function (event) {
  var data = {};
  try {
    data = event.data ? event.data.json() : {};
  } catch (error) {
    data = {};
  }
  var title = data.title || "خبر عاجل";
  var options = {
    body: data.body || "",
    dir: "rtl",
    lang: "ar",
    icon: "/static/favicon.svg",
    tag: data.tag || "breaking",
    data: { url: data.url || "/" },
  };
  if (data.image) options.image = data.image;
  event.waitUntil(
    self.registration.showNotification(title, options).then(function () {
      // Open pages of the site hear that a notification was shown (the browser test
      // listens; nothing else does).
      return self.clients.matchAll({ type: "window" }).then(function (clients) {
        clients.forEach(function (client) {
          client.postMessage({ type: "push-shown", title: title, body: options.body });
        });
      });
    })
  );
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var url = (event.notification.data && event.notification.data.url) || "/";
  event.waitUntil(self.clients.openWindow(url));
});
