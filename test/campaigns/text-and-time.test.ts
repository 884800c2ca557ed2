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
