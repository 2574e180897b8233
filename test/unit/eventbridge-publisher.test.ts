import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { makeEvent } from '../../shared/events/envelope';
import { EventBridgePublisher } from '../../shared/events/eventbridge-publisher';

const ev = (i: number) => makeEvent('CustomerRestored', { customerId: `C${i}` }, { id: `E${i}`, occurredAt: '2026-01-01T00:00:00.000Z', correlationId: 'c' });

describe('EventBridgePublisher', () => {
  const eb = mockClient(EventBridgeClient);
  beforeEach(() => eb.reset());

  it('sends batches of 10 with the envelope as detail and the type as detail-type', async () => {
    eb.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [] });
    const pub = new EventBridgePublisher('bus', new EventBridgeClient({ region: 'us-east-1' }));
    expect(await pub.publish(Array.from({ length: 23 }, (_, i) => ev(i)))).toEqual({ failedIds: [] });
    const calls = eb.commandCalls(PutEventsCommand);
    expect(calls.map((c) => c.args[0].input.Entries?.length)).toEqual([10, 10, 3]);
    const first = calls[0]!.args[0].input.Entries![0]!;
    expect(first).toMatchObject({ EventBusName: 'bus', Source: 'crm', DetailType: 'CustomerRestored' });
    expect(JSON.parse(first.Detail!)).toMatchObject({ id: 'E0', data: { customerId: 'C0' } });
  });

  it('retries only the failed entries and reports those that never got through', async () => {
    eb.on(PutEventsCommand)
      .resolvesOnce({ FailedEntryCount: 2, Entries: [{ EventId: 'x' }, { ErrorCode: 'ThrottlingException' }, { ErrorCode: 'InternalFailure' }] })
      .resolvesOnce({ FailedEntryCount: 1, Entries: [{ EventId: 'y' }, { ErrorCode: 'InternalFailure' }] })
      .resolves({ FailedEntryCount: 1, Entries: [{ ErrorCode: 'InternalFailure' }] });
    const pub = new EventBridgePublisher('bus', new EventBridgeClient({ region: 'us-east-1' }), 3);
    const res = await pub.publish([ev(1), ev(2), ev(3)]);
    expect(res.failedIds).toEqual(['E3']);
    const sent = eb.commandCalls(PutEventsCommand).map((c) => c.args[0].input.Entries!.map((e) => JSON.parse(e.Detail!).id));
    expect(sent).toEqual([['E1', 'E2', 'E3'], ['E2', 'E3'], ['E3']]);
  });
});
