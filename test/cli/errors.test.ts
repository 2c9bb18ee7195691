import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reportFailure } from '../../src/cli/fail.js';
import { EXIT, ProfileError, TargetError } from '../../src/errors.js';

test('a PtaloadError maps to its exit code', () => {
  const original = process.stderr.write;
  let written = '';
  process.stderr.write = ((chunk: string) => {
    written += chunk;
    return true;
  }) as typeof process.stderr.write;
  try {
    assert.equal(reportFailure(new ProfileError('profiles/x.yaml: phases[0].rate: bad')), EXIT.badInput);
    assert.equal(reportFailure(new TargetError('TARGET_UNREACHABLE', 'no route')), EXIT.target);
  } finally {
    process.stderr.write = original;
  }
  assert.match(written, /^ptaload: profiles\/x\.yaml: phases\[0\]\.rate: bad\n/);
  assert.doesNotMatch(written, /\bat .*\.ts:\d+/, 'no stack trace without PTALOAD_DEBUG');
});

test('anything else is an internal error: exit 70, says it is a bug and how to report it', () => {
  const original = process.stderr.write;
  let written = '';
  process.stderr.write = ((chunk: string) => {
    written += chunk;
    return true;
  }) as typeof process.stderr.write;
  let code: number;
  try {
    code = reportFailure(new TypeError("Cannot read properties of undefined (reading 'p99')"));
  } finally {
    process.stderr.write = original;
  }
  assert.equal(code, EXIT.internal);
  assert.equal(EXIT.internal, 70);
  assert.match(written, /^ptaload: internal error: Cannot read properties of undefined \(reading 'p99'\)\./);
  assert.match(written, /This is a bug in ptaload \d+\.\d+\.\d+/);
  assert.match(written, /report it .*PTALOAD_DEBUG=1/);
  assert.doesNotMatch(written, /\bat .*\.ts:\d+/, 'no stack trace without PTALOAD_DEBUG');
});
