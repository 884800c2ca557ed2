import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sql } from 'slonik';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startTestHerald, type TestHerald } from '../helpers/herald-app.ts';

let herald: TestHerald;
let foreign: Awaited<ReturnType<typeof startForeignHost>>;
const MEMBER = { team: 'TACCESS', user: 'UMEMBER', channel: 'CMARKETING' };
const ROWS = Buffer.from('email,first_name\nceo@finance.test,Secret\n');

/** A host that is not Slack (an attacker's server, a metadata endpoint): it records every request it gets. */
async function startForeignHost() {
  const requests: Array<{ path: string; authorization?: string }> = [];
  const server = createServer((req, res) => {
    requests.push({ path: req.url ?? '', authorization: req.headers.authorization });
    res.writeHead(200, { 'content-type': 'text/csv' });
    res.end('email\nforeign@elsewhere.test\n');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    host,
    url: `http://${host}`,
    requests,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

beforeAll(async () => {
  herald = await startTestHerald();
  foreign = await startForeignHost();
  const opened = await herald.command('list create', MEMBER);
  await herald.submitView(opened.view, { name: 'Customers' }, MEMBER);
});
afterAll(async () => {
  await foreign.close();
  await herald.close();
});

const importCount = () => herald.db.primary.oneFirst(sql.type(z.object({ n: z.number() }))`SELECT count(*)::int AS n FROM imports`);
const NOT_VISIBLE = 'Herald only imports a file you uploaded or one shared in the conversation you run the import from, and that file is neither.';

describe('a file named in /herald import is one the member could see', () => {
  it('refuses a file of a private channel the member is not in, until it is shared where they run the import', async () => {
    const finance = { id: 'FFINANCE', name: 'customers.csv', content: ROWS, user: 'UFINANCE', groups: ['CFINANCE'] };
    herald.slack.addFile(finance);
    const refused = await herald.command('import Customers <https://team.slack.com/files/UFINANCE/FFINANCE/customers.csv>', MEMBER);
    expect(refused.responses).toHaveLength(1);
    expect(refused.responses[0].response_type).toBe('ephemeral');
    expect(refused.text).toContain(NOT_VISIBLE);
    expect(refused.text).not.toContain('ceo@finance.test');
    expect(herald.slack.downloads).not.toContain('FFINANCE');
    expect(await importCount()).toBe(0);

    herald.slack.addFile({ ...finance, channels: [MEMBER.channel] });
    const shared = await herald.command('import Customers FFINANCE', MEMBER);
    expect(shared.text).toContain('Dry run of *customers.csv* into *Customers* — 1 row');
  });

  it('refuses another member’s file from their DM with Herald, and takes the member’s own upload from theirs', async () => {
    herald.slack.addFile({ id: 'FBOSSDM', name: 'boss.csv', content: ROWS, user: 'UBOSS', ims: ['DBOSS'] });
    const refused = await herald.command('import Customers FBOSSDM', MEMBER);
    expect(refused.text).toContain(NOT_VISIBLE);
    expect(herald.slack.downloads).not.toContain('FBOSSDM');

    herald.slack.addFile({ id: 'FOWNDM', name: 'mine.csv', content: ROWS, user: MEMBER.user, ims: ['DMEMBER'] });
    const own = await herald.command('import Customers FOWNDM', MEMBER);
    expect(own.text).toContain('Dry run of *mine.csv* into *Customers* — 1 row');
  });
});

describe('the bot token only goes to Slack', () => {
  it('refuses a file stored outside Slack (a remote file) without requesting its address', async () => {
    herald.slack.addFile({
      id: 'FREMOTE', name: 'leads.csv', content: ROWS, user: MEMBER.user, channels: [MEMBER.channel],
      externalUrl: `${foreign.url}/latest/meta-data/iam/security-credentials/`,
    });
    const outcome = await herald.command('import Customers FREMOTE', MEMBER);
    expect(outcome.text).toContain('leads.csv is a link to a file stored outside Slack (app), and Herald only imports files uploaded to Slack. Download the CSV and upload the file itself to Slack, then try again.');
    expect(foreign.requests).toEqual([]);
  });

  it('does not download from an address off Slack’s hosts, nor follow a redirect there', async () => {
    herald.slack.addFile({ id: 'FELSEWHERE', name: 'a.csv', content: ROWS, user: MEMBER.user, channels: [MEMBER.channel], downloadUrl: `${foreign.url}/files/FELSEWHERE` });
    const elsewhere = await herald.command('import Customers FELSEWHERE', MEMBER);
    expect(elsewhere.text).toContain(`Herald only downloads files from Slack's file server, and this file's address is on ${foreign.host}.`);

    herald.slack.addFile({ id: 'FREDIRECT', name: 'b.csv', content: ROWS, user: MEMBER.user, channels: [MEMBER.channel], redirectTo: `${foreign.url}/?redir=%2Ffiles%2FFREDIRECT` });
    const redirected = await herald.command('import Customers FREDIRECT', MEMBER);
    expect(herald.slack.downloads).toContain('FREDIRECT');
    expect(redirected.text).toContain('Slack did not let Herald download that file. Check that the Herald app is in the conversation where the file is shared and has the files:read scope');
    expect(foreign.requests).toEqual([]);
  });
});
