import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../../src/db/embedded.ts';
import { DESKTOP_CHROME, launchBrowser, type Browser } from '../../helpers/browser.ts';
import { freshDatabase, type TestDatabase } from '../../helpers/db.ts';
import { startHeraldProcess, type HeraldProcess } from '../../helpers/herald-process.ts';

/*
 * The README's walkthrough, done by a person in the sandbox: only clicks and typing in
 * chromium, against `node src/main.ts` without Slack credentials. Screenshots of every
 * step go to artifacts/.
 */

const ROOT = join(import.meta.dirname, '..', '..', '..');
const ARTIFACTS = join(ROOT, 'artifacts');
const CONTACTS_CSV = join(ROOT, 'examples', 'contacts.csv');
const READY = 'try Herald in the sandbox at';

let database: TestDatabase;
let dataDir: string;
let herald: HeraldProcess;
let browser: Browser;
let page: Page;
let shot = 0;

async function screenshot(name: string, target: Page = page) {
  shot += 1;
  await target.screenshot({ path: join(ARTIFACTS, `walkthrough-${String(shot).padStart(2, '0')}-${name}.png`) });
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
const field = (blockId: string) => modal().locator(`[data-block-id="${blockId}"]`).locator('input, textarea, select').first();
const message = (text: string | RegExp) => page.locator('.msg', { hasText: text }).last();
const card = () => message('Campaign: Spring sale');

async function submitModal() {
  await modal().locator('[data-modal="submit"]').click();
  await modal().waitFor({ state: 'detached' });
}

/** The numbers `/herald stats` posts in the channel, as a person reads them. */
async function postedStats(): Promise<Locator> {
  const before = await page.locator('.msg', { hasText: 'Stats · Spring sale' }).count();
  await type('/herald stats "Spring sale"');
  await expect.poll(() => page.locator('.msg', { hasText: 'Stats · Spring sale' }).count(), { timeout: 10_000 }).toBe(before + 1);
  return page.locator('.msg', { hasText: 'Stats · Spring sale' }).last();
}

beforeAll(async () => {
  database = await freshDatabase();
  dataDir = await mkdtemp(join(tmpdir(), 'herald-walkthrough-'));
  herald = await startHeraldProcess(
    {
      DATABASE_URL: database.url,
      DATA_DIR: dataDir,
      PORT: String(await freePort()),
      // a person reads the email seconds after it was sent; the scanner window would call that a machine
      TRACKING_SCANNER_WINDOW_SECONDS: '0',
    },
    READY,
  );
  browser = await launchBrowser({ userAgent: DESKTOP_CHROME });
  page = browser.page;
  await mkdir(ARTIFACTS, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await herald?.stop();
  await database?.drop();
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

describe('the sandbox walkthrough', () => {
  it('creates a list, imports the sample CSV, drafts, approves as a second member, sends, and shows a click in the stats', async () => {
    await page.goto(`http://127.0.0.1:${herald.port}/sandbox`);
    await message('Welcome to the Herald sandbox').waitFor();

    // 1. a list
    await type('/herald list create');
    await modal().waitFor();
    await field('name').fill('Newsletter');
    await submitModal();
    await message('Created the list Newsletter').waitFor();
    await screenshot('list');

    // 2. the sample CSV, dropped in the channel, then imported
    const chooser = page.waitForEvent('filechooser');
    await page.locator('label.attach').click();
    await (await chooser).setFiles(CONTACTS_CSV);
    await page.locator('.msg .file', { hasText: 'contacts.csv' }).waitFor();
    await type('/herald import Newsletter');
    await message('Dry run of contacts.csv').locator('button', { hasText: 'Review and import' }).click();
    await modal().waitFor();
    await screenshot('import-mapping');
    await submitModal();
    await message(/Imported contacts\.csv into “Newsletter”: 6 new/).waitFor();

    // 3. a template
    await type('/herald template create');
    await modal().waitFor();
    await field('name').fill('Spring');
    await field('subject').fill('Spring news for {{first_name}}');
    await field('html').fill('<p>Hi {{first_name}}, read <a href="https://example.com/spring">our spring news</a>.</p>');
    await submitModal();
    await message('Saved the template Spring').waitFor();

    // 4. a draft campaign, and Ann asks for approval
    await type('/herald campaign new');
    await modal().waitFor();
    await field('name').fill('Spring sale');
    await field('template').selectOption({ label: 'Spring' });
    await field('from_email').fill('news@example.com');
    await field('lists').selectOption({ label: 'Newsletter' });
    await screenshot('campaign-form');
    await submitModal();
    await card().locator('button', { hasText: 'Request approval' }).click();
    await card().getByText('Waiting for approval').waitFor();
    await screenshot('approval-requested');

    // 5. Ben, the approver, reviews and approves in the modal
    await actAs('Ben');
    await card().locator('button', { hasText: 'Review & approve' }).click();
    await modal().waitFor();
    await modal().getByText('Recipients: 6 unique').waitFor();
    await modal().locator('label', { hasText: 'Approve' }).click();
    await screenshot('approval-modal');
    await submitModal();
    await card().getByText('approved by @Ben Approver').waitFor();

    // 6. sent now, after the confirmation dialog
    await card().locator('button', { hasText: 'Send now' }).click();
    await page.locator('#confirm-root button', { hasText: 'Yes' }).click();
    await card().getByText(/Status:.*Sent/).waitFor({ timeout: 60_000 });
    await card().getByText('6 of 6 sent').waitFor();
    const before = await postedStats();
    expect(await before.innerText()).toMatch(/Unique clicks\s*0 \(0\.0 %\)/);
    await screenshot('sent');

    // 7. the outbox: reading an email opens it, clicking its link is a click
    const outboxTab = page.context().waitForEvent('page');
    await page.locator('a.outbox-link').click();
    const outbox = await outboxTab;
    await outbox.locator('table.outbox a', { hasText: 'Spring news for Ada' }).click();
    await outbox.locator('h1', { hasText: 'Spring news for Ada' }).waitFor();
    const email = outbox.frameLocator('iframe.email-frame');
    const linkTab = page.context().waitForEvent('page');
    await email.locator('a', { hasText: 'our spring news' }).click();
    const destination = await linkTab;
    await screenshot('outbox-email', outbox);
    expect(destination.url()).not.toContain('/sandbox');

    // 8. the stats in the channel moved
    await page.bringToFront();
    await expect
      .poll(async () => (await postedStats()).innerText(), { timeout: 30_000, interval: 1_000 })
      .toMatch(/Unique clicks\s*1 \(16\.7 %\)/);
    expect(await (await postedStats()).innerText()).toMatch(/Unique opens\s*1 \(16\.7 %\)/);
    await screenshot('stats-after-click');

    // 9. the unsubscribe link works too, and the header offers the same link
    await outbox.bringToFront();
    await outbox.locator('a', { hasText: 'All emails' }).click();
    await outbox.locator('table.outbox a', { hasText: 'Spring news for Grace' }).click();
    const headerLink = await outbox.locator('a', { hasText: 'Unsubscribe (List-Unsubscribe)' }).getAttribute('href');
    expect(headerLink).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${herald.port}/u/`));
    const unsubscribeTab = page.context().waitForEvent('page');
    await outbox.frameLocator('iframe.email-frame').locator('a', { hasText: 'Unsubscribe' }).click();
    const unsubscribe = await unsubscribeTab;
    await unsubscribe.locator('button', { hasText: 'Unsubscribe' }).click();
    await unsubscribe.getByText('will not receive these emails any more').waitFor();
    await page.bringToFront();
    expect(await (await postedStats()).innerText()).toMatch(/Unsubscribes\s*1/);

    // the campaign's thread tells the story
    await card().locator('.thread-link').click();
    await page.locator('#thread-messages .msg').first().waitFor();
    await screenshot('campaign-thread');
  }, 240_000);
});
