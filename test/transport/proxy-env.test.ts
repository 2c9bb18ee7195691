import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { PtaloadError } from '../../src/errors.js';
import { bypassesProxy, proxyFromEnv, redactProxyUri } from '../../src/transport/proxy-env.js';

const TARGET = 'https://login.microsoftonline.com/contoso.test/oauth2/v2.0/token';

describe('NO_PROXY matching', () => {
  const cases: Array<[string, string, boolean]> = [
    ['*', TARGET, true],
    ['login.microsoftonline.com', TARGET, true],
    ['microsoftonline.com', TARGET, true],
    ['.microsoftonline.com', TARGET, true],
    ['*.microsoftonline.com', TARGET, true],
    ['LOGIN.MicrosoftOnline.COM.', TARGET, true],
    ['onlinemicrosoftonline.com', 'https://xmicrosoftonline.com/', false],
    ['microsoftonline.com', 'https://notmicrosoftonline.com/', false],
    ['example.com, login.microsoftonline.com', TARGET, true],
    ['example.com  other.test', TARGET, false],
    ['login.microsoftonline.com:443', TARGET, true],
    ['login.microsoftonline.com:8443', TARGET, false],
    ['127.0.0.1', 'https://127.0.0.1:8443/x', true],
    ['127.0.0.1:8443', 'https://127.0.0.1:8443/x', true],
    ['127.0.0.1:9443', 'https://127.0.0.1:8443/x', false],
    ['10.0.0.0/8', 'https://10.1.2.3/x', true],
    ['10.0.0.0/8', 'https://11.1.2.3/x', false],
    ['0.0.0.1', 'https://10.0.0.1/x', false],
    ['::1', 'https://[::1]:8443/x', true],
    ['[::1]:8443', 'https://[::1]:8443/x', true],
    ['fd00::/8', 'https://[fd12::5]/x', true],
    ['', TARGET, false],
    [' , ,', TARGET, false],
  ];
  for (const [list, target, expected] of cases) {
    test(`'${list}' ${expected ? 'exempts' : 'does not exempt'} ${new URL(target).host}`, () => {
      assert.equal(bypassesProxy(list, target), expected);
    });
  }
});

describe('proxyFromEnv', () => {
  test('https targets use HTTPS_PROXY, lower case first; http targets HTTP_PROXY', () => {
    assert.deepEqual(proxyFromEnv({ HTTPS_PROXY: 'http://proxy.corp:3128' }, TARGET), {
      uri: 'http://proxy.corp:3128/',
    });
    assert.equal(
      proxyFromEnv({ https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2' }, TARGET)?.uri,
      'http://lower:1/',
    );
    assert.equal(proxyFromEnv({ HTTP_PROXY: 'http://p:1' }, TARGET), undefined);
    assert.equal(proxyFromEnv({ HTTP_PROXY: 'http://p:1' }, 'http://127.0.0.1:8080/')?.uri, 'http://p:1/');
    assert.equal(proxyFromEnv({}, TARGET), undefined);
    assert.equal(proxyFromEnv({ HTTPS_PROXY: '  ' }, TARGET), undefined);
  });

  test('a proxy without a scheme is taken as http://', () => {
    assert.equal(proxyFromEnv({ HTTPS_PROXY: 'proxy.corp:8080' }, TARGET)?.uri, 'http://proxy.corp:8080/');
  });

  test('NO_PROXY exempts, and is handed on otherwise', () => {
    assert.equal(
      proxyFromEnv({ HTTPS_PROXY: 'http://p:1', NO_PROXY: '.microsoftonline.com' }, TARGET),
      undefined,
    );
    assert.equal(proxyFromEnv({ HTTPS_PROXY: 'http://p:1', no_proxy: '*' }, TARGET), undefined);
    assert.deepEqual(proxyFromEnv({ HTTPS_PROXY: 'http://p:1', NO_PROXY: 'intranet.corp' }, TARGET), {
      uri: 'http://p:1/',
      noProxy: 'intranet.corp',
    });
  });

  test('a bad proxy setting is a clear error that names the variable, without its password', () => {
    assert.throws(
      () => proxyFromEnv({ HTTPS_PROXY: 'socks5://u:hunter2@p:1080' }, TARGET),
      (e: unknown) =>
        e instanceof PtaloadError && /HTTPS_PROXY/.test(e.message) && !e.message.includes('hunter2'),
    );
    assert.throws(
      () => proxyFromEnv({ HTTPS_PROXY: 'http://u:hunter2@[bad' }, TARGET),
      (e: unknown) =>
        e instanceof PtaloadError && /HTTPS_PROXY/.test(e.message) && !e.message.includes('hunter2'),
    );
  });

  test('redactProxyUri hides the password', () => {
    assert.equal(redactProxyUri('http://user:s3cret@proxy:3128/'), 'http://user:***@proxy:3128/');
    assert.equal(redactProxyUri('http://proxy:3128/'), 'http://proxy:3128/');
  });
});
