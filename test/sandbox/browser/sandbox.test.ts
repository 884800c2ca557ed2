import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.ts';
import { freePort } from '../../../src/db/embedded.ts';
import { assertSandboxAllowed, SandboxRefused, sandboxConfig } from '../../../src/sandbox/index.ts';
import { launchBrowser, type Browser } from '../../helpers/browser.ts';
import { freshDatabase, type TestDatabase } from '../../helpers/db.ts';
import { startHeraldProcess, type HeraldProcess } from '../../helpers/herald-process.ts';

export const ARTIFACTS = join(import.meta.dirname, '..', '..', '..', 'artifacts');
const READY = 'try Herald in the sandbox at';

let database: TestDatabase;
let dataDir: string;
let port: number;
let herald: HeraldProcess;
let browser: Browser;
let page: Page;

function sandboxEnv(): Record<string, string> {
  // HOST asks for every interface: the sandbox must ignore that and stay on loopback
  return { DATABASE_URL: database.url, DATA_DIR: dataDir, PORT: String(port), HOST: '0.0.0.0' };
}

async function type(text: string) {
  await page.fill('#message', text);
  await page.press('#message', 'Enter');
}

async function actAs(firstName: string) {
  const value = await page.locator('#member option', { hasText: firstName }).getAttribute('value');
  await page.selectOption('#member', value ?? '');
}

const modal = () => page.locator('#modal-root .modal');

beforeAll(async () => {
  database = await freshDatabase();
  dataDir = await mkdtemp(join(tmpdir(), 'herald-sandbox-ui-'));
  port = await freePort();
  herald = await startHeraldProcess(sandboxEnv(), READY);
  browser = await launchBrowser();
  page = browser.page;
  await mkdir(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await herald?.stop();
  await database?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('the sandbox without Slack credentials', () => {
  it('prints its URL and listens on 127.0.0.1 only, whatever HOST says', async () => {
    const url = `http://127.0.0.1:${port}/sandbox`;
    expect(herald.output()).toContain(`${READY} ${url}`);
    expect(herald.output()).toContain('"host":"127.0.0.1"');
    expect((await fetch(url)).status).toBe(200);
    const outside = Object.values(networkInterfaces()).flat().find((a) => a && !a.internal);
    if (outside) {
      const host = outside.family === 'IPv6' ? `[${outside.address}]` : outside.address;
      await expect(fetch(`http://${host}:${port}/sandbox`)).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } });
    }
  });

  it('sends a typed /herald command to the app and shows its answer, to the member who typed it', async () => {
    await page.goto(`http://127.0.0.1:${port}/sandbox`);
    const welcome = page.locator('.msg', { hasText: 'Welcome to the Herald sandbox' });
    await welcome.waitFor();
    expect(await welcome.count()).toBe(1);
    await type('/herald help');
    const answer = page.locator('.msg-ephemeral', { hasText: 'Here is what /herald can do' });
    await answer.waitFor();
    expect(await answer.innerText()).toContain('Only visible to you');
  });

  it('shows a field error under the input when the app rejects a modal submission, as Slack does', async () => {
    await type('/herald list create');
    await modal().waitFor();
    await modal().locator('[data-modal="submit"]').click();
    const required = modal().locator('[data-error-for="name"]');
    await required.waitFor({ state: 'visible' });
    expect(await required.innerText()).toBe('Please complete this required field.');

    await modal().locator('[data-block-id="name"] input').fill('Newsletter');
    await modal().locator('[data-modal="submit"]').click();
    await modal().waitFor({ state: 'detached' });
    await page.locator('.msg', { hasText: 'Created the list Newsletter' }).waitFor();

    await type('/herald list create');
    await modal().waitFor();
    await modal().locator('[data-block-id="name"] input').fill('newsletter');
    await modal().locator('[data-modal="submit"]').click();
    const error = modal().locator('[data-error-for="name"]');
    await error.waitFor({ state: 'visible' });
    expect(await error.innerText()).toMatch(/newsletter/i);
    expect(await error.innerText()).not.toBe('Please complete this required field.');
    await page.screenshot({ path: join(ARTIFACTS, 'sandbox-field-error.png') });
    await modal().locator('.modal-x').click();
    await modal().waitFor({ state: 'detached' });
  });

  it('switches between members: each sees their own ephemeral answers and acts with their own role', async () => {
    await actAs('Ben');
    await page.locator('.msg', { hasText: 'Created the list Newsletter' }).waitFor({ state: 'detached' });
    await type('/herald members');
    const members = page.locator('.msg-ephemeral', { hasText: 'Ben Approver' }).last();
    await members.waitFor();
    expect(await members.innerText()).toMatch(/approver/);
    await type('/herald role @cara admin');
    await page.locator('.msg-ephemeral', { hasText: /only admins/i }).waitFor();
    await actAs('Ann');
    await page.locator('.msg', { hasText: 'Created the list Newsletter' }).waitFor();
  });

  it('keeps its state across a restart (it lives in the database)', async () => {
    expect(await herald.stop()).toBe(0);
    herald = await startHeraldProcess(sandboxEnv(), READY);
    await page.reload();
    await page.locator('.msg', { hasText: 'Created the list Newsletter' }).waitFor();
    expect(await page.locator('.msg', { hasText: 'Welcome to the Herald sandbox' }).count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'sandbox-after-restart.png') });
  });
});

describe('with Slack credentials', () => {
  it('refuses to create a sandbox, and a Herald started with them serves none', async () => {
    const credentials = { SLACK_BOT_TOKEN: 'xoxb-real', SLACK_SIGNING_SECRET: 'real-secret', PORT: '0' };
    expect(() => assertSandboxAllowed(loadConfig(credentials))).toThrow(SandboxRefused);
    await expect(sandboxConfig(loadConfig(credentials))).rejects.toThrow(/only runs without Slack credentials/);

    const slackPort = await freePort();
    const other = await freshDatabase();
    const production = await startHeraldProcess(
      { ...credentials, DATABASE_URL: other.url, DATA_DIR: dataDir, PORT: String(slackPort), HOST: '127.0.0.1' },
      'Herald listening on',
    );
    try {
      expect((await fetch(`http://127.0.0.1:${slackPort}/healthz`)).status).toBe(200);
      expect((await fetch(`http://127.0.0.1:${slackPort}/sandbox`)).status).toBe(404);
      expect((await fetch(`http://127.0.0.1:${slackPort}/sandbox/api/auth.test`, { method: 'POST' })).status).toBe(404);
      expect(production.output()).not.toContain(READY);
    } finally {
      await production.stop();
      await other.drop();
    }
  });
});
