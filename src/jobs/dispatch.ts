import type { Dispatcher } from '../delivery/dispatcher.ts';
import type { MailTransport } from '../mail/transport.ts';
import type { Job } from './scheduler.ts';

/**
 * Every few seconds: send what is due until nothing is left (node-cron never overlaps two
 * runs in a process). On shutdown the batches in hand are finished and recorded first.
 */
export function dispatchJob(dispatcher: Dispatcher, transport: MailTransport): Job {
  return {
    name: 'dispatch',
    schedule: '*/5 * * * * *',
    run: () => dispatcher.runUntilIdle(),
    interrupt: () => dispatcher.stop(),
    stop: () => transport.close(),
  };
}
