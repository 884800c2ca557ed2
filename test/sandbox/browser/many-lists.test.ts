import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runStatement } from '../../../src/db/admin.ts';
import { openSandboxSession, type SandboxSession } from './session.ts';

/** More lists than a Slack select holds: the sandbox page searches them through the app, as Slack does. */

let sandbox: SandboxSession;
let page: Page;

beforeAll(async () => {
  sandbox = await openSandboxSession();
  page = sandbox.page;
});

afterAll(async () => {
  await sandbox?.close();
});

async function submitModal() {
  await sandbox.modal().locator('[data-modal="submit"]').click();
  await sandbox.modal().waitFor({ state: 'detached' });
}

describe('the sandbox with 150 lists', () => {
  it('preselects and searches lists beyond the first 100, keeping the picked ones across a view update', async () => {
    await page.goto(sandbox.url);
    await sandbox.message('Welcome to the Herald sandbox').waitFor();
    await sandbox.type('/herald help');
    await page.locator('.msg-ephemeral', { hasText: 'Here is what /herald can do' }).waitFor();
    await runStatement(sandbox.databaseUrl, `
      INSERT INTO lists (user_id, name) SELECT w.user_id, 'List ' || lpad(n::text, 3, '0') FROM slack_workspaces w, generate_series(1, 150) AS n;
      INSERT INTO templates (user_id, name, subject, html_content) SELECT w.user_id, 'Spring', 'Spring news', '<p>Hi</p>' FROM slack_workspaces w;`);

    await sandbox.type('/herald contact add "List 140"');
    await sandbox.modal().waitFor();
    expect(await sandbox.modal().locator('select[data-block-id="list"] option:checked').innerText()).toBe('List 140');
    await sandbox.modal().locator('[data-block-id="email"] input').fill('far@example.com');
    await submitModal();
    await sandbox.message('Added far@example.com.').waitFor();

    await sandbox.type('/herald campaign new');
    await sandbox.modal().waitFor();
    await sandbox.field('name').fill('Far lists');
    const lists = sandbox.modal().locator('select[data-block-id="lists"]');
    const search = sandbox.modal().locator('.bk-input[data-block-id="lists"] .bk-search');
    expect(await search.getAttribute('placeholder')).toBe('Type to find lists');
    await search.fill('list 14');
    await lists.locator('option', { hasText: 'List 149' }).waitFor({ state: 'attached' });
    expect(await lists.locator('option').allInnerTexts()).toEqual(Array.from({ length: 10 }, (_, i) => `List 14${i}`));
    await lists.selectOption({ label: 'List 145' });
    await search.fill('List 00');
    await lists.locator('option', { hasText: 'List 003' }).waitFor({ state: 'attached' });
    await lists.selectOption([{ label: 'List 003' }, { label: 'List 145' }]);

    // picking the template updates the view (its subject is filled in): the picked lists stay picked
    await sandbox.field('template').selectOption({ label: 'Spring' });
    await expect.poll(() => sandbox.field('subject').inputValue()).toBe('Spring news');
    expect((await lists.locator('option:checked').allInnerTexts()).sort()).toEqual(['List 003', 'List 145']);
    await sandbox.field('from_email').fill('news@example.com');
    await submitModal();
    await sandbox.message('Campaign: Far lists').getByText('List 003, List 145').waitFor();
  });
});
