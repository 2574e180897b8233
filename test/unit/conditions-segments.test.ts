import { detectCycle, segmentRefs, type Condition } from '../../shared/domain/conditions';

const seg = (id: string, op: 'in' | 'notIn' = 'in'): Condition => ({ kind: 'segment', op, value: id });
const tag: Condition = { kind: 'tag', op: 'has', value: 'vip' };

describe('segment references', () => {
  it('lists each referenced segment once, in order, through every group', () => {
    expect(segmentRefs({ all: [seg('a'), { any: [tag, seg('b', 'notIn'), { not: seg('a') }] }, { not: { all: [seg('c')] } }] })).toEqual(['a', 'b', 'c']);
    expect(segmentRefs(tag)).toEqual([]);
  });
});

describe('detectCycle', () => {
  const trees: Record<string, Condition> = {
    a: { all: [tag, seg('b')] },
    b: { any: [seg('c'), seg('d')] },
    c: tag,
    d: { not: seg('e') },
    e: seg('c'),
    x: seg('y'),
    y: seg('x'),
  };
  const lookup = (id: string) => trees[id];

  it('finds none in a chain without a loop (shared references are fine)', () => {
    expect(detectCycle('a', trees.a!, lookup)).toBeUndefined();
    expect(detectCycle('new', { all: [seg('b'), seg('e'), seg('c')] }, lookup)).toBeUndefined();
  });
  it('finds a segment that refers to itself', () => {
    expect(detectCycle('a', { any: [tag, { not: seg('a') }] }, lookup)).toEqual(['a', 'a']);
  });
  it('finds a loop back through other segments, with the path', () => {
    // Saving c as "in a" would close c → a → b → c.
    expect(detectCycle('c', seg('a'), lookup)).toEqual(['c', 'a', 'b', 'c']);
    expect(detectCycle('e', { all: [tag, seg('d')] }, lookup)).toEqual(['e', 'd', 'e']);
  });
  it('reports a loop among others that the segment reaches', () => {
    expect(detectCycle('n', { all: [seg('b'), seg('x')] }, lookup)).toEqual(['n', 'x', 'y', 'x']);
  });
  it('skips segments it cannot find', () => {
    expect(detectCycle('n', seg('missing'), lookup)).toBeUndefined();
  });
  it('uses the new tree of the segment, not the stored one', () => {
    // Stored a refers to b; the new a does not, so b → ... → a is no loop.
    expect(detectCycle('a', tag, (id) => (id === 'b' ? seg('a') : trees[id]))).toBeUndefined();
    expect(detectCycle('a', seg('b'), (id) => (id === 'b' ? seg('a') : trees[id]))).toEqual(['a', 'b', 'a']);
  });
});
