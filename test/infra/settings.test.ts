import { readSettings, SettingsError } from '../../infra/settings';

const ctx = (values: Record<string, unknown>) => ({ tryGetContext: (key: string) => values[key] });
const problems = (values: Record<string, unknown>): string[] => {
  try {
    readSettings(ctx(values));
  } catch (err) {
    if (err instanceof SettingsError) return err.problems;
    throw err;
  }
  return [];
};

describe('readSettings', () => {
  test('applies defaults and splits comma-separated origins', () => {
    expect(readSettings(ctx({ corsOrigins: 'https://app.example.com, http://localhost:3000', alarmEmail: '' }))).toEqual({
      stage: 'dev',
      corsOrigins: ['https://app.example.com', 'http://localhost:3000'],
      defaultPhoneRegion: 'CN',
      throttle: { rateLimit: 100, burstLimit: 200 },
    });
  });

  test('reads every setting, numbers given as strings on the command line included', () => {
    expect(
      readSettings(ctx({ stage: 'prod-eu', corsOrigins: ['https://crm.example.com'], defaultPhoneRegion: 'US', alarmEmail: 'ops@example.com', throttleRate: '20', throttleBurst: 40 })),
    ).toEqual({
      stage: 'prod-eu',
      corsOrigins: ['https://crm.example.com'],
      defaultPhoneRegion: 'US',
      alarmEmail: 'ops@example.com',
      throttle: { rateLimit: 20, burstLimit: 40 },
    });
  });

  test.each([
    [{ stage: 'Prod' }, /stage/],
    [{ stage: 'a'.repeat(21) }, /stage/],
    [{ corsOrigins: '' }, /corsOrigins is required/],
    [{ corsOrigins: '*' }, /"\*" is not an origin/],
    [{ corsOrigins: 'https://app.example.com/' }, /not an origin/],
    [{ corsOrigins: 'ftp://files.example.com' }, /not an origin/],
    [{ defaultPhoneRegion: 'cn' }, /defaultPhoneRegion/],
    [{ alarmEmail: 'ops' }, /alarmEmail/],
    [{ throttleRate: '0' }, /throttleRate must be a positive integer/],
    [{ throttleBurst: 'many' }, /throttleBurst must be a positive integer/],
  ])('rejects %j', (bad, message) => {
    const found = problems({ corsOrigins: 'https://app.example.com', ...bad });
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(message);
  });

  test('reports every problem at once', () => {
    expect(problems({ stage: 'X', corsOrigins: '', defaultPhoneRegion: 'xx', throttleRate: -1 })).toHaveLength(4);
    expect(() => readSettings(ctx({ stage: 'X', corsOrigins: 'https://a.example' }))).toThrow(/Invalid deploy settings[\s\S]*stage/);
  });
});
