// The offline visit app in the browser (rules in docs/ARCHITECTURE.md, "Offline visits"):
// registers the service worker (/sw.js), keeps the user's people (masked, from /api/v1/people)
// and the queue of visits in IndexedDB, shows the 待同步 count in the header, sends each queued
// visit once (its idempotency key makes a repeat harmless) when the connection returns or on
// 同步, shows each result, and deletes everything on logout.  The logic is in offline-core.js.
(function () {
  "use strict";
  var core = window.LanxinOfflineCore;
  var body = document.body;
  if (!core || !body.dataset.offlineDays) { return; } // staff and organization users only
  var DAYS = Number(body.dataset.offlineDays) || 7;
  var USER = body.dataset.user;
  var API = "/api/v1";
  var DB_NAME = "lanxin-offline";
  var PAGES = "lanxin-pages";
  var REFRESH_AFTER = 10 * 60 * 1000; // people are read again after 10 minutes online
  var badge = document.getElementById("sync-badge");
  var app = document.getElementById("offline-app");
  var text = app ? app.dataset : {};
  var results = []; // visits saved in this page's syncs: [{item, visit}]
  var editing = null; // {person} or {item}
  var syncing = false;

  // --- IndexedDB -----------------------------------------------------------------------------
  var dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise(function (resolve, reject) {
        var open = indexedDB.open(DB_NAME, 1);
        open.onupgradeneeded = function () {
          var d = open.result;
          d.createObjectStore("people", { keyPath: "id" });
          d.createObjectStore("queue", { keyPath: "key" });
          d.createObjectStore("meta", { keyPath: "name" });
        };
        open.onsuccess = function () { resolve(open.result); };
        open.onerror = function () { reject(open.error); };
      });
    }
    return dbPromise;
  }
  function done(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function store(name, mode) {
    return db().then(function (d) { return d.transaction(name, mode || "readonly").objectStore(name); });
  }
  function all(name) { return store(name).then(function (s) { return done(s.getAll()); }); }
  function put(name, value) { return store(name, "readwrite").then(function (s) { return done(s.put(value)); }); }
  function remove(name, key) { return store(name, "readwrite").then(function (s) { return done(s["delete"](key)); }); }
  function clear(name) { return store(name, "readwrite").then(function (s) { return done(s.clear()); }); }
  function meta(name) {
    return store("meta").then(function (s) { return done(s.get(name)); }).then(function (row) { return row ? row.value : null; });
  }
  function setMeta(name, value) { return put("meta", { name: name, value: value }); }

  // Deletes the people, the queue and every cache of the portal (logout, another user).
  function wipe() {
    var closing = dbPromise ? dbPromise.then(function (d) { d.close(); }, function () {}) : Promise.resolve();
    dbPromise = null;
    return closing.then(function () {
      return new Promise(function (resolve) {
        var request = indexedDB.deleteDatabase(DB_NAME);
        request.onsuccess = request.onerror = request.onblocked = function () { resolve(); };
      });
    }).then(function () {
      if (!window.caches) { return null; }
      return caches.keys().then(function (keys) {
        return Promise.all(keys.filter(function (k) { return k.indexOf("lanxin-") === 0; }).map(function (k) { return caches["delete"](k); }));
      });
    });
  }

  // --- the server ----------------------------------------------------------------------------
  function csrf() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return match ? decodeURIComponent(match[1]) : "";
  }
  function api(path, options) {
    options = options || {};
    var headers = { Accept: "application/json" };
    if (options.body) {
      headers["Content-Type"] = "application/json";
      headers["X-CSRFToken"] = csrf();
    }
    return fetch(API + path, { method: options.method || "GET", credentials: "same-origin", headers: headers, body: options.body })
      .then(function (response) {
        return response.json().catch(function () { return null; }).then(function (data) {
          return { status: response.status, body: data };
        });
      }, function () { return { status: 0, body: null }; });
  }

  // The user's people, masked: organization users all of their organizations' people on the
  // register, staff the key-care people (the whole district would be too many for a phone).
  function refreshPeople() {
    var query = body.dataset.role === "staff" ? "?key_care=true&limit=100" : "?limit=100";
    var items = [];
    function next(cursor, pages) {
      return api("/people" + query + (cursor ? "&cursor=" + encodeURIComponent(cursor) : "")).then(function (r) {
        if (r.status !== 200 || !r.body) { throw new Error("people " + r.status); }
        items = items.concat(r.body.items);
        return r.body.next_cursor && pages < 20 ? next(r.body.next_cursor, pages + 1) : null;
      });
    }
    return next(null, 1).then(function () {
      var people = core.peopleFrom(items);
      return clear("people").then(function () {
        return Promise.all(people.map(function (p) { return put("people", p); }));
      });
    }).then(function () { return setMeta("cachedAt", Date.now()); });
  }

  // Keeps this page for the service worker to show when there is no signal.
  function cacheShell() {
    if (!window.caches || !badge) { return Promise.resolve(); }
    var url = badge.getAttribute("href");
    return fetch(url, { credentials: "same-origin" }).then(function (response) {
      if (response.ok && !response.redirected) {
        return caches.open(PAGES).then(function (cache) { return cache.put(url, response); });
      }
      return null;
    });
  }

  // --- sync ----------------------------------------------------------------------------------
  function sendOne(item) {
    return api("/visits", { method: "POST", body: JSON.stringify(item.payload) }).then(function (r) {
      var result = core.outcome(r.status, r.body);
      if (result.state === "saved") {
        results.push({ item: item, visit: r.body });
        return remove("queue", item.key).then(function () { return false; });
      }
      if (result.state === "refused") {
        var refused = Object.assign({}, item, { status: "refused", reason: result.reason, field: result.field });
        return put("queue", refused).then(function () { return false; });
      }
      if (result.state === "signin") { status(text.signin); }
      return true; // stop this round: no signal, the server busy, or signed out
    });
  }

  function runSync() {
    return all("queue").then(function (queue) {
      return core.toSend(queue).reduce(function (previous, item) {
        return previous.then(function (stop) { return stop ? true : sendOne(item); });
      }, Promise.resolve(false));
    });
  }

  function sync() {
    if (syncing || !navigator.onLine) { return Promise.resolve(); }
    syncing = true;
    status(text.syncing);
    var run = navigator.locks
      ? navigator.locks.request("lanxin-sync", { ifAvailable: true }, function (lock) { return lock ? runSync() : null; })
      : runSync();
    return run.then(function (stopped) {
      if (!stopped) { status(text.synced); }
    }, function () {}).then(function () {
      syncing = false;
      return render();
    });
  }

  // --- the page ------------------------------------------------------------------------------
  function status(message) {
    var el = document.getElementById("offline-status");
    if (!el || !message) { return; }
    el.textContent = message;
    el.hidden = false;
  }
  function element(tag, className, content) {
    var el = document.createElement(tag);
    if (className) { el.className = className; }
    if (content !== undefined) { el.textContent = content; }
    return el;
  }
  function button(label, className, onClick) {
    var b = element("button", className, label);
    b.type = "button";
    b.addEventListener("click", onClick);
    return b;
  }
  function modeLabel(code) {
    var el = document.querySelector('.mode-label[data-code="' + code + '"]');
    return el ? el.textContent : code;
  }

  function renderBadge(queue) {
    if (!badge) { return; }
    var n = core.unsynced(queue);
    badge.querySelector(".count").textContent = String(n);
    badge.hidden = n === 0;
  }

  function render() {
    return all("queue").then(function (queue) {
      renderBadge(queue);
      if (!app) { return null; }
      document.getElementById("queue-count").textContent = String(core.unsynced(queue));
      var list = document.getElementById("queue");
      list.textContent = "";
      queue.sort(function (a, b) { return a.createdAt - b.createdAt; }).forEach(function (item) {
        var li = element("li", "card queue-item " + item.status);
        li.dataset.key = item.key;
        li.appendChild(element("strong", "", item.person.name));
        li.appendChild(document.createTextNode(" · " + item.payload.visit_date + " · " + modeLabel(item.payload.mode) + " "));
        if (item.status === "refused") {
          li.appendChild(element("p", "error refusal", text.refused + item.reason));
          li.appendChild(button(text.fix, "secondary", function () { openForm({ item: item }); }));
          li.appendChild(document.createTextNode(" "));
        } else {
          li.appendChild(element("span", "tag", text.pending));
          li.appendChild(document.createTextNode(" "));
        }
        li.appendChild(button(text.discard, "linkbutton danger", function () {
          if (window.confirm(text.discardConfirm)) { remove("queue", item.key).then(render); }
        }));
        list.appendChild(li);
      });
      var saved = document.getElementById("results");
      saved.textContent = "";
      results.forEach(function (r) {
        var li = element("li", "card saved");
        li.appendChild(element("strong", "", r.item.person.name));
        li.appendChild(document.createTextNode(" · " + r.item.payload.visit_date + " · " + modeLabel(r.item.payload.mode) + " "));
        li.appendChild(element("span", "tag", text.saved));
        saved.appendChild(li);
      });
      return renderPeople();
    });
  }

  function renderPeople() {
    return Promise.all([all("people"), meta("cachedAt")]).then(function (found) {
      var people = found[0].sort(function (a, b) { return (b.days_overdue - a.days_overdue) || (a.id - b.id); });
      var cachedAt = found[1];
      document.getElementById("cached-at").textContent = cachedAt
        ? text.cached.replace("%s", new Date(cachedAt).toLocaleString("zh-CN")) : text.none;
      var list = document.getElementById("people");
      list.textContent = "";
      people.forEach(function (p) {
        var li = element("li", "card person");
        li.dataset.person = String(p.id);
        li.appendChild(element("strong", "", p.name));
        li.appendChild(document.createTextNode(" · " + [p.tail, p.village].filter(Boolean).join(" · ") + " "));
        if (p.days_overdue > 0) {
          li.appendChild(element("span", "badge-overdue", text.overdue.replace("%s", p.days_overdue)));
        } else if (p.next_due) {
          li.appendChild(element("span", "muted", text.due.replace("%s", p.next_due)));
        }
        li.appendChild(document.createTextNode(" "));
        li.appendChild(button(text.record, "record", function () { openForm({ person: p }); }));
        list.appendChild(li);
      });
    });
  }

  function openForm(what) {
    editing = what;
    var form = document.getElementById("visit-form");
    var payload = what.item ? what.item.payload : null;
    var person = what.item ? what.item.person : what.person;
    document.getElementById("visit-person").textContent = person.name;
    form.reset();
    form.elements.visit_date.value = payload ? payload.visit_date : core.isoDate(new Date());
    if (payload) {
      form.querySelectorAll('input[name="mode"]').forEach(function (r) { r.checked = r.value === payload.mode; });
      form.querySelectorAll('input[name="services"]').forEach(function (c) { c.checked = payload.services.indexOf(c.value) !== -1; });
      form.elements.supplies_value.value = payload.supplies_value;
      form.elements.visitors.value = payload.visitors;
      form.elements.notes.value = payload.notes;
      form.elements.follow_up_needed.checked = payload.follow_up_needed;
    }
    document.getElementById("v-confirm-box").hidden = !(what.item && what.item.field === "confirm_duplicate");
    document.getElementById("visit-form-error").hidden = true;
    form.hidden = false;
    form.scrollIntoView();
    form.elements.visit_date.focus();
  }

  function formValues(form) {
    var mode = form.querySelector('input[name="mode"]:checked');
    return {
      visit_date: form.elements.visit_date.value,
      mode: mode ? mode.value : "",
      services: Array.prototype.map.call(form.querySelectorAll('input[name="services"]:checked'), function (c) { return c.value; }),
      supplies_value: form.elements.supplies_value.value || "0",
      visitors: form.elements.visitors.value.trim(),
      notes: form.elements.notes.value.trim(),
      follow_up_needed: form.elements.follow_up_needed.checked,
      confirm_duplicate: form.elements.confirm_duplicate.checked
    };
  }

  function saveForm(event) {
    event.preventDefault();
    var form = event.target;
    var values = formValues(form);
    var error = document.getElementById("visit-form-error");
    if (core.missing(values).length) {
      error.textContent = text.required;
      error.hidden = false;
      return;
    }
    var item = editing.item
      ? core.fixVisit(editing.item, values)
      : core.makeVisit(editing.person, values, core.newKey(), new Date());
    put("queue", item).then(function () {
      form.hidden = true;
      editing = null;
      status(navigator.onLine ? text.queued : text.offline);
      return render();
    }).then(function () { if (navigator.onLine) { return sync(); } return null; });
  }

  // --- start ---------------------------------------------------------------------------------
  function start() {
    return meta("owner").then(function (owner) {
      // Another account's data are never shown or sent as this one's.
      if (owner && owner !== USER) { return wipe().then(function () { return setMeta("owner", USER); }); }
      return owner ? null : setMeta("owner", USER);
    }).then(function () { return meta("cachedAt"); }).then(function (cachedAt) {
      if (cachedAt && core.expired(cachedAt, new Date(), DAYS)) {
        return clear("people").then(function () { return setMeta("cachedAt", null); });
      }
      return null;
    }).then(render).then(function () {
      if (!navigator.onLine) { status(text.offline); return null; }
      return meta("cachedAt").then(function (cachedAt) {
        var stale = !cachedAt || Date.now() - cachedAt > REFRESH_AFTER || app;
        return Promise.all([stale ? refreshPeople() : null, cacheShell()]);
      }).then(render).then(sync);
    }).catch(function () {});
  }

  document.addEventListener("DOMContentLoaded", function () {
    var logout = document.getElementById("logout-form");
    if (logout) {
      logout.addEventListener("submit", function (event) {
        event.preventDefault();
        all("queue").catch(function () { return []; }).then(function (queue) {
          var n = core.unsynced(queue);
          if (n > 0 && !window.confirm(badge.dataset.warn.replace("%s", n))) { return; }
          wipe().then(function () { logout.submit(); });
        });
      });
    }
    if (app) {
      document.getElementById("visit-form").addEventListener("submit", saveForm);
      document.getElementById("visit-cancel").addEventListener("click", function () {
        document.getElementById("visit-form").hidden = true;
      });
      document.getElementById("sync-now").addEventListener("click", sync);
    }
    window.addEventListener("online", sync);
    window.addEventListener("offline", function () { status(text.offline); });
    var ready = "serviceWorker" in navigator
      ? navigator.serviceWorker.register("/sw.js", { scope: "/" }).then(function () { return navigator.serviceWorker.ready; })
      : Promise.resolve();
    Promise.all([ready.catch(function () {}), start()]).then(function () { body.dataset.offlineReady = "1"; });
  });
})();
