import type { RespondFn } from '@slack/bolt';
import type { WebClient } from '@slack/web-api';
import { UserError } from '../errors.ts';
import type { Logger } from '../log.ts';
import { postEphemeralInChannel } from './post.ts';

export const APOLOGY = 'Sorry, something went wrong on our side and nothing was changed. Please try again in a moment.';

/**
 * What the person is told: a UserError's sentence, or an apology. Once work was committed it
 * starts with what stays saved, so nobody does it twice.
 */
function messageFor(error: unknown, saved: string | undefined): string {
  if (error instanceof UserError) return saved ? `${saved} ${error.message}` : error.message;
  return saved ? `${saved} Something went wrong on our side after that; what was saved stays, so there is no need to do it again.` : APOLOGY;
}

/** Where a person can be told about an error, most specific first. */
export type ErrorSurface = {
  log: Logger;
  client: WebClient;
  memberId: string;
  /** A view_submission not acknowledged yet: errors go under the modal's inputs. */
  ackWithErrors?: (errors: Record<string, string>) => Promise<void>;
  /** Input block ids of that modal; a UserError without fields is shown under the first. */
  inputBlockIds?: readonly string[];
  respond?: RespondFn;
  channelId?: string;
  /** What was saved for good before the error (a sentence), if anything: the message says it stays. */
  committed?: string;
  /** What was going on, for the log. */
  context?: Record<string, unknown>;
};

/**
 * The one place errors become messages: a UserError's sentence as modal field errors or
 * an ephemeral message; anything else is logged and answered with a short apology.
 */
export async function reportError(error: unknown, surface: ErrorSurface): Promise<void> {
  const isUserError = error instanceof UserError;
  if (!isUserError) surface.log.error({ err: error, ...surface.context }, 'Slack listener failed');
  const text = messageFor(error, surface.committed);
  try {
    const firstInput = surface.inputBlockIds?.[0];
    const fields = isUserError && error.fields ? error.fields : firstInput ? { [firstInput]: text } : undefined;
    if (surface.ackWithErrors && fields) return await surface.ackWithErrors(fields);
    await tellPrivately(surface, text);
  } catch (reportFailure) {
    surface.log.error({ err: reportFailure, original: text }, 'could not report an error to the user');
  }
}

/** An ephemeral message via response_url, in the channel (a DM where the app cannot post there), or else a DM from the app. */
export async function tellPrivately(
  surface: Pick<ErrorSurface, 'client' | 'memberId' | 'respond' | 'channelId'>,
  text: string,
  blocks?: readonly object[],
): Promise<void> {
  if (surface.respond) {
    await surface.respond({ response_type: 'ephemeral', replace_original: false, text, blocks: blocks as never });
  } else if (surface.channelId) {
    await postEphemeralInChannel(surface.client, { channel: surface.channelId, memberId: surface.memberId }, { text, blocks });
  } else {
    await surface.client.chat.postMessage({ channel: surface.memberId, text, blocks: blocks as never });
  }
}
