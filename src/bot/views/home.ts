import type { Role } from '../../db/accounts.ts';
import type { CampaignHome } from '../../reports/home.ts';
import { context, header, section, type Block } from './blocks.ts';
import { campaignHomeBlocks } from './home-campaigns.ts';

export type HomeState = { role: Role; lists: number; contacts: number; templates: number; campaigns?: CampaignHome };

/** The App Home tab: what the account has and where to start. */
export function homeView(state: HomeState): { type: 'home'; blocks: Block[] } {
  return {
    type: 'home',
    blocks: [
      header('Herald'),
      section(
        `Email campaigns from Slack. You are *${state.role}* of this workspace’s account.\n` +
          `*${state.lists}* lists · *${state.contacts}* contacts · *${state.templates}* templates`,
      ),
      ...(state.campaigns ? campaignHomeBlocks(state.campaigns) : []),
      section(
        '*Start here*\n' +
          '• `/herald list create` — a list for your contacts\n' +
          '• Upload a CSV here or in a channel, then `/herald import <list>`\n' +
          '• `/herald template create` — the email people will get',
      ),
      context('`/herald help` lists every command.'),
    ],
  };
}
