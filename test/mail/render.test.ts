import { describe, expect, it } from 'vitest';
import { htmlToText } from '../../src/mail/html-text.ts';
import { findLinks, rewriteLinks } from '../../src/mail/links.ts';
import { compileCampaign, personalise } from '../../src/mail/render.ts';

const contact = { email: 'ann@example.org', first_name: 'Ann', last_name: null, custom_fields: { company: 'Acme & Co', plan: 'pro' } };
const UNSUBSCRIBE = 'https://herald.example/u/tok';

describe('rendering a campaign for one contact', () => {
  it('fills contact and custom fields, escaped in HTML and plain in subject and text', () => {
    const compiled = compileCampaign({
      subject: '{{first_name}}, news from {{company}}',
      html: '<p>Hi {{first_name}} of {{company}} ({{custom.plan}}){{missing}}</p>',
      text: 'Hi {{first_name}} of {{company}}',
      postalAddress: null,
    });
    const out = personalise(compiled, contact, UNSUBSCRIBE);
    expect(out.subject).toBe('Ann, news from Acme & Co');
    expect(out.html).toContain('<p>Hi Ann of Acme &amp; Co (pro)</p>');
    expect(out.text).toMatch(/^Hi Ann of Acme & Co\n\n--\nUnsubscribe: https:\/\/herald\.example\/u\/tok$/);
  });

  it('always has a text part (derived from the HTML when the campaign has none) and a footer with the postal address', () => {
    const compiled = compileCampaign({
      subject: 'x',
      html: '<html><head><style>p{}</style></head><body><h1>Sale</h1><p>See <a href="https://shop.example/a?b=1&amp;c=2">the offer</a><br>today</p></body></html>',
      text: null,
      postalAddress: 'Acme Ltd\n1 Road',
    });
    const out = personalise(compiled, contact, UNSUBSCRIBE);
    expect(out.text).toBe('Sale\n\nSee the offer (https://shop.example/a?b=1&c=2)\ntoday\n\n--\nAcme Ltd\n1 Road\nUnsubscribe: https://herald.example/u/tok');
    expect(out.html).toMatch(/Acme Ltd<br>1 Road<br><a href="https:\/\/herald\.example\/u\/tok"[^>]*>Unsubscribe<\/a><\/div><\/body><\/html>$/);
  });

  it('derives the text part with each contact’s own fields, links and conditional blocks', () => {
    const compiled = compileCampaign({
      subject: 'x',
      html: '<p>Hi {{first_name}} of {{company}}</p>{{#if custom.vip}}<p>VIP offer</p>{{/if}}<p>Braces: &#123;&#123;not a field}}</p>' +
        '<p><a href="{{custom.page}}">Your page</a></p>',
      text: null,
      postalAddress: null,
    });
    const text = (fields: Record<string, unknown>) => personalise(compiled, { ...contact, custom_fields: fields }, UNSUBSCRIBE).text;
    expect(text({ company: 'Acme & <Co>', vip: true, page: 'https://acme.example/p?a=1&b=2' })).toBe(
      'Hi Ann of Acme & <Co>\n\nVIP offer\n\nBraces: {{not a field}}\n\nYour page (https://acme.example/p?a=1&b=2)\n\n--\nUnsubscribe: https://herald.example/u/tok');
    expect(text({ company: 'Beta', vip: false, page: 'https://beta.example' })).toBe(
      'Hi Ann of Beta\n\nBraces: {{not a field}}\n\nYour page (https://beta.example)\n\n--\nUnsubscribe: https://herald.example/u/tok');
  });

  it('keeps subjects on one line', () => {
    const out = personalise(compileCampaign({ subject: '{{company}}', html: '', text: null, postalAddress: null }), { ...contact, custom_fields: { company: 'A\r\nBcc: x@y' } }, UNSUBSCRIBE);
    expect(out.subject).toBe('A Bcc: x@y');
  });

  it('refuses a broken template when compiling, naming the problem', () => {
    expect(() => compileCampaign({ subject: 'ok', html: '<p>{{#if x}}</p>', text: null, postalAddress: null })).toThrow(/Parse error|doesn't match/);
    expect(() => compileCampaign({ subject: 'ok', html: '{{shout name}}', text: null, postalAddress: null })).toThrow(/unknown helper shout/);
  });

  it('never reads prototype properties', () => {
    const out = personalise(compileCampaign({ subject: '{{constructor.name}}', html: '{{__proto__}}', text: null, postalAddress: null }), contact, UNSUBSCRIBE);
    expect(out.subject).toBe('');
    expect(out.html).not.toContain('Object');
  });
});

describe('links', () => {
  const html = '<a href="https://a.example/x?y=1&amp;z=2" class="btn">Buy <b>now</b></a> <a href=\'http://b.example\'>B</a> <a href="mailto:x@y">mail</a> <a href="#top">top</a> <a href="https://a.example/x?y=1&amp;z=2">again</a>';

  it('finds each http(s) link once, with its text', () => {
    expect(findLinks(html)).toEqual([
      { url: 'https://a.example/x?y=1&z=2', text: 'Buy now' },
      { url: 'http://b.example', text: 'B' },
    ]);
  });

  it('rewrites the hrefs it is given replacements for and leaves the rest', () => {
    const out = rewriteLinks(html, (url) => (url.startsWith('http') ? `https://t.example/c?u=${encodeURIComponent(url)}&x=1` : null));
    expect(out).toContain('<a href="https://t.example/c?u=https%3A%2F%2Fa.example%2Fx%3Fy%3D1%26z%3D2&#38;x=1" class="btn">Buy <b>now</b></a>');
    expect(out).toContain('<a href="mailto:x@y">mail</a>');
    expect(out).toContain('<a href="#top">top</a>');
  });

  it('converts HTML to readable text', () => {
    expect(htmlToText('<ul><li>One</li><li>Two &amp; three</li></ul><p>A&nbsp;b</p>')).toBe('- One\n- Two & three\n\nA b');
  });
});
