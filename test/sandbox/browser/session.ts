import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../../src/db/embedded.ts';
import { launchBrowser } from '../../helpers/browser.ts';
import { freshDatabase } from '../../helpers/db.ts';
import { startHeraldProcess, type HeraldProcess } from '../../helpers/herald-process.ts';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
export const ARTIFACTS = join(ROOT, 'artifacts');
/** What Herald prints once the sandbox is up. */
export const READY = 'try Herald in the sandbox at';

export type SandboxSession = Awaited<ReturnType<typeof openSandboxSession>>;

/**
 * `node src/main.ts` without Slack credentials on its own database, data folder and port,
 * and a chromium page with the helpers a person's actions need.
 */
export async function openSandboxSession(options: { env?: Record<string, string>; userAgent?: string } = {}) {
  const database = await freshDatabase();
  const dataDir = await mkdtemp(join(tmpdir(), 'herald-sandbox-ui-'));
  const port = await freePort();
  const env = { DATABASE_URL: database.url, DATA_DIR: dataDir, PORT: String(port), ...options.env };
  let herald: HeraldProcess = await startHeraldProcess(env, READY);
  const browser = await launchBrowser({ userAgent: options.userAgent });
  const { page } = browser;
  await mkdir(ARTIFACTS, { recursive: true });
  const modal = () => page.locator('#modal-root .modal');
  return {
    port,
    dataDir,
    /** Herald's database, to set up what would take many clicks. */
    databaseUrl: database.url,
    page,
    herald: () => herald,
    url: `http://127.0.0.1:${port}/sandbox`,
    /** Types into the channel's message box and presses Enter. */
    async type(text: string) {
      await page.fill('#message', text);
      await page.press('#message', 'Enter');
    },
    /** Picks a member in "Acting as". */
    async actAs(firstName: string) {
      const value = await page.locator('#member option', { hasText: firstName }).getAttribute('value');
      await page.selectOption('#member', value ?? '');
    },
    modal,
    /** The input, select or text area of a modal's input block. */
    field: (blockId: string) => modal().locator(`[data-block-id="${blockId}"]`).locator('input, textarea, select').first(),
    /** The newest message containing the text. */
    message: (text: string | RegExp) => page.locator('.msg', { hasText: text }).last(),
    async restart() {
      const code = await herald.stop();
      herald = await startHeraldProcess(env, READY);
      return code;
    },
    async close() {
      await browser.close();
      await herald.stop();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
