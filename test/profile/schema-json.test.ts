import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { profileJsonSchema, SCHEMA_FILE } from '../../src/profile/schema-json.js';

test('the committed profiles/profile.schema.json is exactly what the schema generates', async () => {
  const committed = await readFile(SCHEMA_FILE, 'utf8');
  assert.equal(committed, profileJsonSchema(), 'regenerate it: node --import tsx src/profile/schema-json.ts');
});

test('the JSON Schema describes the input side: "90s" strings, defaults optional', () => {
  const schema = JSON.parse(profileJsonSchema());
  assert.deepEqual(schema.required, ['name', 'load']);
  const phase = schema.properties.load.properties.phases.items.oneOf.find(
    (s: { properties: { shape: { const: string } } }) => s.properties.shape.const === 'constant',
  );
  assert.deepEqual(
    phase.properties.duration.anyOf.map((s: { type: string }) => s.type),
    ['number', 'string'],
  );
  assert.ok(new RegExp(phase.properties.duration.anyOf[1].pattern).test('1m30s'));
  assert.ok(new RegExp(phase.properties.rate.anyOf[1].pattern).test('200/s'));
  assert.equal(schema.properties.load.properties.interval.default, '1s');
  assert.equal(schema.properties.load.additionalProperties, false);
});
