import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CorrelationIds } from '../../src/load/correlation-id.js';
import { WRONG_SUFFIX, wrongPassword } from '../../src/load/worker/credentials.js';
import { UserTable, userRange } from '../../src/load/worker/user-table.js';
import { formEncode } from '../../src/transport/form-encoding.js';
import { RopcRequest } from '../../src/transport/ropc-request.js';
import { generateUserColumns, generateUserTable } from '../../src/users/generate.js';
import { buildUserTable, UserTableBuilder } from '../../src/users/user-table.js';

const users = [
  { username: 'plain@contoso.test', password: 'Pa55word!', state: 'active' as const },
  { username: 'späce user+1@contoso.test', password: 'a b&c=d%e#f', state: 'active' as const },
  { username: 'émoji@contoso.test', password: 'π😀~*', state: 'mfa' as const },
];

test('a body from the shared table is byte for byte what RopcRequest.body makes, right or wrong password', () => {
  const data = buildUserTable(users);
  assert.ok(data.bytes instanceof SharedArrayBuffer, 'shared, not copied, across threads');
  const table = new UserTable(data);
  const ropc = new RopcRequest({
    tokenUrl: 'https://x.test/t/oauth2/v2.0/token',
    clientId: 'c',
    scope: 'openid profile',
    clientSecret: 's&t',
  });
  const prefix = ropc.prefixBytes();
  const wrongBytes = Buffer.from(formEncode(WRONG_SUFFIX));
  users.forEach((u, i) => {
    for (const wrong of [false, true]) {
      const body = Buffer.alloc(prefix.length + table.tailLength(i) + (wrong ? wrongBytes.length : 0));
      prefix.copy(body, 0);
      const at = table.copyTail(i, body, prefix.length);
      if (wrong) wrongBytes.copy(body, at);
      assert.equal(
        body.toString('latin1'),
        ropc.body(u.username, wrong ? wrongPassword(u.password) : u.password),
      );
    }
    assert.equal(table.username(i), u.username);
  });
});

test('a worker’s range is read from 0; ranges are disjoint and cover everyone', () => {
  const data = buildUserTable(users);
  const part = new UserTable(data, { from: 1, to: 3 });
  assert.equal(part.count, 2);
  assert.equal(part.username(0), users[1]!.username);
  const ranges = [0, 1, 2, 3].map((i) => userRange(10, i, 4));
  assert.deepEqual(
    ranges.map((r) => r.to - r.from),
    [2, 3, 2, 3],
  );
  for (let i = 1; i < ranges.length; i++) assert.equal(ranges[i]!.from, ranges[i - 1]!.to);
  assert.deepEqual(userRange(2, 3, 4), { from: 0, to: 2 }, 'fewer users than workers: everyone shares them');
});

test('generated users written straight into the table are byte for byte the table laid out from their columns', () => {
  for (const opts of [
    { count: 5000, domain: 'contoso.test', seed: 3, states: { disabled: 0.1, mfa: 0.05 } },
    { count: 7, domain: 'fabrikam.example', seed: 'x', prefix: 'pta.user-' },
  ]) {
    const direct = generateUserTable(opts);
    const laidOut = buildUserTable(generateUserColumns(opts));
    const end = new Uint32Array(laidOut.offsets)[opts.count]!;
    assert.equal(direct.count, opts.count);
    assert.equal(new Uint32Array(direct.offsets)[opts.count], end);
    assert.ok(Buffer.from(direct.bytes, 0, end).equals(Buffer.from(laidOut.bytes, 0, end)));
    assert.deepEqual(new Uint32Array(direct.nameEnds, 0, opts.count), new Uint32Array(laidOut.nameEnds));
    assert.equal(
      new UserTable(direct).username(opts.count - 1),
      generateUserColumns(opts).username(opts.count - 1),
    );
  }
});

test('a table sized for some users refuses one more rather than writing past its end', () => {
  const builder = new UserTableBuilder(1, 64);
  builder.push('a@contoso.test', 'pw');
  assert.throws(() => builder.push('b@contoso.test', 'pw'), RangeError);
  const tight = new UserTableBuilder(2, 20);
  assert.throws(() => tight.push('a@contoso.test', 'pw'), RangeError, 'bytes are checked before writing');
  assert.equal(tight.finish().count, 0);
});

test('correlation ids: a GUID per run and arrival number, found again from the id', () => {
  const ids = new CorrelationIds('20261201T100000Z-quickstart');
  const id = ids.of(123_456);
  assert.match(id, /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-00000001e240$/);
  assert.equal(ids.sequenceOf(id), 123_456);
  assert.equal(ids.sequenceOf(id.toUpperCase()), 123_456);
  assert.equal(new CorrelationIds('20261201T100000Z-quickstart').of(7), ids.of(7), 'deterministic');
  assert.notEqual(new CorrelationIds('another-run').of(7), ids.of(7), 'runs differ');
  assert.equal(new CorrelationIds('another-run').sequenceOf(id), undefined);
  assert.equal(ids.of(2 ** 48 - 1).slice(-12), 'ffffffffffff');
});
