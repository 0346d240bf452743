// The portal's service worker (served at /sw.js by api.offline.service_worker).  It keeps the
// app shell (styles, scripts, icons) and the offline visit page, so that "记录走访" opens with
// no signal.  Personal data are not kept here: the page keeps the masked people and the queue
// in IndexedDB (static/js/offline.js), and logging out deletes both.
"use strict";
var CONFIG = {{ config|safe }};
var SHELL = CONFIG.prefix + "shell-" + CONFIG.version;
var PAGES = CONFIG.prefix + "pages";

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(SHELL).then(function (cache) { return cache.addAll(CONFIG.assets); })
      .then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) {
        return key.indexOf(CONFIG.prefix + "shell-") === 0 && key !== SHELL;
      }).map(function (key) { return caches.delete(key); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function fromShell(request) {
  return caches.match(request, { cacheName: SHELL }).then(function (hit) {
    return hit || fetch(request);
  });
}

function offlinePage() {
  return caches.match(CONFIG.offlineUrl, { cacheName: PAGES }).then(function (hit) {
    return hit || new Response(CONFIG.fallback, {
      status: 503, headers: { "Content-Type": "text/plain; charset=utf-8" }
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (CONFIG.assets.indexOf(url.pathname) !== -1) {
    event.respondWith(fromShell(request));
  } else if (request.mode === "navigate") {
    // The network first (pages are never stale when there is a signal); without one, the
    // offline visit page for any page.
    event.respondWith(fetch(request).catch(offlinePage));
  }
});
