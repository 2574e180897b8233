import { createHash, createHmac } from 'node:crypto';
import { AwsJsonCaller, ChannelError, answerError, type AwsFetch } from '../../shared/runtime/channel-aws';
import { webhookChannelBody, WebhookChannelSender } from '../../shared/runtime/channel-webhook';
import { channelEnv, type OutboundMessage } from '../../shared/runtime/messaging';
import { fromHeader, SesEmailSender, sesSendEmailRequest } from '../../shared/runtime/ses-email';
import { EndUserMessagingSmsSender, smsSendTextRequest } from '../../shared/runtime/sms-sender';
import { verifyCrmSignature } from '../../shared/http/webhook-signatures';

/**
 * The channel adapters build the requests AWS expects, signed with SigV4 (checked here against an
 * independent implementation of the signature), and classify the answers for the send pipeline:
 * refused and throttled calls sent nothing, a 5xx or a timeout may have.
 */
const credentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY', sessionToken: 'session-token' };

interface Captured {
  url: string;
  headers: Record<string, string>;
  body: string;
}

function fakeFetch(answers: { status: number; body: unknown; headers?: Record<string, string> }[], seen: Captured[]): AwsFetch {
  return async (url, init) => {
    seen.push({ url, headers: init.headers, body: init.body });
    const a = answers.shift() ?? { status: 200, body: {} };
    return { status: a.status, headers: { get: (n: string) => a.headers?.[n.toLowerCase()] ?? null }, text: async () => (typeof a.body === 'string' ? a.body : JSON.stringify(a.body)) };
  };
}

const sha256 = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');
const hmac = (key: Buffer | string, s: string) => createHmac('sha256', key).update(s, 'utf8').digest();

