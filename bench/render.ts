import Handlebars from 'handlebars';
import { compileCampaign, personalise } from '../src/mail/render.ts';
import { HTML, newsletterContact, SUBJECT, TEXT, type NewsletterContact } from './fixtures/newsletter.ts';
import { alternate, perSecond, type Bench } from './harness.ts';

/**
 * Herald: per-recipient rendering of a 4 KB HTML template with ten merge fields through
 * src/mail/render.ts (compiled once, then subject, HTML and plain text with footers for
 * each contact; the campaign has no text version, so Herald derives it from the HTML).
 *
 * Baseline: the global Handlebars, templates compiled once, rendering the same subject and
 * HTML plus a hand-written text version with the same fields: the three parts a message
 * needs, and nothing else.
 */

const unsubscribeUrl = (index: number) => `https://herald.example.com/u/AQG${String(index).padStart(12, '0')}x7Kq2mZpW4vL9sTn3bYc8`;

export const render: Bench = {
  name: 'render',
  summary: 'per-recipient render of a 4 KB template with 10 merge fields vs precompiled Handlebars alone',
  async run({ options, log }) {
    const recipients = options.int('render-recipients', 40_000);
    // short rounds, many of them: the median shrugs off the garbage collections a round can land on
    const rounds = options.int('render-rounds', Math.max(options.rounds, 15));
    const contacts = Array.from({ length: recipients }, (_, i) => newsletterContact(i));
    const urls = contacts.map((_, i) => unsubscribeUrl(i));

    const compiled = compileCampaign({ subject: SUBJECT, html: HTML, text: null, postalAddress: '1 Example Street\nLisbon' });
    const raw = { subject: Handlebars.compile(SUBJECT), html: Handlebars.compile(HTML), text: Handlebars.compile(TEXT) };
    const rawContext = (contact: NewsletterContact, url: string) => ({
      ...contact.custom_fields,
      email: contact.email,
      first_name: contact.first_name,
      last_name: contact.last_name,
      unsubscribe_url: url,
    });

    // Each part is read once, as the mail transport will: V8 builds rendered strings as ropes,
    // and whoever reads one first pays for flattening it. Reading keeps the work from being
    // optimised away, too.
    let checksum = 0;
    const read = (part: string) => {
      checksum += part.charCodeAt(part.length >> 1);
    };
    const times = await alternate(rounds, {
      herald: {
        async run() {
          for (let i = 0; i < recipients; i++) {
            const message = personalise(compiled, contacts[i]!, urls[i]!);
            read(message.subject);
            read(message.html);
            read(message.text);
          }
        },
      },
      baseline: {
        async run() {
          for (let i = 0; i < recipients; i++) {
            const context = rawContext(contacts[i]!, urls[i]!);
            read(raw.subject(context));
            read(raw.html(context));
            read(raw.text(context));
          }
        },
      },
    }, log);

    const herald = perSecond(recipients, times.herald);
    const baseline = perSecond(recipients, times.baseline);
    const ratio = herald / baseline;
    return {
      name: 'render',
      herald: { value: herald, unit: 'renders/s', note: `${((1e6 / herald) - (1e6 / baseline)).toFixed(1)} µs/recipient over baseline` },
      baseline: { value: baseline, unit: 'renders/s' },
      ratio,
      target: '≥ 0.80×',
      pass: ratio >= 0.8,
      details: { recipients, templateBytes: Buffer.byteLength(HTML), roundsMs: times, checksum },
    };
  },
};
