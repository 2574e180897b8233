import { finalizeEmail, finalizeSms, smsKeyword, trackClicks } from '../../shared/domain/messaging/compliance';
import { checkLinkToken, linkToken, messageLinks, messagingLinkKey } from '../../shared/domain/messaging/links';
import { pickAttribution, planFeedback, type Message } from '../../shared/domain/messaging/messages';
import { parseQueueBody } from '../../shared/domain/messaging/provider-events';
import { smsSegments } from '../../shared/domain/messaging/sms-segments';

/** SMS parts, compliance additions, signed links, feedback transitions, the attribution rule, provider events. */
describe('SMS segments', () => {
  it.each([
    ['', 'GSM-7', 0, 0],
    ['a'.repeat(160), 'GSM-7', 160, 1],
    ['a'.repeat(161), 'GSM-7', 161, 2],
    ['a'.repeat(306), 'GSM-7', 306, 2],
    ['a'.repeat(307), 'GSM-7', 307, 3],
    ['€'.repeat(80), 'GSM-7', 160, 1], // extension characters take two septets
    ['€'.repeat(81), 'GSM-7', 162, 2],
    ['春茶八折'.repeat(17) + '回TD', 'UCS-2', 71, 2],
    ['春'.repeat(70), 'UCS-2', 70, 1],
    ['春'.repeat(134), 'UCS-2', 134, 2],
    ['春'.repeat(135), 'UCS-2', 135, 3],
    ['Hi 😀', 'UCS-2', 5, 1], // an emoji is two UTF-16 units
  ])('%j → %s, %i units, %i part(s)', (text, encoding, units, segments) => {
    expect(smsSegments(text)).toMatchObject({ encoding, units, segments });
  });

  it('never splits an escape pair or a surrogate pair across parts', () => {
    // 152 plain + "€" (2) does not fit the first 153-septet part: the € starts part 2.
    expect(smsSegments(`${'a'.repeat(152)}€${'a'.repeat(100)}`)).toMatchObject({ segments: 2, units: 254, remaining: 153 - 102 });
    expect(smsSegments(`${'春'.repeat(66)}😀${'春'.repeat(10)}`)).toMatchObject({ segments: 2, remaining: 67 - 12 });
  });

  it('names the characters that forced UCS-2', () => {
    expect(smsSegments('Sale “today” only').nonGsm).toEqual(['“', '”']);
  });
});

describe('compliance additions', () => {
  const key = messagingLinkKey(Buffer.alloc(32, 1));
  const links = messageLinks(key, 'https://crm.example.com/', '01HZZZZZZZZZZZZZZZZZZZZZZZ');

  it('a marketing e-mail gets RFC 8058 headers, a footer link, tracked links and the pixel', () => {
    const e = finalizeEmail({ subject: 'S', preheader: 'Pre', html: '<html><body><a href="https://shop.example/?a=1&amp;b=2">Shop</a></body></html>', text: 'Shop' }, { marketing: true, links, brandName: 'Tea & Co', trackOpens: true, trackClicks: true });
    expect(e.headers).toEqual({ 'List-Unsubscribe': `<${links.unsubscribe}>`, 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' });
    expect(e.html).toMatch(/^<html><body><div style="display:none[^"]*">Pre<\/div><a href="https:\/\/crm\.example\.com\/v1\/track\/click\//);
    expect(e.html).toContain(`?u=${encodeURIComponent('https://shop.example/?a=1&b=2')}`);
    expect(e.html).toContain('from Tea &amp; Co. <a href="https://crm.example.com/v1/unsubscribe/');
    expect(e.html).toMatch(/<img src="https:\/\/crm\.example\.com\/v1\/track\/open\/[^"]+" width="1" height="1" alt="" style="display:none"><\/body><\/html>$/);
    expect(e.text).toBe(`Shop\n\n--\nUnsubscribe: ${links.unsubscribe}`);
  });

  it('no footer when the template shows the unsubscribe link; a transactional e-mail gets none of it', () => {
    const own = finalizeEmail({ subject: 'S', html: `<p><a href="${links.unsubscribe}">Stop these</a></p>`, text: `Stop: ${links.unsubscribe}` }, { marketing: true, links, brandName: 'T', trackOpens: false, trackClicks: true });
    expect(own.html).toBe(`<p><a href="${links.unsubscribe}">Stop these</a></p>`); // not rewritten, no second footer
    const tx = finalizeEmail({ subject: 'Receipt', html: '<p>Thanks</p>', text: 'Thanks' }, { marketing: false, links, brandName: 'T', trackOpens: false, trackClicks: false });
    expect(tx).toEqual({ subject: 'Receipt', html: '<p>Thanks</p>', text: 'Thanks', headers: {} });
  });

  it('a click redirect signs its URL', () => {
    const html = trackClicks('<a class="x" href="https://a.example/p?q=1&amp;r=2">x</a><a href="mailto:x@y">m</a>', links);
    const href = /href="([^"]+)"/.exec(html)![1]!.replace(/&amp;/g, '&');
    const url = new URL(href);
    const token = url.pathname.split('/').pop()!;
    expect(url.searchParams.get('u')).toBe('https://a.example/p?q=1&r=2');
    expect(checkLinkToken(key, 'click', token, 'https://a.example/p?q=1&r=2')).toBe('01HZZZZZZZZZZZZZZZZZZZZZZZ');
    expect(checkLinkToken(key, 'click', token, 'https://evil.example/')).toBeUndefined();
    expect(html).toContain('href="mailto:x@y"');
  });

  it('tokens are bound to their purpose and key', () => {
    const t = linkToken(key, 'unsubscribe', '01HZZZZZZZZZZZZZZZZZZZZZZZ');
    expect(checkLinkToken(key, 'unsubscribe', t)).toBe('01HZZZZZZZZZZZZZZZZZZZZZZZ');
    expect(checkLinkToken(key, 'open', t)).toBeUndefined();
    expect(checkLinkToken(messagingLinkKey(Buffer.alloc(32, 2)), 'unsubscribe', t)).toBeUndefined();
    expect(checkLinkToken(key, 'unsubscribe', `${t}x`)).toBeUndefined();
  });

  it('a marketing SMS ends with the opt-out text, in Chinese for Chinese texts or +86 numbers', () => {
    const opts = { marketing: true, optOutText: 'Reply STOP to opt out', optOutTextZh: '回TD退订' };
    expect(finalizeSms('Sale today', { ...opts, to: '+14155550100' })).toBe('Sale today\nReply STOP to opt out');
    expect(finalizeSms('春茶八折', { ...opts, to: '+14155550100' })).toBe('春茶八折回TD退订');
    expect(finalizeSms('Sale today', { ...opts, to: '+8613800000000' })).toBe('Sale today回TD退订');
    expect(finalizeSms('Your code 1234', { ...opts, marketing: false, to: '+14155550100' })).toBe('Your code 1234');
  });

  it.each([
    ['STOP', 'stop'],
    [' stop. ', 'stop'],
    ['Unsubscribe', 'stop'],
    ['TD', 'stop'],
    ['退订', 'stop'],
    ['退订！', 'stop'],
    ['START', 'start'],
    ['please stop texting', undefined],
    ['Thanks!', undefined],
  ])('SMS reply %j → %s', (body, want) => {
    expect(smsKeyword(body)).toBe(want);
  });
});

