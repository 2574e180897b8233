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
