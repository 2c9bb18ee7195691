import assert from 'node:assert/strict';
import { test } from 'node:test';
import { SignInRecord } from '../../src/sim/signin-record.js';

test('the sign-in record keeps the latest answers, newest first, found by correlation or request id', () => {
  const record = new SignInRecord(3);
  for (let i = 1; i <= 5; i++) {
    record.add({
      correlationId: `C-${i}`,
      requestId: `r-${i}`,
      at: 1000 + i,
      userPrincipalName: `u${i}@contoso.test`,
      status: i % 2 ? 400 : 200,
      errorCode: i % 2 ? 50126 : 0,
      ...(i === 4 ? { agent: 'agent-2', processingMs: 4.5 } : {}),
    });
  }
  assert.equal(record.count, 3, 'bounded');
  assert.deepEqual(
    record.find().map((e) => e.correlationId),
    ['C-5', 'C-4', 'C-3'],
  );
  assert.deepEqual(record.find({ correlationId: 'c-4' }), [
    {
      correlationId: 'C-4',
      requestId: 'r-4',
      at: 1004,
      userPrincipalName: 'u4@contoso.test',
      status: 200,
      errorCode: 0,
      agent: 'agent-2',
      processingMs: 4.5,
    },
  ]);
  assert.equal(record.find({ requestId: 'r-3' })[0]?.errorCode, 50126);
  assert.deepEqual(record.find({ correlationId: 'C-1' }), [], 'the oldest fell out');
  assert.equal(record.find({ limit: 1 }).length, 1);
});
