import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.ts';
import { freePort } from '../../../src/db/embedded.ts';
import { assertSandboxAllowed, SandboxRefused, sandboxConfig } from '../../../src/sandbox/index.ts';
import { freshDatabase } from '../../helpers/db.ts';
import { startHeraldProcess } from '../../helpers/herald-process.ts';
import { ARTIFACTS, openSandboxSession, READY, ROOT, type SandboxSession } from './session.ts';

let sandbox: SandboxSession;
let page: Page;

beforeAll(async () => {
  // HOST asks for every interface: the sandbox must ignore that and stay on loopback
  sandbox = await openSandboxSession({ env: { HOST: '0.0.0.0' } });
  page = sandbox.page;
});

afterAll(async () => {
  await sandbox?.close();
});

describe('the sandbox without Slack credentials', () => {
  it('prints its URL and listens on 127.0.0.1 only, whatever HOST says', async () => {
    const { url, port } = sandbox;
    expect(sandbox.herald().output()).toContain(`${READY} ${url}`);
    expect(sandbox.herald().output()).toContain('"host":"127.0.0.1"');
    expect((await fetch(url)).status).toBe(200);
    const outside = Object.values(networkInterfaces()).flat().find((a) => a && !a.internal);
    if (outside) {
      const host = outside.family === 'IPv6' ? `[${outside.address}]` : outside.address;
      await expect(fetch(`http://${host}:${port}/sandbox`)).rejects.toMatchObject({ cause: { code: 'ECONNREFUSED' } });
    }
  });

  it('sends a typed /herald command to the app and shows its answer, to the member who typed it', async () => {
    await page.goto(sandbox.url);
    const welcome = page.locator('.msg', { hasText: 'Welcome to the Herald sandbox' });
    await welcome.waitFor();
    expect(await welcome.count()).toBe(1);
    await sandbox.type('/herald help');
    const answer = page.locator('.msg-ephemeral', { hasText: 'Here is what /herald can do' });
    await answer.waitFor();
    expect(await answer.innerText()).toContain('Only visible to you');
  });

  it('shows a field error under the input when the app rejects a modal submission, as Slack does', async () => {
    await sandbox.type('/herald list create');
    await sandbox.modal().waitFor();
    await sandbox.modal().locator('[data-modal="submit"]').click();
    const required = sandbox.modal().locator('[data-error-for="name"]');
    await required.waitFor({ state: 'visible' });
    expect(await required.innerText()).toBe('Please complete this required field.');

    await sandbox.modal().locator('[data-block-id="name"] input').fill('Newsletter');
    await sandbox.modal().locator('[data-modal="submit"]').click();
    await sandbox.modal().waitFor({ state: 'detached' });
    await page.locator('.msg', { hasText: 'Created the list Newsletter' }).waitFor();

    await sandbox.type('/herald list create');
    await sandbox.modal().waitFor();
    await sandbox.modal().locator('[data-block-id="name"] input').fill('newsletter');
    await sandbox.modal().locator('[data-modal="submit"]').click();
    const error = sandbox.modal().locator('[data-error-for="name"]');
    await error.waitFor({ state: 'visible' });
    expect(await error.innerText()).toMatch(/newsletter/i);
    expect(await error.innerText()).not.toBe('Please complete this required field.');
    await page.screenshot({ path: join(ARTIFACTS, 'sandbox-field-error.png') });
    await sandbox.modal().locator('.modal-x').click();
    await sandbox.modal().waitFor({ state: 'detached' });
  });

  it('opens the App Home tab: app_home_opened reaches the app, and the view it publishes is shown', async () => {
    await page.locator('[data-channel-link="home"]').click();
    const home = page.locator('#home .home');
    await home.waitFor();
    expect(await home.innerText()).toMatch(/You are admin of this workspace’s account\.\s+1 lists/);
    // manifest.yml makes the Messages tab read-only: Slack shows a note where the message box would be
    await page.locator('[data-tab="messages"]').click();
    await page.locator('#messages-tab-off').waitFor({ state: 'visible' });
    expect(await page.locator('#messages-tab-off').innerText()).toBe('Sending messages to this app has been turned off.');
    expect(await page.locator('#composer').isVisible()).toBe(false);
    await page.locator('[data-tab="home"]').click();
    await page.locator('[data-channel-link="C0MARKETING"]').click();
    await page.locator('#timeline').waitFor({ state: 'visible' });
    await page.locator('#composer').waitFor({ state: 'visible' });
    expect(await page.locator('#messages-tab-off').isVisible()).toBe(false);
  });

  it('shares a file dropped on the channel, and runs message shortcuts on its message', async () => {
    const csv = await readFile(join(ROOT, 'examples', 'contacts.csv'), 'utf8');
    const dropped = await page.evaluateHandle((text) => {
      const transfer = new (globalThis as any).DataTransfer();
      transfer.items.add(new File([text], 'contacts.csv', { type: 'text/csv' }));
      return transfer;
    }, csv);
    await page.dispatchEvent('#channel', 'drop', { dataTransfer: dropped });
    const fileMessage = page.locator('#timeline .msg', { has: page.locator('.file', { hasText: 'contacts.csv' }) }).last();
    await fileMessage.hover();
    await fileMessage.locator('[data-message-shortcut]', { hasText: 'Import CSV into Herald' }).click();
    await sandbox.modal().waitFor();
    await sandbox.modal().locator('select').selectOption({ label: 'Newsletter' });
    await sandbox.modal().locator('[data-modal="submit"]').click();
    await page.locator('.msg', { hasText: 'Dry run of contacts.csv into Newsletter' }).waitFor();

    await fileMessage.hover();
    await fileMessage.locator('.msg-menu-item', { hasText: 'Reply in thread' }).click();
    await page.fill('#thread-message', 'This is the March export');
    await page.press('#thread-message', 'Enter');
    await page.locator('#thread-messages .msg', { hasText: 'This is the March export' }).waitFor();
    await fileMessage.locator('.thread-link', { hasText: '1 reply' }).waitFor();
    await page.locator('#close-thread').click();
  });

  it('switches between members: each sees their own ephemeral answers and acts with their own role', async () => {
    await sandbox.actAs('Ben');
    await page.locator('.msg', { hasText: 'Created the list Newsletter' }).waitFor({ state: 'detached' });
    await sandbox.type('/herald members');
    const members = page.locator('.msg-ephemeral', { hasText: 'Ben Approver' }).last();
    await members.waitFor();
    expect(await members.innerText()).toMatch(/approver/);
    await sandbox.type('/herald role @cara admin');
    await page.locator('.msg-ephemeral', { hasText: /only admins/i }).waitFor();
    await sandbox.actAs('Ann');
    await page.locator('.msg', { hasText: 'Created the list Newsletter' }).waitFor();
  });

  it('keeps its state across a restart (it lives in the database)', async () => {
    expect(await sandbox.restart()).toBe(0);
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
    const dataDir = await mkdtemp(join(tmpdir(), 'herald-with-slack-'));
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
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
