import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DESKTOP_CHROME } from '../../helpers/browser.ts';
import { ARTIFACTS, openSandboxSession, ROOT, type SandboxSession } from './session.ts';

/*
 * The README's walkthrough, done by a person in the sandbox: only clicks and typing in
 * chromium, against `node src/main.ts` without Slack credentials. Screenshots of every
 * step go to artifacts/.
 */

const CONTACTS_CSV = join(ROOT, 'examples', 'contacts.csv');

let sandbox: SandboxSession;
let page: Page;
let shot = 0;

async function screenshot(name: string, target: Page = page) {
  shot += 1;
  await target.screenshot({ path: join(ARTIFACTS, `walkthrough-${String(shot).padStart(2, '0')}-${name}.png`) });
}

const card = () => sandbox.message('Campaign: Spring sale');

async function submitModal() {
  await sandbox.modal().locator('[data-modal="submit"]').click();
  await sandbox.modal().waitFor({ state: 'detached' });
}

/** The numbers `/herald stats` posts in the channel, as a person reads them. */
async function postedStats(): Promise<Locator> {
  const stats = page.locator('.msg', { hasText: 'Stats · Spring sale' });
  const before = await stats.count();
  await sandbox.type('/herald stats "Spring sale"');
  await expect.poll(() => stats.count(), { timeout: 10_000 }).toBe(before + 1);
  return stats.last();
}

beforeAll(async () => {
  sandbox = await openSandboxSession({
    // a person reads the email seconds after it was sent; the scanner window would call that a machine
    env: { TRACKING_SCANNER_WINDOW_SECONDS: '0' },
    // and reads it in a desktop browser: tracking counts "HeadlessChrome" as a machine
    userAgent: DESKTOP_CHROME,
  });
  page = sandbox.page;
});

afterAll(async () => {
  await sandbox?.close();
});

describe('the sandbox walkthrough', () => {
  it('creates a list, imports the sample CSV, drafts, approves as a second member, sends, and shows a click in the stats', async () => {
    await page.goto(sandbox.url);
    await sandbox.message('Welcome to the Herald sandbox').waitFor();

    // 1. a list
    await sandbox.type('/herald list create');
    await sandbox.modal().waitFor();
    await sandbox.field('name').fill('Newsletter');
    await submitModal();
    await sandbox.message('Created the list Newsletter').waitFor();
    await screenshot('list');

    // 2. the sample CSV, dropped in the channel, then imported
    const chooser = page.waitForEvent('filechooser');
    await page.locator('label.attach').click();
    await (await chooser).setFiles(CONTACTS_CSV);
    await page.locator('.msg .file', { hasText: 'contacts.csv' }).waitFor();
    await sandbox.type('/herald import Newsletter');
    await sandbox.message('Dry run of contacts.csv').locator('button', { hasText: 'Review and import' }).click();
    await sandbox.modal().waitFor();
    await screenshot('import-mapping');
    await submitModal();
    await sandbox.message(/Imported contacts\.csv into “Newsletter”: 6 new/).waitFor();

    // 3. a template
    await sandbox.type('/herald template create');
    await sandbox.modal().waitFor();
    await sandbox.field('name').fill('Spring');
    await sandbox.field('subject').fill('Spring news for {{first_name}}');
    await sandbox.field('html').fill('<p>Hi {{first_name}}, read <a href="https://example.com/spring">our spring news</a>.</p>');
    await submitModal();
    await sandbox.message('Saved the template Spring').waitFor();

    // 4. a draft campaign, and Ann asks for approval
    await sandbox.type('/herald campaign new');
    await sandbox.modal().waitFor();
    await sandbox.field('name').fill('Spring sale');
    await sandbox.field('template').selectOption({ label: 'Spring' });
    await sandbox.field('from_email').fill('news@example.com');
    await sandbox.field('lists').selectOption({ label: 'Newsletter' });
    await screenshot('campaign-form');
    await submitModal();
    await card().locator('button', { hasText: 'Request approval' }).click();
    await card().getByText('Waiting for approval').waitFor();
    await screenshot('approval-requested');

    // 5. Ben, the approver, reviews and approves in the modal
    await sandbox.actAs('Ben');
    await card().locator('button', { hasText: 'Review & approve' }).click();
    await sandbox.modal().waitFor();
    await sandbox.modal().getByText('Recipients: 6 unique').waitFor();
    await sandbox.modal().locator('label', { hasText: 'Approve' }).click();
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
    expect(headerLink).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${sandbox.port}/u/`));
    const unsubscribeTab = page.context().waitForEvent('page');
    await outbox.frameLocator('iframe.email-frame').locator('a', { hasText: 'Unsubscribe' }).click();
    const unsubscribe = await unsubscribeTab;
    await unsubscribe.locator('button', { hasText: 'Unsubscribe' }).click();
    await unsubscribe.getByText('will not receive these emails any more').waitFor();
    await page.bringToFront();
    expect(await (await postedStats()).innerText()).toMatch(/Unsubscribes\s*1/);

    // the campaign's thread tells the story (clicked again if a card refresh re-rendered the timeline under the click)
    const threadShown = async () => {
      await card().locator('.thread-link').click();
      return page.locator('#thread-messages .msg').first().waitFor({ timeout: 5_000 }).then(() => true, () => false);
    };
    await expect.poll(threadShown, { timeout: 60_000, interval: 500 }).toBe(true);
    await screenshot('campaign-thread');
  }, 240_000);
});
