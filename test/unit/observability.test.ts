import { countMetric, emfDocument, flushMetrics } from '../../shared/runtime/observability';

describe('EMF metrics', () => {
  afterEach(() => flushMetrics());

  it('sums counts per name into one embedded-metric-format document', () => {
    countMetric('CustomersCreated');
    countMetric('CustomersCreated');
    countMetric('EventsPublished', 5);
    expect(emfDocument(1700000000000)).toEqual({
      _aws: {
        Timestamp: 1700000000000,
        CloudWatchMetrics: [{ Namespace: 'Crm', Dimensions: [['service']], Metrics: [{ Name: 'CustomersCreated', Unit: 'Count' }, { Name: 'EventsPublished', Unit: 'Count' }] }],
      },
      service: 'crm',
      CustomersCreated: 2,
      EventsPublished: 5,
    });
  });

  it('has nothing to write after a flush', () => {
    countMetric('X');
    flushMetrics();
    expect(emfDocument()).toBeUndefined();
  });
});

describe('JSON logs', () => {
  it('writes one JSON line with the correlation id and serialized errors, honouring the level', () => {
    const { invocationLogger, rootLogger } = jest.requireActual('../../shared/runtime/observability') as typeof import('../../shared/runtime/observability');
    const lines: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => (lines.push(String(s)), true));
    try {
      rootLogger.setLogLevel('INFO');
      const log = invocationLogger('corr-9', { route: 'GET /x' });
      log.debug('hidden');
      log.error('boom', { error: new Error('bad thing') });
      rootLogger.setLogLevel('SILENT');
      log.error('not written');
    } finally {
      spy.mockRestore();
    }
    expect(lines).toHaveLength(1);
    const doc = JSON.parse(lines[0]!);
    expect(doc).toMatchObject({ level: 'ERROR', message: 'boom', correlationId: 'corr-9', route: 'GET /x', service: 'crm', error: { name: 'Error', message: 'bad thing' } });
  });
});
