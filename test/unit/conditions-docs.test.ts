import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compileCondition, conditionIssues } from '../../shared/domain/conditions';

const doc = readFileSync(join(__dirname, '../../docs/conditions.md'), 'utf8');
const examples = [...doc.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1]!);

describe('docs/conditions.md', () => {
  it('has examples', () => {
    expect(examples.length).toBeGreaterThan(8);
  });
  it.each(examples.map((e, i) => [i, e]))('example %i is a valid condition that compiles', (_, text) => {
    const tree = JSON.parse(text as string);
    expect(conditionIssues(tree, { baseCurrency: 'USD' })).toEqual([]);
    expect(typeof compileCondition(tree, { baseCurrency: 'USD' })).toBe('function');
  });
  it('shows errors as the validator words them', () => {
    const lines = [...doc.matchAll(/```text\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.trim().split('\n'));
    const trees = [
      { all: [{ kind: 'tag', op: 'has', value: 'a' }, { kind: 'tag', op: 'has', value: 'b' }, { any: [{ kind: 'orders', field: 'count', op: 'gte', value: 'x' }] }] },
      { all: [{ kind: 'tag', op: 'has', value: 'a', vaule: 'b' }] },
      { any: [] },
    ];
    expect(trees.map((t) => conditionIssues(t).map((i) => `${i.field}: ${i.message}`)[0])).toEqual(lines);
  });
});
