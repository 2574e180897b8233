import { Validations, type Stack } from 'aws-cdk-lib';
import { AwsSolutionsChecks, NagPack } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { buildTestApp, type TestApp } from './test-app';

/**
 * cdk-nag (AWS Solutions pack) over both stacks, as synthesized. Every finding is either fixed or
 * acknowledged in the stack code, next to the construct, with its reason; this test fails on any
 * unacknowledged finding and on any acknowledgement that no longer matches a finding.
 */
let built: TestApp;

beforeAll(() => {
  built = buildTestApp();
  built.app.synth(); // cross-stack references resolved, as the validation plugin sees them
});
afterAll(() => built.cleanup());

interface Ack {
  path: string;
  id: string;
  reason: string;
}

/** The acknowledgements recorded with Validations.of(x).acknowledge() anywhere under `root`. */
function acknowledgements(root: IConstruct): Ack[] {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) => Object.entries(m.data as Record<string, string>))
      .map(([id, reason]) => ({ path: c.node.path, id: id.replace(/^annotation::/i, ''), reason })),
  );
}

/** Findings as `rule @ construct path` lines, so a failure names what to fix. */
function findings(stack: Stack): string[] {
  const { violations } = new AwsSolutionsChecks().validateScope(stack);
  return violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} @ ${r.constructPath}`));
}

describe.each(['stateful', 'stateless'] as const)('cdk-nag AwsSolutions on the %s stack', (name) => {
  test('has no unacknowledged finding', () => {
    expect(findings(built[name])).toEqual([]);
  });

  test('every acknowledgement still matches a finding and gives a specific reason', () => {
    const stack = built[name];
    const acks = acknowledgements(stack);
    expect(acks.length).toBeGreaterThan(0);
    const raw = (() => {
      const spy = jest.spyOn(NagPack.prototype as unknown as { isAcknowledged: () => boolean }, 'isAcknowledged').mockReturnValue(false);
      try {
        return findings(stack);
      } finally {
        spy.mockRestore();
      }
    })();
    for (const ack of acks) {
      const matched = raw.some((f) => {
        const [rule, path] = f.split(' @ ');
        return rule === ack.id && (path === ack.path || path!.startsWith(`${ack.path}/`));
      });
      expect({ ...ack, matched }).toEqual({ ...ack, matched: true });
      expect(ack.reason.length).toBeGreaterThanOrEqual(60);
    }
  });
});