const msg = (over: Partial<Message> = {}): Message => ({
  id: '01HAAAAAAAAAAAAAAAAAAAAAAA',
  key: 'k',
  customerId: 'c',
  channel: 'email',
  purpose: 'marketing',
  source: { kind: 'campaign', id: 'cmp' },
  templateId: 't',
  state: 'sent',
  createdAt: '2026-05-01T00:00:00.000Z',
  sentAt: '2026-05-01T00:00:00.000Z',
  opens: 0,
  clicks: 0,
  orders: 0,
  revenueMinor: {},
  ...over,
});

describe('feedback transitions', () => {
  const at = '2026-05-01T01:00:00.000Z';
  it('the first open also counts the delivery; a second open only the total', () => {
    expect(planFeedback(msg(), 'opened', at)).toEqual({ set: { deliveredAt: at, openedAt: at, state: 'opened' }, firstOf: ['deliveredAt', 'openedAt'], counters: { delivered: 1, opened: 1, opens: 1 }, events: ['delivered', 'opened'] });
    expect(planFeedback(msg({ state: 'opened', deliveredAt: at, openedAt: at, opens: 1 }), 'opened', at)).toEqual({ set: {}, firstOf: [], counters: { opens: 1 }, events: [] });
  });

  it('a click without a seen open counts the open too; an open after a click keeps it clicked', () => {
    expect(planFeedback(msg(), 'clicked', at)?.counters).toEqual({ delivered: 1, opened: 1, clicked: 1, clicks: 1 });
    const clicked = msg({ state: 'clicked', deliveredAt: at, openedAt: at, clickedAt: at });
    expect(planFeedback(clicked, 'opened', at)?.set.state).toBeUndefined();
  });

  it('a repeated delivery, bounce or complaint is nothing; a complaint overrides engagement', () => {
    expect(planFeedback(msg({ state: 'delivered', deliveredAt: at }), 'delivered', at)).toBeUndefined();
    expect(planFeedback(msg({ state: 'clicked', clickedAt: at, openedAt: at, deliveredAt: at }), 'complained', at)?.set.state).toBe('complained');
    expect(planFeedback(msg({ state: 'clicked', clickedAt: at }), 'bounced', at)?.set.state).toBeUndefined();
    expect(planFeedback(msg({ state: 'scheduled', sentAt: undefined }), 'delivered', at)).toBeUndefined();
  });
});

