import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { z } from 'zod';

/** The parts of manifest.yml the sandbox follows: slash commands, shortcuts, bot events, the Messages tab. */
export type SlashCommand = { command: string; shouldEscape: boolean };

export type AppFeatures = {
  /** with should_escape, @someone and #channel in the text arrive as <@U…|someone> and <#C…|channel> */
  commands: readonly SlashCommand[];
  globalShortcuts: ReadonlyArray<{ callback_id: string; name: string }>;
  messageShortcuts: ReadonlyArray<{ callback_id: string; name: string }>;
  /** Events API events the app subscribes to; only these are delivered, as in Slack. */
  botEvents: readonly string[];
  /** messages_tab_read_only_enabled: nobody can write in the app's DM (its Messages tab). */
  messagesTabReadOnly: boolean;
};

const Manifest = z.object({
  settings: z.object({ event_subscriptions: z.object({ bot_events: z.array(z.string()).optional() }).optional() }).optional(),
  features: z
    .object({
      app_home: z.object({ messages_tab_read_only_enabled: z.boolean().optional() }).optional(),
      slash_commands: z.array(z.object({ command: z.string(), should_escape: z.boolean().optional() })).optional(),
      shortcuts: z.array(z.object({ name: z.string(), type: z.enum(['global', 'message']), callback_id: z.string() })).optional(),
    })
    .optional(),
});

const MANIFEST_PATH = join(import.meta.dirname, '..', '..', 'manifest.yml');
const DEFAULT_FEATURES: AppFeatures = {
  // Herald reads mentions in /herald role @someone, so its command escapes them
  commands: [{ command: '/herald', shouldEscape: true }],
  globalShortcuts: [],
  messageShortcuts: [],
  botEvents: ['app_home_opened', 'file_shared'],
  messagesTabReadOnly: false,
};

/** Reads the app manifest; without one (or with one the sandbox cannot read) just /herald. */
export async function loadAppFeatures(path = MANIFEST_PATH): Promise<AppFeatures> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return DEFAULT_FEATURES;
  }
  const parsed = Manifest.safeParse(parse(text));
  if (!parsed.success) return DEFAULT_FEATURES;
  const features = parsed.data.features ?? {};
  const shortcuts = features.shortcuts ?? [];
  const commands = (features.slash_commands ?? []).map((c) => ({ command: c.command, shouldEscape: c.should_escape === true }));
  return {
    commands: commands.length > 0 ? commands : DEFAULT_FEATURES.commands,
    globalShortcuts: shortcuts.filter((s) => s.type === 'global'),
    messageShortcuts: shortcuts.filter((s) => s.type === 'message'),
    botEvents: parsed.data.settings?.event_subscriptions?.bot_events ?? [],
    messagesTabReadOnly: features.app_home?.messages_tab_read_only_enabled === true,
  };
}
