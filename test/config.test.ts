import { spawnSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, dkimSigning, loadConfig } from '../src/config.ts';

const ROOT = join(import.meta.dirname, '..');

describe('config', () => {
  it('applies defaults and picks the sandbox without Slack credentials', () => {
    const config = loadConfig({});
    expect(config.PORT).toBe(3000);
    expect(config.slackMode).toBe('sandbox');
    expect(config.HERALD_ROLE).toBe('all');
  });

  it('picks HTTP mode with signing secret and bot token, socket mode with an app token too', () => {
    const http = loadConfig({ SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxb-1' });
    expect(http.slackMode).toBe('http');
    expect(loadConfig({ SLACK_SIGNING_SECRET: 's', SLACK_BOT_TOKEN: 'xoxb-1', SLACK_APP_TOKEN: 'xapp-1' }).slackMode).toBe('socket');
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ DATABASE_URL: 'not a url' }, 'DATABASE_URL'],
    [{ DATABASE_URL: 'mysql://x@y/z' }, 'DATABASE_URL'],
    [{ SMTP_URL: 'http://mail' }, 'SMTP_URL'],
    [{ SLACK_BOT_TOKEN: 'xoxb-1' }, 'SLACK_SIGNING_SECRET'],
    [{ LOG_LEVEL: 'loud' }, 'LOG_LEVEL'],
  ])('rejects %o naming %s', (env, name) => {
    expect(() => loadConfig(env)).toThrow(ConfigError);
    expect(() => loadConfig(env)).toThrow(name);
  });

  describe('DKIM', () => {
    const pem = (type: 'rsa' | 'ed25519') =>
      generateKeyPairSync(type as 'rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const rsaKey = pem('rsa');
    const complete = { DKIM_DOMAIN: 'Herald.Example', DKIM_SELECTOR: 'herald1', DKIM_PRIVATE_KEY: rsaKey };

    it('signs with the domain, selector and key when all three are set, and not at all when none is', () => {
      expect(dkimSigning(loadConfig(complete))).toEqual({ domainName: 'herald.example', keySelector: 'herald1', privateKey: rsaKey });
      expect(dkimSigning(loadConfig({}))).toBeUndefined();
    });

    it('reads the key from DKIM_PRIVATE_KEY_FILE, or from one line with \\n escapes', () => {
      const file = join(mkdtempSync(join(tmpdir(), 'herald-dkim-')), 'dkim.pem');
      writeFileSync(file, rsaKey);
      expect(loadConfig({ ...complete, DKIM_PRIVATE_KEY: undefined, DKIM_PRIVATE_KEY_FILE: file }).DKIM_PRIVATE_KEY).toBe(rsaKey);
      expect(loadConfig({ ...complete, DKIM_PRIVATE_KEY: rsaKey.replaceAll('\n', '\\n') }).DKIM_PRIVATE_KEY).toBe(rsaKey);
    });

    it.each([
      [{ DKIM_DOMAIN: 'herald.example' }, 'missing DKIM_SELECTOR, DKIM_PRIVATE_KEY (or DKIM_PRIVATE_KEY_FILE)'],
      [{ DKIM_SELECTOR: 'herald1', DKIM_PRIVATE_KEY: rsaKey }, 'missing DKIM_DOMAIN'],
      [{ DKIM_DOMAIN: 'herald.example', DKIM_PRIVATE_KEY: rsaKey }, 'missing DKIM_SELECTOR'],
    ])('refuses a partial set, naming what is missing (%#)', (env, missing) => {
      expect(() => loadConfig(env)).toThrow(ConfigError);
      expect(() => loadConfig(env)).toThrow(missing);
    });

    it('refuses a key that does not parse, or is not RSA, without quoting it', () => {
      const garbled = rsaKey.replace(/^(.{40}).{8}/m, '$1AAAAAAAA');
      for (const key of ['not a key', garbled]) {
        const error = catchError(() => loadConfig({ ...complete, DKIM_PRIVATE_KEY: key }));
        expect(error).toBeInstanceOf(ConfigError);
        expect(error.message).toContain('DKIM_PRIVATE_KEY: not a private key');
        expect(error.message).not.toContain(key.split('\n')[1]?.slice(0, 20) ?? key);
      }
      expect(() => loadConfig({ ...complete, DKIM_PRIVATE_KEY: pem('ed25519') })).toThrow('DKIM_PRIVATE_KEY: the key is ed25519; DKIM signing needs an RSA key');
    });

    it('refuses a missing key file, and both a key and a key file', () => {
      expect(() => loadConfig({ ...complete, DKIM_PRIVATE_KEY: undefined, DKIM_PRIVATE_KEY_FILE: '/nonexistent/dkim.pem' }))
        .toThrow('DKIM_PRIVATE_KEY_FILE: cannot read /nonexistent/dkim.pem (ENOENT)');
      expect(() => loadConfig({ ...complete, DKIM_PRIVATE_KEY_FILE: '/etc/hostname' })).toThrow('not both');
    });
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT'],
    [{ DATABASE_URL: 'postgres//broken' }, 'DATABASE_URL'],
  ])('npm start with %o exits with one line naming %s, no stack trace', (env, name) => {
    const result = spawnSync(process.execPath, ['src/main.ts'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(name);
    expect(result.stderr).not.toMatch(/\n\s+at /);
  });
});

function catchError(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected an error');
}
