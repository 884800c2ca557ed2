import type { WebClient } from '@slack/web-api';
import type { DigestPublisher } from '../reports/digests.ts';
import { digestMessage } from './views/digest.ts';

/** Posts a digest to its channel and its chart into the digest's thread (files.uploadV2). */
export function createSlackDigestPublisher(client: WebClient): DigestPublisher {
  return {
    async publish(channelId, digest, chart) {
      const message = digestMessage(digest);
      const posted = await client.chat.postMessage({ channel: channelId, text: message.text, blocks: message.blocks as never });
      if (!chart || !posted.ts) return;
      await client.files.uploadV2({
        channel_id: channelId,
        thread_ts: posted.ts,
        file: chart.png,
        filename: chart.filename,
        title: chart.title,
      });
    },
  };
}
