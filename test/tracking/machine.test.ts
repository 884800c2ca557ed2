import { describe, expect, it } from 'vitest';
import { deviceType, machineReason, type Hit } from '../../src/tracking/machine.ts';

const SENT = new Date('2026-03-01T10:00:00Z');
const IPHONE = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';
const person: Hit = { kind: 'open', method: 'GET', userAgent: IPHONE, ip: '203.0.113.9', issuedAt: SENT, now: new Date(SENT.getTime() + 3_600_000) };

describe('machine opens and clicks', () => {
  it('counts a person reading later as human', () => {
    expect(machineReason(person, 10)).toBeNull();
    expect(machineReason({ ...person, kind: 'click' }, 10)).toBeNull();
    expect(machineReason({ ...person, userAgent: 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:11.0) like Gecko Thunderbird' }, 10)).toBeNull();
    expect(machineReason({ ...person, userAgent: 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)' }, 10)).toBeNull();
  });

  it('flags scanners, bots and HTTP libraries by user agent, and requests without one', () => {
    for (const userAgent of ['Barracuda Sentinel (EE)', 'python-requests/2.31', 'curl/8.4.0', 'Mozilla/5.0 (compatible; Googlebot/2.1)', '', undefined]) {
      expect(machineReason({ ...person, userAgent }, 10)).toBe('user-agent');
    }
  });

  it("flags opens from Apple's privacy proxy network, not clicks from it", () => {
    expect(machineReason({ ...person, ip: '17.58.101.4' }, 10)).toBe('apple-privacy-proxy');
    expect(machineReason({ ...person, ip: '::ffff:17.58.101.4' }, 10)).toBe('apple-privacy-proxy');
    expect(machineReason({ ...person, ip: '17.58.101.4', kind: 'click' }, 10)).toBeNull();
  });

  it('flags hits within the scanner window after sending, and HEAD requests', () => {
    expect(machineReason({ ...person, kind: 'click', now: new Date(SENT.getTime() + 2_000) }, 10)).toBe('too-soon-after-send');
    expect(machineReason({ ...person, kind: 'click', now: new Date(SENT.getTime() + 2_000) }, 0)).toBeNull();
    expect(machineReason({ ...person, method: 'HEAD' }, 10)).toBe('head-request');
  });

  it('classifies devices', () => {
    expect(deviceType(IPHONE, false)).toBe('mobile');
    expect(deviceType('Mozilla/5.0 (iPad; CPU OS 17_0 like Mac OS X)', false)).toBe('tablet');
    expect(deviceType('Mozilla/5.0 (Macintosh; Intel Mac OS X 14_0)', false)).toBe('desktop');
    expect(deviceType(IPHONE, true)).toBe('machine');
  });
});
