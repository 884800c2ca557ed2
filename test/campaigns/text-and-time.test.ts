import { describe, expect, it } from 'vitest';
import { bodyFromText, plainTextOfSlackMessage } from '../../src/campaigns/message-body.ts';
import { instantInZone, isTimeZone, zonedTimeToInstant } from '../../src/campaigns/send-time.ts';
import { mergeFieldsOf } from '../../src/templates/merge-fields.ts';

describe('send times in a time zone', () => {
  it('converts wall-clock times to instants on both sides of a DST change', () => {
    expect(zonedTimeToInstant('2030-03-30', '10:00', 'Europe/Berlin')?.toISOString()).toBe('2030-03-30T09:00:00.000Z');
    expect(zonedTimeToInstant('2030-04-01', '10:00', 'Europe/Berlin')?.toISOString()).toBe('2030-04-01T08:00:00.000Z');
    expect(zonedTimeToInstant('2030-11-03', '01:30', 'America/New_York')?.toISOString()).toBe('2030-11-03T05:30:00.000Z');
    expect(zonedTimeToInstant('2030-06-01', '23:45', 'Asia/Kolkata')?.toISOString()).toBe('2030-06-01T18:15:00.000Z');
  });

  // per zone: a time its clocks skip (and the time it becomes), a time they show twice, an ordinary time
  const dstChanges = [
    { zone: 'America/New_York', skipped: ['2025-03-09', '02:30', '03:30', '2025-03-09T07:30:00.000Z'], twice: ['2025-11-02', '01:30', '2025-11-02T05:30:00.000Z'], ordinary: ['2025-07-01', '09:00', '2025-07-01T13:00:00.000Z'] },
    { zone: 'America/Los_Angeles', skipped: ['2025-03-09', '02:30', '03:30', '2025-03-09T10:30:00.000Z'], twice: ['2025-11-02', '01:30', '2025-11-02T08:30:00.000Z'], ordinary: ['2025-01-15', '09:00', '2025-01-15T17:00:00.000Z'] },
    { zone: 'Europe/Berlin', skipped: ['2025-03-30', '02:30', '03:30', '2025-03-30T01:30:00.000Z'], twice: ['2025-10-26', '02:30', '2025-10-26T00:30:00.000Z'], ordinary: ['2025-01-15', '09:00', '2025-01-15T08:00:00.000Z'] },
    { zone: 'Australia/Sydney', skipped: ['2025-10-05', '02:30', '03:30', '2025-10-04T16:30:00.000Z'], twice: ['2025-04-06', '02:30', '2025-04-05T15:30:00.000Z'], ordinary: ['2025-07-01', '09:00', '2025-06-30T23:00:00.000Z'] },
    // DST of 30 minutes
    { zone: 'Australia/Lord_Howe', skipped: ['2025-10-05', '02:15', '02:45', '2025-10-04T15:45:00.000Z'], twice: ['2025-04-06', '01:45', '2025-04-05T14:45:00.000Z'], ordinary: ['2025-07-01', '09:00', '2025-06-30T22:30:00.000Z'] },
    // west of UTC and south: clocks change at midnight
    { zone: 'America/Santiago', skipped: ['2025-09-07', '00:30', '01:30', '2025-09-07T04:30:00.000Z'], twice: ['2025-04-05', '23:30', '2025-04-06T02:30:00.000Z'], ordinary: ['2025-01-15', '09:00', '2025-01-15T12:00:00.000Z'] },
  ] as const;

  it.each(dstChanges)('$zone: a skipped time moves forward by the jump, a time shown twice is its first occurrence', ({ zone, skipped, twice, ordinary }) => {
    const [date, time, becomes, at] = skipped;
    const moved = zonedTimeToInstant(date, time, zone);
    expect(moved?.toISOString()).toBe(at);
    expect(instantInZone(moved!, zone)).toEqual({ date, time: becomes });
    expect(zonedTimeToInstant(twice[0], twice[1], zone)?.toISOString()).toBe(twice[2]);
    expect(zonedTimeToInstant(ordinary[0], ordinary[1], zone)?.toISOString()).toBe(ordinary[2]);
  });

  it('round-trips an instant through its zone', () => {
    const instant = new Date('2030-07-15T16:30:00Z');
    expect(instantInZone(instant, 'America/Los_Angeles')).toEqual({ date: '2030-07-15', time: '09:30' });
    const back = instantInZone(instant, 'Australia/Sydney');
    expect(zonedTimeToInstant(back.date, back.time, 'Australia/Sydney')?.getTime()).toBe(instant.getTime());
  });

  it('rejects what is not a zone, a date or a time', () => {
    expect(isTimeZone('Mars/Olympus')).toBe(false);
    expect(isTimeZone('')).toBe(false);
    expect(zonedTimeToInstant('2030-02-30', '10:00', 'UTC')).toBeNull();
    expect(zonedTimeToInstant('2030-02-03', '24:00', 'UTC')).toBeNull();
    expect(zonedTimeToInstant('2030-02-03', '1000', 'UTC')).toBeNull();
    expect(zonedTimeToInstant('2030-02-03', '10:00', 'Nowhere/Special')).toBeNull();
  });
});

describe('campaign bodies from text', () => {
  it('turns a Slack message into text a person would type', () => {
    expect(plainTextOfSlackMessage('Hi <@U123|ann>, see <https://a.test/x?y=1&amp;z=2|the offer> &amp; <https://b.test>'))
      .toBe('Hi ann, see the offer (https://a.test/x?y=1&z=2) & https://b.test');
  });

  it('makes paragraphs, links and emphasis, escapes HTML, and keeps merge fields', () => {
    const body = bodyFromText('Hello {{first_name}},\nsee https://a.test/x.\n\n*Big* _news_ <script>x()</script>');
    expect(body.html).toBe('<p>Hello {{first_name}},<br>\nsee <a href="https://a.test/x">https://a.test/x</a>.</p>\n' +
      '<p><strong>Big</strong> <em>news</em> &#60;script&#62;x()&#60;/script&#62;</p>');
    expect(body.text).toBe('Hello {{first_name}},\nsee https://a.test/x.\n\n*Big* _news_ <script>x()</script>');
  });
});

describe('merge fields a template uses', () => {
  it('finds top-level names, helper arguments and custom.* paths, but not names inside #each', () => {
    expect(mergeFieldsOf('Hi {{first_name}}', '{{#if vip}}{{custom.plan}}{{else}}{{company}}{{/if}}{{#each items}}{{name}}{{/each}}{{@index}}', null))
      .toEqual(['first_name', 'vip', 'custom.plan', 'company', 'items']);
  });
});
