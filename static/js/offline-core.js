// The logic of the offline visit app, without the page or the browser's storage, so that it can
// be tested with `node --test` (tests/js/).  static/js/offline.js uses it in the browser.
(function (root, factory) {
  "use strict";
  var api = factory();
  if (typeof module === "object" && module.exports) { module.exports = api; } else { root.LanxinOfflineCore = api; }
})(typeof self !== "undefined" ? self : this, function () {
  "use strict";
  var DAY = 24 * 60 * 60 * 1000;

  // A random UUID (version 4): the visit's idempotency key, made once when it is recorded.
  function newKey(cryptoObject) {
    var c = cryptoObject || (typeof crypto !== "undefined" ? crypto : null);
    if (c && typeof c.randomUUID === "function") { return c.randomUUID(); }
    var bytes = new Uint8Array(16);
    c.getRandomValues(bytes);
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    var hex = Array.prototype.map.call(bytes, function (b) { return (b + 0x100).toString(16).slice(1); }).join("");
    return hex.slice(0, 8) + "-" + hex.slice(8, 12) + "-" + hex.slice(12, 16) + "-" + hex.slice(16, 20) + "-" + hex.slice(20);
  }

  // YYYY-MM-DD of a Date in the phone's own time zone.
  function isoDate(date) {
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return date.getFullYear() + "-" + two(date.getMonth() + 1) + "-" + two(date.getDate());
  }

  // A queued visit: what will be POSTed to /api/v1/visits (with its key) and how to show it.
  function makeVisit(person, values, key, now) {
    return {
      key: key,
      person: { id: person.id, name: person.name, village: person.village || "", tail: person.tail || "" },
      payload: {
        idempotency_key: key,
        beneficiary: person.id,
        visit_date: values.visit_date,
        mode: values.mode,
        services: values.services || [],
        supplies_value: values.supplies_value || "0",
        visitors: values.visitors || "",
        notes: values.notes || "",
        follow_up_needed: !!values.follow_up_needed,
        confirm_duplicate: !!values.confirm_duplicate
      },
      status: "pending",
      reason: "",
      field: "",
      createdAt: now.getTime()
    };
  }

  // The same visit with corrected values: the key is kept (a refused visit stored nothing).
  function fixVisit(item, values) {
    var payload = Object.assign({}, item.payload, {
      visit_date: values.visit_date,
      mode: values.mode,
      services: values.services || [],
      supplies_value: values.supplies_value || "0",
      visitors: values.visitors || "",
      notes: values.notes || "",
      follow_up_needed: !!values.follow_up_needed,
      confirm_duplicate: !!values.confirm_duplicate
    });
    return Object.assign({}, item, { payload: payload, status: "pending", reason: "", field: "" });
  }

  // What the fields the phone checks itself are missing (the rules are the server's).
  function missing(values) {
    var out = [];
    if (!values.visit_date) { out.push("visit_date"); }
    if (!values.mode) { out.push("mode"); }
    return out;
  }

  // The reason of a problem+json answer, as a volunteer reads it.
  function reasonOf(body, fallback) {
    if (body && body.errors && body.errors.length) {
      return body.errors.map(function (e) { return e.message; }).join("；");
    }
    return (body && (body.detail || body.title)) || fallback || "";
  }

  // What a response to one queued visit means: "saved" (201, or 200 for a key already saved),
  // "refused" (the volunteer fixes or discards it), "signin" (the session is gone: stop and keep
  // the queue), "retry" (no signal, the server busy or failing: keep it for the next sync).
  function outcome(status, body) {
    if (status === 200 || status === 201) { return { state: "saved", reason: "", field: "" }; }
    if (status === 401 || (status === 403 && body && body.code === "csrf")) {
      return { state: "signin", reason: reasonOf(body), field: "" };
    }
    if (status === 429 || status >= 500 || status === 0) { return { state: "retry", reason: reasonOf(body), field: "" }; }
    var field = body && body.errors && body.errors.length ? (body.errors[0].field || "") : "";
    return { state: "refused", reason: reasonOf(body, "HTTP " + status), field: field };
  }

  function toSend(queue) {
    return queue.filter(function (item) { return item.status === "pending"; })
      .sort(function (a, b) { return a.createdAt - b.createdAt; });
  }

  // The header's 待同步 count: every visit not yet stored on the server.
  function unsynced(queue) {
    return queue.filter(function (item) { return item.status !== "saved"; }).length;
  }

  function expired(cachedAt, now, days) {
    return !cachedAt || now.getTime() - cachedAt > days * DAY;
  }

  // The people to keep on the phone from pages of /api/v1/people (masked already).
  function peopleFrom(items) {
    return items.map(function (p) {
      return {
        id: p.id,
        name: p.name,
        village: p.village,
        town: p.town,
        tail: p.id_number_masked ? "****" + p.id_number_masked.slice(-4) : "",
        organization: p.organization ? p.organization.name : "",
        next_due: p.next_due,
        days_overdue: p.days_overdue || 0
      };
    }).sort(function (a, b) { return (b.days_overdue - a.days_overdue) || (a.id - b.id); });
  }

  return {
    newKey: newKey, isoDate: isoDate, makeVisit: makeVisit, fixVisit: fixVisit, missing: missing,
    outcome: outcome, reasonOf: reasonOf, toSend: toSend, unsynced: unsynced, expired: expired,
    peopleFrom: peopleFrom
  };
});
