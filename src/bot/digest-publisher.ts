import type { WebClient } from '@slack/web-api';
import type { DigestPublisher } from '../reports/digests.ts';
import { postInChannel } from './post.ts';
import { digestMessage } from './views/digest.ts';

/**
 * Posts a digest to its channel (joining a public one Herald is not in; where it cannot post,
 * to the subscriber's DM, saying so) and its chart into the digest's thread (files.uploadV2).
 */
export function createSlackDigestPublisher(client: WebClient): DigestPublisher {
  return {
    post: (target, digest) => postInChannel(client, { channel: target.channelId, memberId: target.subscriberId }, digestMessage(digest)),
    async attachChart(posted, chart) {
      await client.files.uploadV2({
        channel_id: posted.channel,
        thread_ts: posted.ts,
        file: chart.png,
        filename: chart.filename,
        title: chart.title,
      });
    },
  };
}
