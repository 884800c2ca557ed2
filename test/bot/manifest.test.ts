import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { CAMPAIGN_TEMPLATE_PICK_ACTION } from '../../src/bot/views/campaign-ids.ts';
import { LIST_SELECT_ACTION } from '../../src/bot/views/lists.ts';
import { startTestHerald, type TestHerald } from '../helpers/herald-app.ts';

const ROOT = join(import.meta.dirname, '../..');

type Manifest = {
  display_information: { name: string; long_description: string };
  features: {
    app_home: { home_tab_enabled: boolean; messages_tab_enabled: boolean; messages_tab_read_only_enabled: boolean };
    bot_user: { display_name: string };
    shortcuts: Array<{ name: string; type: string; callback_id: string; description: string }>;
    slash_commands: Array<{ command: string; url: string; description: string; should_escape: boolean }>;
  };
  oauth_config: { scopes: { bot: string[] } };
  settings: {
    event_subscriptions: { request_url: string; bot_events: string[] };
    interactivity: { is_enabled: boolean; request_url: string; options_load_url?: string };
  };
};

/** Bot scopes Slack requires for each Web API method and event Herald uses. */
const METHOD_SCOPES: Record<string, string | null> = {
  'chat.postMessage': 'chat:write', 'chat.postEphemeral': 'chat:write', 'chat.update': 'chat:write', 'chat.delete': 'chat:write',
  'views.open': null, 'views.update': null, 'views.push': null, 'views.publish': null,
  'files.info': 'files:read', 'files.uploadV2': 'files:write', 'conversations.join': 'channels:join', 'conversations.open': 'im:write',
  'users.info': 'users:read',
};
const EVENT_SCOPES: Record<string, string | null> = { app_home_opened: null, file_shared: 'files:read' };

/** Herald's own source (the sandbox implements a Web API rather than calling Slack's). */
async function sourceFiles(): Promise<string[]> {
  const entries = await readdir(join(ROOT, 'src'), { withFileTypes: true, recursive: true });
  return entries.filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.parentPath.includes(join('src', 'sandbox')))
    .map((e) => join(e.parentPath, e.name));
}

let herald: TestHerald;
let manifest: Manifest;
beforeAll(async () => {
  herald = await startTestHerald();
  manifest = parse(await readFile(join(ROOT, 'manifest.yml'), 'utf8')) as Manifest;
});
afterAll(async () => {
  await herald.close();
});

describe('manifest.yml', () => {
  it('declares exactly the slash commands the app handles', () => {
    expect(manifest.features.slash_commands.map((c) => c.command).sort()).toEqual([...new Set(herald.web.listeners.commands)].sort());
    for (const command of manifest.features.slash_commands) {
      expect(new URL(command.url).pathname).toBe('/slack/events');
      expect(command.should_escape).toBe(true); // /herald role parses escaped <@U…> mentions
    }
  });

  it('declares exactly the shortcuts the app handles', () => {
    expect(manifest.features.shortcuts.map((s) => s.callback_id).sort()).toEqual([...herald.web.listeners.shortcuts].sort());
    for (const shortcut of manifest.features.shortcuts) {
      expect(shortcut.name.length).toBeLessThanOrEqual(24);
      expect(shortcut.description.length).toBeLessThanOrEqual(50);
    }
  });

  it('subscribes to exactly the events the app handles, at the events URL', () => {
    expect([...manifest.settings.event_subscriptions.bot_events].sort()).toEqual([...herald.web.listeners.events].sort());
    expect(new URL(manifest.settings.event_subscriptions.request_url).pathname).toBe('/slack/events');
  });

  it('enables interactivity for the views, actions and shortcuts the app handles', () => {
    const interactive = herald.web.listeners.views.length + herald.web.listeners.actions.length + herald.web.listeners.shortcuts.length;
    expect(interactive).toBeGreaterThan(0);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(new URL(manifest.settings.interactivity.request_url).pathname).toBe('/slack/events');
    expect(manifest.features.app_home.home_tab_enabled).toBe(herald.web.listeners.events.includes('app_home_opened'));
  });

  it('keeps the Messages tab read-only while no listener answers messages, and says so in the About text', () => {
    const answersMessages = herald.web.listeners.events.some((event) => event === 'message' || event.startsWith('message.'));
    expect(answersMessages).toBe(false);
    expect(manifest.features.app_home.messages_tab_enabled).toBe(true); // Herald's private notices land there
    expect(manifest.features.app_home.messages_tab_read_only_enabled).toBe(true);
    expect(manifest.display_information.long_description).toContain('/herald help');
    expect(manifest.display_information.long_description).toContain('Messages tab is read-only');
    expect(manifest.display_information.long_description.length).toBeLessThanOrEqual(4000);
  });

  it('sends the options requests of the list and template selects to the events URL', () => {
    expect(herald.web.listeners.options).toEqual(expect.arrayContaining([LIST_SELECT_ACTION, CAMPAIGN_TEMPLATE_PICK_ACTION]));
    expect(manifest.settings.interactivity.options_load_url).toBeDefined();
    expect(new URL(manifest.settings.interactivity.options_load_url ?? '').pathname).toBe('/slack/events');
  });

  it('asks for exactly the bot scopes the code needs', async () => {
    const sources = await Promise.all((await sourceFiles()).map((file) => readFile(file, 'utf8')));
    const methods = new Set(sources.flatMap((source) => [...source.matchAll(/client\.([a-z]+)\.([a-zA-Z0-9]+)\(/g)].map((m) => `${m[1]}.${m[2]}`)));
    const unknown = [...methods].filter((method) => !(method in METHOD_SCOPES));
    expect(unknown, 'add the scope of each newly used Web API method to METHOD_SCOPES').toEqual([]);
    const needed = new Set<string>(['commands']);
    for (const method of methods) if (METHOD_SCOPES[method]) needed.add(METHOD_SCOPES[method]);
    for (const event of herald.web.listeners.events) if (EVENT_SCOPES[event]) needed.add(EVENT_SCOPES[event]);
    // users.info only includes profile.email with this scope
    if (sources.some((source) => /profile\??\.email/.test(source))) needed.add('users:read.email');
    expect([...manifest.oauth_config.scopes.bot].sort()).toEqual([...needed].sort());
  });
});
