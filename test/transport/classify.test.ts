import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { AADSTS, AADSTS_BY_CODE } from '../../src/protocol/aadsts.js';
import { explainConfigError, outcomeOfCode } from '../../src/transport/aadsts-outcomes.js';
import { classify, parseRetryAfter, scanErrorCode } from '../../src/transport/classify.js';
import { classifyError } from '../../src/transport/classify-error.js';
import { entraError, TOKEN_REPLY } from './reply-server.js';

const JSON_TYPE = { 'content-type': 'application/json; charset=utf-8' };

/** The code map of pta-facts.md and issue 11, written out by hand (not derived from the code under test). */
const EXPECTED: Record<number, string> = {
  50126: 'invalid_credentials',
  50034: 'user_not_found',
  80004: 'user_not_found',
  50053: 'locked',
  50057: 'disabled',
  80012: 'disabled',
  50055: 'password_expired',
  50144: 'password_expired',
  50076: 'mfa_required',
  50079: 'mfa_required',
  50072: 'mfa_required',
  50074: 'mfa_required',
  50078: 'mfa_required',
  50158: 'mfa_required',
  53003: 'ca_blocked',
  53000: 'ca_blocked',
  53001: 'ca_blocked',
  53002: 'ca_blocked',
  53004: 'ca_blocked',
  530032: 'ca_blocked',
  530035: 'ca_blocked',
  80001: 'pta_unavailable',
  80002: 'pta_timeout',
  80014: 'pta_timeout',
  80003: 'pta_error',
  80005: 'pta_error',
  80007: 'pta_error',
  80010: 'pta_error',
  80011: 'pta_error',
  80013: 'pta_error',
  50196: 'throttled',
  90055: 'throttled',
  90024: 'throttled',
  7000218: 'config_error',
  700016: 'config_error',
  90002: 'config_error',
  65001: 'config_error',
  70011: 'config_error',
  900144: 'config_error',
  90014: 'config_error',
  70003: 'config_error',
  9001023: 'config_error',
  700025: 'config_error',
  7000215: 'config_error',
  7000222: 'config_error',
  900561: 'config_error',
  500011: 'config_error',
  50059: 'config_error',
};

describe('classify: Entra replies', () => {
  for (const [code, outcome] of Object.entries(EXPECTED).map(([k, v]) => [Number(k), v] as const)) {
    test(`AADSTS${code} → ${outcome}`, () => {
      const entry = AADSTS_BY_CODE.get(code);
      assert.ok(entry, `AADSTS${code} is in the shared catalogue, so the sim can send it`);
      const body = JSON.stringify(entraError(code, entry.error, entry.message));
      const c = classify(entry.status, body, JSON_TYPE);
      assert.equal(c.outcome, outcome);
      assert.equal(c.code, code);
      assert.equal(outcomeOfCode(code), outcome);
    });
  }

  test('every code in the catalogue has its class in the table above', () => {
    const missing = Object.values(AADSTS)
      .map((e) => e.code)
      .filter((code) => EXPECTED[code] === undefined);
    assert.deepEqual(missing, []);
  });

  test('every configuration error has advice of its own', () => {
    for (const [code, outcome] of Object.entries(EXPECTED)) {
      if (outcome !== 'config_error') continue;
      assert.doesNotMatch(explainConfigError(Number(code)), /refused the request as misconfigured/, code);
    }
  });

  test('a token reply is a success, read or drained unread', () => {
    assert.equal(classify(200, JSON.stringify(TOKEN_REPLY), JSON_TYPE).outcome, 'success');
    assert.equal(classify(200, undefined, JSON_TYPE).outcome, 'success');
    assert.equal(classify(200, undefined).outcome, 'success');
  });

  test('a 200 that is not a token reply is `other`, with what it was', () => {
    const html = classify(200, '<html><body>Sign in to the proxy</body></html>', {
      'content-type': 'text/html',
    });
    assert.equal(html.outcome, 'other');
    assert.match(html.detail!, /text\/html.*Sign in to the proxy/);
    const noToken = classify(200, '{"hello":1}', JSON_TYPE);
    assert.equal(noToken.outcome, 'other');
    assert.match(noToken.detail!, /access_token/);
  });

  test('unknown codes are kept verbatim as `other`; unknown 8000x are PTA errors', () => {
    const c = classify(
      400,
      JSON.stringify(
        entraError(50199, 'invalid_grant', 'For security reasons, user confirmation is required.'),
      ),
    );
    assert.deepEqual({ outcome: c.outcome, code: c.code }, { outcome: 'other', code: 50199 });
    assert.match(c.detail!, /AADSTS50199: For security reasons/);
    assert.equal(classify(400, JSON.stringify(entraError(80099, 'invalid_grant', 'x'))).outcome, 'pta_error');
    assert.equal(outcomeOfCode(80099), 'pta_error');
    assert.equal(outcomeOfCode(81000), undefined);
  });

  test('the code is found when error_codes is missing or odd', () => {
    const descOnly = JSON.stringify({
      error: 'invalid_grant',
      error_description: 'AADSTS50053: locked.\r\nTrace ID: x',
    });
    assert.deepEqual(classify(400, descOnly), { outcome: 'locked', code: 50053 });
    const spaced = '{ "error_codes" : [\n 80002 ], "error":"invalid_grant"}';
    assert.equal(scanErrorCode(spaced), 80002);
    assert.equal(classify(400, spaced).outcome, 'pta_timeout');
    assert.equal(scanErrorCode('{"error_codes":[]}'), undefined);
    assert.equal(scanErrorCode('{"error":"x"}'), undefined);
  });

  test('OAuth config errors without a code are config errors', () => {
    const c = classify(400, '{"error":"unsupported_grant_type","error_description":"grant not supported"}');
    assert.deepEqual(c, { outcome: 'config_error', detail: 'unsupported_grant_type' });
    assert.equal(classify(401, '{"error":"invalid_client"}').outcome, 'config_error');
    assert.equal(classify(400, '{"error":"invalid_grant"}').outcome, 'other');
  });

  test('429 is throttled, with Retry-After in seconds', () => {
    assert.deepEqual(classify(429, '', { 'retry-after': '7' }), { outcome: 'throttled', retryAfterS: 7 });
    assert.deepEqual(classify(429, undefined), { outcome: 'throttled' });
    const now = Date.parse('2025-01-01T00:00:00Z');
    const c = classify(429, '{}', { 'retry-after': 'Wed, 01 Jan 2025 00:00:30 GMT' }, now);
    assert.equal(c.retryAfterS, 30);
  });

  test('5xx without a known code is http_5xx; odd 4xx are `other`; nothing throws', () => {
    const bad = classify(502, '<html>\n<h1>502   Bad Gateway</h1></html>', { 'content-type': 'text/html' });
    assert.equal(bad.outcome, 'http_5xx');
    assert.match(bad.detail!, /^HTTP 502: <html> <h1>502 Bad Gateway<\/h1><\/html>$/);
    assert.equal(classify(503, '').outcome, 'http_5xx');
    assert.deepEqual(classify(400, ''), { outcome: 'other', detail: 'HTTP 400, empty body' });
    assert.equal(classify(400, '{"error":"invalid_gr').outcome, 'other');
    assert.equal(classify(400, 'null').outcome, 'other');
    assert.equal(classify(404, 'Not Found').detail, 'HTTP 404: Not Found');
    assert.equal(classify(302, undefined).outcome, 'other');
    assert.ok(classify(400, 'x'.repeat(100_000)).detail!.length < 400, 'detail stays short');
  });

  test('a PTA code wins over a 5xx status', () => {
    assert.deepEqual(classify(503, JSON.stringify(entraError(80001, 'invalid_grant', 'x'))), {
      outcome: 'pta_unavailable',
      code: 80001,
    });
  });
});

