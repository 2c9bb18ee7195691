import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  matches,
  ODataError,
  parseSignInFilter,
  readSkipToken,
  skipToken,
} from '../../src/sim/graph-odata.js';
import { signInsUrl } from '../../src/targets/entra/graph-signins.js';

const entry = {
  createdMs: Date.parse('2026-12-01T08:00:30Z'),
  appId: 'APP',
  correlationId: 'c-1',
  userPrincipalName: 'u@contoso.test',
  eventType: 'nonInteractiveUser',
};

test("the harness's own query parses, and selects by window, app and event type", () => {
  const url = signInsUrl('https://127.0.0.1:1', {
    fromIso: '2026-12-01T08:00:00.000Z',
    toIso: '2026-12-01T08:01:00.000Z',
    appId: 'app',
  });
  const f = parseSignInFilter(url.searchParams.get('$filter'));
  assert.deepEqual(f.eventTypes, ['interactiveUser', 'nonInteractiveUser']);
  assert.equal(matches(f, entry, ['interactiveUser']), true, 'app ids compare case-insensitively');
  assert.equal(matches(f, { ...entry, createdMs: Date.parse('2026-12-01T08:01:00.001Z') }, []), false);
  assert.equal(matches(f, { ...entry, appId: 'other' }, []), false);
  assert.equal(
    matches({}, entry, ['interactiveUser']),
    false,
    'without signInEventTypes only interactive sign-ins',
  );
});

test('unsupported clauses and tokens are refused as Graph refuses them', () => {
  assert.throws(() => parseSignInFilter("startswith(userPrincipalName,'u')"), ODataError);
  assert.throws(() => readSkipToken('not-a-token'), /Invalid \$skiptoken/);
  assert.equal(readSkipToken(skipToken(2000)), 2000);
  assert.deepEqual(
    parseSignInFilter("correlationId eq 'C-1' and createdDateTime gt 2026-12-01T08:00:00Z").correlationId,
    'C-1',
  );
});
