// node --test tests/js/  (run by tests/api/test_offline_js.py in `make test`)
"use strict";
const test = require("node:test");
const assert = require("node:assert");
const crypto = require("node:crypto");
const core = require("../../static/js/offline-core.js");

const person = { id: 7, name: "蒋阿婆", village: "东门村", tail: "****0005" };
const values = { visit_date: "2026-05-01", mode: "home", services: ["health"], notes: "好" };

test("a queued visit carries a UUID key that is also its idempotency key", () => {
  const key = core.newKey(crypto.webcrypto);
  assert.match(key, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const item = core.makeVisit(person, values, key, new Date(1000));
  assert.strictEqual(item.payload.idempotency_key, key);
  assert.strictEqual(item.payload.beneficiary, 7);
  assert.strictEqual(item.status, "pending");
});

test("the fallback UUID (no randomUUID) is a version 4 UUID too", () => {
  const key = core.newKey({ getRandomValues: (a) => crypto.webcrypto.getRandomValues(a) });
  assert.match(key, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
});

test("fixing a refused visit keeps its key and queues it again", () => {
  const item = { ...core.makeVisit(person, values, "k1", new Date()), status: "refused", reason: "x", field: "visit_date" };
  const fixed = core.fixVisit(item, { ...values, visit_date: "2026-04-30" });
  assert.strictEqual(fixed.key, "k1");
  assert.strictEqual(fixed.payload.idempotency_key, "k1");
  assert.strictEqual(fixed.payload.visit_date, "2026-04-30");
  assert.strictEqual(fixed.status, "pending");
  assert.strictEqual(fixed.reason, "");
});

test("answers: saved, refused with the reason, sign in again, retry later", () => {
  assert.strictEqual(core.outcome(201, {}).state, "saved");
  assert.strictEqual(core.outcome(200, {}).state, "saved"); // the key was saved before
  const refused = core.outcome(422, { detail: "d", errors: [{ field: "beneficiary", message: "已转到其他组织" }] });
  assert.deepStrictEqual(refused, { state: "refused", reason: "已转到其他组织", field: "beneficiary" });
  assert.strictEqual(core.outcome(403, { code: "forbidden", detail: "不能" }).state, "refused");
  assert.strictEqual(core.outcome(403, { code: "csrf" }).state, "signin");
  assert.strictEqual(core.outcome(401, null).state, "signin");
  assert.strictEqual(core.outcome(0, null).state, "retry");
  assert.strictEqual(core.outcome(503, null).state, "retry");
  assert.strictEqual(core.outcome(429, { detail: "慢一点" }).state, "retry");
});

test("only pending visits are sent, oldest first; the count is every unsaved one", () => {
  const q = [
    { key: "b", status: "pending", createdAt: 2 },
    { key: "a", status: "pending", createdAt: 1 },
    { key: "c", status: "refused", createdAt: 0 },
  ];
  assert.deepStrictEqual(core.toSend(q).map((i) => i.key), ["a", "b"]);
  assert.strictEqual(core.unsynced(q), 3);
});

test("cached people expire after the given days", () => {
  const now = new Date(Date.UTC(2026, 4, 8));
  assert.strictEqual(core.expired(Date.UTC(2026, 4, 2), now, 7), false);
  assert.strictEqual(core.expired(Date.UTC(2026, 3, 30), now, 7), true);
  assert.strictEqual(core.expired(null, now, 7), true);
});

test("people are kept masked, most overdue first", () => {
  const people = core.peopleFrom([
    { id: 1, name: "甲", village: "v", town: "t", id_number_masked: "330283********0005", organization: { name: "o" }, days_overdue: 0 },
    { id: 2, name: "乙", village: "v", town: "t", id_number_masked: "330283********1234", organization: { name: "o" }, days_overdue: 4 },
  ]);
  assert.deepStrictEqual(people.map((p) => p.id), [2, 1]);
  assert.strictEqual(people[0].tail, "****1234");
  assert.ok(!JSON.stringify(people).includes("330283"));
});

test("the phone checks only that a date and a mode are given", () => {
  assert.deepStrictEqual(core.missing({ visit_date: "", mode: "" }), ["visit_date", "mode"]);
  assert.deepStrictEqual(core.missing(values), []);
});