/** Recomputes the SigV4 signature of a captured request from its signed headers. */
function expectValidSigV4(req: Captured, service: string, region: string): void {
  const auth = req.headers.authorization!;
  const m = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, SignedHeaders=([^,]+), Signature=([0-9a-f]{64})$/.exec(auth);
  expect(m).not.toBeNull();
  const [, akid, day, signedRegion, signedService, signedHeaders, signature] = m!;
  expect([akid, signedRegion, signedService]).toEqual([credentials.accessKeyId, region, service]);
  const url = new URL(req.url);
  const headers: Record<string, string> = { ...req.headers, host: url.host };
  const names = signedHeaders!.split(';');
  expect(names).toEqual(expect.arrayContaining(['host', 'x-amz-date', 'content-type', 'x-amz-security-token', 'x-amz-content-sha256']));
  expect(req.headers['x-amz-content-sha256']).toBe(sha256(req.body));
  const canonical = ['POST', url.pathname, '', ...names.map((n) => `${n}:${String(headers[n]).trim()}`), '', signedHeaders, sha256(req.body)].join('\n');
  const date = req.headers['x-amz-date']!;
  const scope = `${day}/${region}/${service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', date, scope, sha256(canonical)].join('\n');
  const key = [day!, region, service, 'aws4_request'].reduce<Buffer>((k, part) => hmac(k, part), Buffer.from(`AWS4${credentials.secretAccessKey}`));
  expect(signature).toBe(hmac(key, toSign).toString('hex'));
}

const email: OutboundMessage = {
  id: '01HMSGAAAAAAAAAAAAAAAAAAAA',
  channel: 'email',
  to: 'fang@example.com',
  subject: '春茶 is here',
  body: 'Plain text',
  html: '<p>Html</p>',
  headers: { 'List-Unsubscribe': '<https://crm.example.com/v1/unsubscribe/x>', 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' },
  from: fromHeader('Tea House', 'hello@tea.example.com'),
  purpose: 'marketing',
  refs: { sourceKind: 'campaign', sourceId: '01HCMP:variant/A' },
};

describe('SES SendEmail', () => {
  it('builds the v2 simple-content request with the unsubscribe headers, tags and configuration set', () => {
    const req = sesSendEmailRequest({ region: 'eu-west-1', fromIdentityArn: 'arn:aws:ses:eu-west-1:111122223333:identity/tea.example.com', configurationSet: 'crm-prod' }, email);
    expect(req.url).toBe('https://email.eu-west-1.amazonaws.com/v2/email/outbound-emails');
    expect(JSON.parse(req.body)).toEqual({
      FromEmailAddress: '"Tea House" <hello@tea.example.com>',
      FromEmailAddressIdentityArn: 'arn:aws:ses:eu-west-1:111122223333:identity/tea.example.com',
      Destination: { ToAddresses: ['fang@example.com'] },
      Content: {
        Simple: {
          Subject: { Data: '春茶 is here', Charset: 'UTF-8' },
          Body: { Html: { Data: '<p>Html</p>', Charset: 'UTF-8' }, Text: { Data: 'Plain text', Charset: 'UTF-8' } },
          Headers: [
            { Name: 'List-Unsubscribe', Value: '<https://crm.example.com/v1/unsubscribe/x>' },
            { Name: 'List-Unsubscribe-Post', Value: 'List-Unsubscribe=One-Click' },
          ],
        },
      },
      EmailTags: [
        { Name: 'crm-message-id', Value: '01HMSGAAAAAAAAAAAAAAAAAAAA' },
        { Name: 'crm-purpose', Value: 'marketing' },
        { Name: 'crm-sourceKind', Value: 'campaign' },
        { Name: 'crm-sourceId', Value: '01HCMP_variant_A' },
      ],
      ConfigurationSetName: 'crm-prod',
    });
  });

  it('quotes or encodes the display name', () => {
    expect(fromHeader('Tea "House"', 'a@b.c')).toBe('"Tea \\"House\\"" <a@b.c>');
    expect(fromHeader('茶馆', 'a@b.c')).toBe(`=?UTF-8?B?${Buffer.from('茶馆').toString('base64')}?= <a@b.c>`);
    expect(fromHeader(undefined, 'a@b.c')).toBe('a@b.c');
  });

  it('signs the request and returns the SES message id', async () => {
    const seen: Captured[] = [];
    const sender = new SesEmailSender({ region: 'eu-west-1' }, { credentials, fetch: fakeFetch([{ status: 200, body: { MessageId: '0102-ses-id' } }], seen) });
    const r = await sender.send(email);
    expect(r).toMatchObject({ status: 'sent', provider: 'ses', providerMessageId: '0102-ses-id' });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.headers['x-amz-security-token']).toBe('session-token');
    expectValidSigV4(seen[0]!, 'ses', 'eu-west-1');
    expect(sender.idempotent).toBe(false);
  });

  it('a refusal is final, throttling is retried (nothing was sent), a 5xx is an unknown outcome and not retried', async () => {
    const seen: Captured[] = [];
    const refused = new SesEmailSender({ region: 'us-east-1' }, { credentials, fetch: fakeFetch([{ status: 400, body: { message: 'Email address is not verified.' }, headers: { 'x-amzn-errortype': 'MessageRejected:http://internal.amazon.com/' } }], seen) });
    await expect(refused.send(email)).rejects.toMatchObject({ outcome: 'rejected', code: 'MessageRejected', status: 400 });
    const throttled = new SesEmailSender({ region: 'us-east-1' }, { credentials, backoffMs: 1, fetch: fakeFetch([{ status: 429, body: { message: 'Maximum sending rate exceeded.' }, headers: { 'x-amzn-errortype': 'TooManyRequestsException' } }, { status: 200, body: { MessageId: 'm2' } }], seen) });
    await expect(throttled.send(email)).resolves.toMatchObject({ providerMessageId: 'm2' });
    const before = seen.length;
    const broken = new SesEmailSender({ region: 'us-east-1' }, { credentials, fetch: fakeFetch([{ status: 500, body: { message: 'oops' } }, { status: 200, body: { MessageId: 'never' } }], seen) });
    await expect(broken.send(email)).rejects.toMatchObject({ outcome: 'unknown' });
    expect(seen.length - before).toBe(1);
    const down = new SesEmailSender({ region: 'us-east-1' }, { credentials, fetch: async () => Promise.reject(Object.assign(new Error('socket hang up'), { name: 'FetchError' })) });
    await expect(down.send(email)).rejects.toMatchObject({ outcome: 'unknown', code: 'NetworkingError' });
    await expect(new SesEmailSender({ region: 'us-east-1' }, { credentials }).send({ ...email, from: undefined })).rejects.toBeInstanceOf(ChannelError);
  });
});

describe('End User Messaging SendTextMessage', () => {
  const sms: OutboundMessage = { id: '01HSMSAAAAAAAAAAAAAAAAAAAA', channel: 'sms', to: '+8613800000000', body: '春茶八折回TD退订', purpose: 'marketing', refs: { sourceKind: 'journey', sourceId: 'j1' } };

  it('builds the JSON 1.0 request: promotional for marketing, transactional otherwise, our id in the context', () => {
    const req = smsSendTextRequest({ region: 'ap-southeast-1', originationIdentity: 'pool-123', configurationSet: 'crm-sms', timeToLiveSeconds: 3600 }, sms);
    expect(req.url).toBe('https://sms-voice.ap-southeast-1.amazonaws.com/');
    expect(req.headers).toEqual({ 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'PinpointSMSVoiceV2.SendTextMessage' });
    expect(JSON.parse(req.body)).toEqual({
      DestinationPhoneNumber: '+8613800000000',
      OriginationIdentity: 'pool-123',
      MessageBody: '春茶八折回TD退订',
      MessageType: 'PROMOTIONAL',
      ConfigurationSetName: 'crm-sms',
      TimeToLive: 3600,
      Context: { crmMessageId: '01HSMSAAAAAAAAAAAAAAAAAAAA', crmSourceKind: 'journey', crmSourceId: 'j1' },
    });
    expect(JSON.parse(smsSendTextRequest({ region: 'x' }, { ...sms, purpose: 'transactional', from: 'TEAHOUSE' }).body)).toMatchObject({ MessageType: 'TRANSACTIONAL', OriginationIdentity: 'TEAHOUSE' });
  });

  it('signs it and reads the message id; a JSON 1.0 error type is read from __type', async () => {
    const seen: Captured[] = [];
    const sender = new EndUserMessagingSmsSender({ region: 'ap-southeast-1', originationIdentity: 'pool-123' }, { credentials, fetch: fakeFetch([{ status: 200, body: { MessageId: 'sms-1' } }], seen) });
    await expect(sender.send(sms)).resolves.toMatchObject({ provider: 'sms', providerMessageId: 'sms-1' });
    expectValidSigV4(seen[0]!, 'sms-voice', 'ap-southeast-1');
    expect(seen[0]!.headers['x-amz-target']).toBe('PinpointSMSVoiceV2.SendTextMessage');
    expect(answerError(400, JSON.stringify({ __type: 'com.amazonaws.pinpointsmsvoicev2#ValidationException', message: 'Invalid number' }), null, 'SMS')).toMatchObject({ outcome: 'rejected', code: 'ValidationException' });
    expect(answerError(400, JSON.stringify({ __type: 'ThrottlingException', message: 'slow down' }), null, 'SMS')).toMatchObject({ outcome: 'throttled' });
  });
});

describe('webhook channel', () => {
  const wechat: OutboundMessage = { id: '01HWHKAAAAAAAAAAAAAAAAAAAA', channel: 'webhook', to: '01HCUST', customerId: '01HCUST', body: '{}', payload: { template_id: 'T1', data: { name: 'Fang' } }, purpose: 'marketing', refs: { sourceKind: 'campaign', sourceId: 'c1' } };

  it('POSTs the message signed, with the message id as the delivery id (the receiver dedups a retry)', async () => {
    const seen: { url: string; headers: Record<string, string>; body: string }[] = [];
    const sender = new WebhookChannelSender({
      url: async () => 'https://gateway.example.com/crm',
      secret: async () => 'shh',
      fetch: (async (url: string, init: { headers: Record<string, string>; body: string }) => {
        seen.push({ url, headers: init.headers, body: init.body });
        return new Response('{}', { status: 202 });
      }) as unknown as typeof fetch,
    });
    await expect(sender.send(wechat)).resolves.toMatchObject({ status: 'sent', provider: 'webhook' });
    expect(seen[0]!.headers['x-crm-delivery']).toBe(wechat.id);
    expect(JSON.parse(seen[0]!.body)).toEqual(webhookChannelBody(wechat));
    expect(verifyCrmSignature(Buffer.from(seen[0]!.body), seen[0]!.headers['x-crm-signature'], ['shh'], Date.now())).toMatchObject({ ok: true });
    expect(sender.idempotent).toBe(true);
  });

  it('4xx is a refusal, 5xx may be retried, no URL is a refusal', async () => {
    const answering = (status: number) => new WebhookChannelSender({ url: async () => 'https://g.example', secret: async () => 's', fetch: (async () => new Response('', { status })) as unknown as typeof fetch });
    await expect(answering(422).send(wechat)).rejects.toMatchObject({ outcome: 'rejected', status: 422 });
    await expect(answering(503).send(wechat)).rejects.toMatchObject({ outcome: 'unknown', status: 503 });
    await expect(new WebhookChannelSender({ url: async () => undefined, secret: async () => 's' }).send(wechat)).rejects.toMatchObject({ outcome: 'rejected', code: 'NoEndpoint' });
  });
});

describe('which adapters run is configuration', () => {
  it('reads the environment CDK sets; nothing set means the dev outbox for every channel', () => {
    expect(channelEnv({})).toEqual({ region: 'us-east-1' });
    expect(
      channelEnv({ AWS_REGION: 'eu-west-1', CRM_EMAIL_PROVIDER: 'ses', CRM_SES_IDENTITY_ARN: 'arn:id', CRM_SES_CONFIGURATION_SET: 'cs', CRM_SMS_PROVIDER: 'end-user-messaging', CRM_SMS_ORIGINATION_IDENTITY: 'pool', CRM_SMS_CONFIGURATION_SET: 'smscs', CRM_CHANNEL_WEBHOOK_SECRET_ARN: 'arn:secret' }),
    ).toEqual({ region: 'eu-west-1', email: { fromIdentityArn: 'arn:id', configurationSet: 'cs' }, sms: { originationIdentity: 'pool', configurationSet: 'smscs' }, webhook: { secretArn: 'arn:secret' } });
  });

  it('AwsJsonCaller signs per call (a fresh date each attempt)', async () => {
    const caller = new AwsJsonCaller({ credentials });
    const h = await caller.sign({ service: 'ses', region: 'us-east-1', url: 'https://email.us-east-1.amazonaws.com/v2/email/outbound-emails', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(h['x-amz-date']).toMatch(/^\d{8}T\d{6}Z$/);
    expectValidSigV4({ url: 'https://email.us-east-1.amazonaws.com/v2/email/outbound-emails', headers: h, body: '{}' }, 'ses', 'us-east-1');
  });
});