describe('attribution rule', () => {
  const placed = Date.parse('2026-05-10T12:00:00.000Z');
  it('last click, else last open, else last delivered or sent, within the window and before the order', () => {
    const a = msg({ id: 'A', sentAt: '2026-05-08T00:00:00.000Z', clickedAt: '2026-05-08T01:00:00.000Z', state: 'clicked' });
    const b = msg({ id: 'B', sentAt: '2026-05-09T00:00:00.000Z', openedAt: '2026-05-09T01:00:00.000Z', state: 'opened' });
    const c = msg({ id: 'C', sentAt: '2026-05-10T00:00:00.000Z', deliveredAt: '2026-05-10T00:01:00.000Z', state: 'delivered' });
    const late = msg({ id: 'L', sentAt: '2026-05-10T11:00:00.000Z', clickedAt: '2026-05-10T13:00:00.000Z', state: 'clicked' });
    const old = msg({ id: 'O', sentAt: '2026-05-01T00:00:00.000Z', clickedAt: '2026-05-01T01:00:00.000Z', state: 'clicked' });
    const tx = msg({ id: 'T', purpose: 'transactional', sentAt: '2026-05-10T00:00:00.000Z', clickedAt: '2026-05-10T00:10:00.000Z', state: 'clicked' });
    const unsub = msg({ id: 'U', state: 'unsubscribed', sentAt: '2026-05-10T00:00:00.000Z', clickedAt: '2026-05-10T00:10:00.000Z' });
    expect(pickAttribution([a, b, c, late, old, tx, unsub], placed, 5)?.id).toBe('A');
    expect(pickAttribution([b, c, late], placed, 5)?.id).toBe('B');
    expect(pickAttribution([c, msg({ id: 'S', sentAt: '2026-05-10T06:00:00.000Z' })], placed, 5)?.id).toBe('S');
    expect(pickAttribution([old], placed, 5)).toBeUndefined();
    expect(pickAttribution([old], placed, 10)?.id).toBe('O');
  });
});

describe('provider events', () => {
  const sns = (message: unknown, id = 'sns-1') => JSON.stringify({ Type: 'Notification', MessageId: id, Message: JSON.stringify(message) });
  const mail = { messageId: 'ses-1', timestamp: '2026-05-01T00:00:00.000Z', tags: { 'crm-message-id': ['01HMSG'] } };

  it('SES events through SNS', () => {
    expect(parseQueueBody(sns({ eventType: 'Delivery', mail, delivery: { timestamp: '2026-05-01T00:00:05.000Z' } }), 'q')).toEqual({ kind: 'feedback', messageId: '01HMSG', eventId: 'sns-1', feedback: 'delivered', at: '2026-05-01T00:00:05.000Z' });
    expect(parseQueueBody(sns({ eventType: 'Bounce', mail, bounce: { bounceType: 'Permanent', bounceSubType: 'General', timestamp: '2026-05-01T00:00:05Z' } }), 'q')).toMatchObject({ feedback: 'bounced', bounce: { hard: true, reason: 'Permanent/General' } });
    expect(parseQueueBody(sns({ eventType: 'Bounce', mail, bounce: { bounceType: 'Transient', bounceSubType: 'MailboxFull' } }), 'q')).toMatchObject({ feedback: 'bounced', bounce: { hard: false } });
    expect(parseQueueBody(sns({ eventType: 'Click', mail, click: { link: 'https://x', timestamp: '2026-05-01T00:01:00Z' } }), 'q')).toMatchObject({ feedback: 'clicked', url: 'https://x' });
    expect(parseQueueBody(sns({ eventType: 'Complaint', mail, complaint: {} }), 'q')).toMatchObject({ feedback: 'complained' });
    expect(parseQueueBody(sns({ eventType: 'Send', mail }), 'q')).toEqual({ kind: 'ignored', why: 'SES Send event' });
    expect(parseQueueBody(sns({ eventType: 'Delivery', mail: { tags: {} } }), 'q')).toMatchObject({ kind: 'ignored' });
  });

  it('SMS events and inbound texts, raw or through SNS', () => {
    expect(parseQueueBody(JSON.stringify({ eventType: 'TEXT_DELIVERED', context: { crmMessageId: '01HSMS' }, eventTimestamp: 1777593600000 }), 'sqs-1')).toEqual({ kind: 'feedback', messageId: '01HSMS', eventId: 'sqs-1', feedback: 'delivered', at: new Date(1777593600000).toISOString() });
    expect(parseQueueBody(sns({ eventType: 'TEXT_INVALID', context: { crmMessageId: '01HSMS' } }), 'q')).toMatchObject({ feedback: 'bounced', bounce: { hard: true } });
    expect(parseQueueBody(sns({ eventType: 'TEXT_TTL_EXPIRED', context: { crmMessageId: '01HSMS' } }), 'q')).toMatchObject({ feedback: 'bounced', bounce: { hard: false } });
    expect(parseQueueBody(sns({ originationNumber: '+8613800000000', destinationNumber: '+10000', messageBody: 'TD', inboundMessageId: 'in-1' }), 'q')).toEqual({ kind: 'inbound-sms', from: '+8613800000000', body: 'TD', eventId: 'in-1' });
    expect(parseQueueBody(JSON.stringify({ Type: 'SubscriptionConfirmation' }), 'q')).toMatchObject({ kind: 'ignored' });
    expect(parseQueueBody('not json', 'q')).toMatchObject({ kind: 'ignored' });
  });
});