describe('parseRetryAfter', () => {
  test('delta-seconds and HTTP-dates', () => {
    const now = Date.parse('2025-06-01T12:00:00Z');
    assert.equal(parseRetryAfter('120', now), 120);
    assert.equal(parseRetryAfter(' 0 ', now), 0);
    assert.equal(parseRetryAfter('Sun, 01 Jun 2025 12:00:05 GMT', now), 5);
    assert.equal(parseRetryAfter('Sun, 01 Jun 2025 11:00:00 GMT', now), 0, 'a date in the past means now');
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });
});

describe('explainConfigError', () => {
  test('tells the admin what to change', () => {
    assert.match(explainConfigError(7000218), /^AADSTS7000218: .*Allow public client flows.*clientSecretEnv/);
    assert.match(explainConfigError(700016), /target\.clientId/);
    assert.match(explainConfigError(90002), /target\.tenant/);
    assert.match(explainConfigError(65001), /admin consent/);
    assert.match(explainConfigError(70011), /target\.scope/);
    assert.match(explainConfigError('unsupported_grant_type'), /^unsupported_grant_type: .*password grant/);
    assert.match(explainConfigError(1234567), /AADSTS1234567.*error\?code=1234567/);
    assert.equal(explainConfigError({ outcome: 'config_error', code: 65001 }), explainConfigError(65001));
    const noCode = classify(400, '{"error":"unsupported_grant_type"}');
    assert.equal(explainConfigError(noCode), explainConfigError('unsupported_grant_type'));
  });

  test('every config code of the taxonomy has its own explanation', () => {
    for (const [code, outcome] of Object.entries(EXPECTED)) {
      if (outcome !== 'config_error') continue;
      assert.doesNotMatch(explainConfigError(Number(code)), /refused the request as misconfigured/, code);
    }
  });
});

describe('classifyError', () => {
  const err = (props: Record<string, unknown>) =>
    Object.assign(new Error(String(props.message ?? 'x')), props);

  test('time limits are client timeouts', () => {
    for (const code of ['UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']) {
      assert.equal(classifyError(err({ code })).outcome, 'client_timeout', code);
    }
    assert.equal(classifyError(new DOMException('t', 'TimeoutError')).outcome, 'client_timeout');
    assert.equal(classifyError(new DOMException('a', 'AbortError')).outcome, 'client_timeout');
  });

  test('everything else is a network error, with the code in the detail', () => {
    for (const code of [
      'ECONNREFUSED',
      'ECONNRESET',
      'EPIPE',
      'ENOTFOUND',
      'UND_ERR_SOCKET',
      'HPE_INVALID_CONSTANT',
    ]) {
      const c = classifyError(err({ code, message: `boom ${code}` }));
      assert.equal(c.outcome, 'network_error');
      assert.match(c.detail!, new RegExp(`^${code}: boom`));
    }
    assert.equal(classifyError('a string').outcome, 'network_error');
    assert.equal(classifyError(undefined).outcome, 'network_error');
    assert.equal(
      classifyError(err({ cause: { code: 'ECONNRESET' } })).detail?.startsWith('ECONNRESET'),
      true,
    );
  });

  test('a proxy refusing the tunnel is a network error, not a timeout', () => {
    const e = err({
      name: 'AbortError',
      code: 'UND_ERR_ABORTED',
      message: 'Proxy response (403) !== 200 when HTTP Tunneling',
    });
    assert.equal(classifyError(e).outcome, 'network_error');
  });

  test('an untrusted certificate says how to trust it', () => {
    const c = classifyError(err({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' }));
    assert.equal(c.outcome, 'network_error');
    assert.match(c.detail!, /NODE_EXTRA_CA_CERTS/);
  });
});
