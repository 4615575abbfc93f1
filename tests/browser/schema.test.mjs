// The demo snapshot conforms to the published Run API schema (docs/api.schema.json).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { ROOT, API_DIR } from './harness.mjs';

const schema = JSON.parse(fs.readFileSync(path.join(ROOT, 'docs/api.schema.json'), 'utf8'));
const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addSchema(schema, 'api');
const validator = (def) => ajv.getSchema(`api#/$defs/${def}`);

function* files(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* files(p); else yield p;
  }
}

const kindOf = (rel) =>
  rel === 'environments.json' ? 'environmentsDocument'
    : rel.endsWith('/activity.json') || /\/activity\/\d{4}-\d{2}\.json$/.test(rel) ? 'activityDocument'
      : rel.includes('/runs/') ? 'runDocument'
        : rel.includes('/plans/') ? 'planDocument'
        : rel.startsWith('logs/') ? 'logDocument' : null;

// Validates every file under `dir` (but those `skip` names) against its
// schema definition; returns how many documents of each kind it saw.
function validateTree(dir, skip) {
  const counts = {};
  for (const file of files(dir)) {
    const rel = path.relative(dir, file).split(path.sep).join('/');
    if (skip(rel)) continue;
    const kind = kindOf(rel);
    assert.ok(kind, `unexpected file ${rel}`);
    const validate = validator(kind);
    const ok = validate(JSON.parse(fs.readFileSync(file, 'utf8')));
    assert.ok(ok, `${rel}: ${ajv.errorsText(validate.errors)}`);
    counts[kind] = (counts[kind] || 0) + 1;
  }
  return counts;
}

test('every file of the demo snapshot validates against docs/api.schema.json', () => {
  // runlens-gen's marker is not an API document.
  const counts = validateTree(API_DIR, (rel) => rel === '.runlens-gen');
  assert.equal(counts.environmentsDocument, 1);
  assert.equal(counts.activityDocument, 2);
  assert.equal(counts.runDocument, 29);
  assert.ok(counts.logDocument > 100);
});

test('every file of the store runlens-ingest wrote (tests/dbt/history/store) validates too', () => {
  const store = path.join(ROOT, 'tests/dbt/history/store');
  assert.ok(fs.existsSync(store), 'build and ingest tests/dbt/history first (scripts/test.sh does)');
  // The lock file is not an API document.
  const counts = validateTree(store, (rel) => path.basename(rel).startsWith('.'));
  assert.equal(counts.environmentsDocument, 1);
  assert.ok(counts.activityDocument >= 2, 'activity.json and its month page(s)');
  assert.equal(counts.runDocument, 3);
  assert.ok(counts.logDocument > 30);
});

test('the schema rejects what the contract forbids', () => {
  const run = validator('runDocument');
  assert.equal(run({ id: 'xyz', environment: 'prod', status: 'complete', start: '2026-11-20T00:00:00Z' }), false);
  assert.equal(run({ id: '0123456789abcdef0123456789abcdef', environment: 'prod', status: 'complete', start: 'yesterday' }), false);
  assert.equal(run({ id: '0123456789abcdef0123456789abcdef', environment: 'prod', status: 'brand_new_status', start: '2026-11-20T00:00:00Z', extra: 1 }), true);
});

// docs/events.schema.json: the run-event format (docs/events.md).
const eventSchema = JSON.parse(fs.readFileSync(path.join(ROOT, 'docs/events.schema.json'), 'utf8'));
const validateEvent = ajv.compile(eventSchema);

test('the example of docs/events.md validates against docs/events.schema.json; wrong events do not', () => {
  const md = fs.readFileSync(path.join(ROOT, 'docs/events.md'), 'utf8');
  const lines = md.split('\n').filter((l) => l.startsWith('{"type":'));
  assert.equal(lines.length, 6);
  for (const l of lines) assert.ok(validateEvent(JSON.parse(l)), `${l}: ${ajv.errorsText(validateEvent.errors)}`);
  const id = '5b1f0c2e9a7d4e3b8c6a1f0e2d3c4b5a';
  const at = '2026-11-29T02:00:00Z';
  assert.equal(validateEvent({ type: 'run_started', run_id: id, at }), false, 'run_started needs its environment');
  assert.equal(validateEvent({ type: 'execution_finished', run_id: id, at, model: 'a', status: 'done' }), false);
  assert.equal(validateEvent({ type: 'execution_teleported', run_id: id, at }), false);
  assert.equal(validateEvent({ type: 'plan_applied', plan_id: 'xyz', at, environment: 'prod' }), false);
  assert.equal(validateEvent({ type: 'model_skipped', run_id: id, at, model: 'a', reason: null, interval_start: null }), true);
});

test('the store the SQLMesh recorder kept live (tests/sqlmesh/store) validates too', () => {
  const store = path.join(ROOT, 'tests/sqlmesh/store');
  assert.ok(fs.existsSync(store), 'run tests/sqlmesh/build.sh with an ingest first (scripts/test.sh does)');
  // The lock file and the recorder's own events (.runlens-events/) are not API documents.
  const counts = validateTree(store, (rel) => rel.split('/').some((seg) => seg.startsWith('.')));
  assert.equal(counts.environmentsDocument, 1);
  assert.equal(counts.activityDocument, 2, 'activity.json and its month page');
  assert.equal(counts.runDocument, 3);
  assert.equal(counts.planDocument, 2);
  assert.equal(counts.logDocument, 18, 'the run log, 2 audit logs, 15 execution logs');
});

test('every event the SQLMesh recorder wrote validates against docs/events.schema.json', () => {
  const dirs = ['tests/sqlmesh/fixtures/events', 'tests/sqlmesh/out/events']
    .map((d) => path.join(ROOT, d))
    .filter((d) => fs.existsSync(d));
  let n = 0;
  const types = new Set();
  for (const dir of dirs) {
    for (const f of fs.readdirSync(dir).filter((f) => f.endsWith('.jsonl'))) {
      fs.readFileSync(path.join(dir, f), 'utf8').split('\n').filter((l) => l.trim()).forEach((l, i) => {
        const e = JSON.parse(l);
        assert.ok(validateEvent(e), `${f}:${i + 1}: ${ajv.errorsText(validateEvent.errors)}`);
        types.add(e.type);
        n += 1;
      });
    }
  }
  assert.ok(n > 50, `${n} events`);
  assert.deepEqual([...types].sort(), ['audit_result', 'execution_finished', 'execution_started',
    'executions_planned', 'model_skipped', 'plan_applied', 'run_finished', 'run_started']);
});
