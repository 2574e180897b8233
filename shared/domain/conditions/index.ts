/** The condition language of rule tags, segments, journeys and campaign audiences (docs/conditions.md). */
export type { CustomerFacts } from './facts';
export * from './grammar';
export { conditionIssues, parseCondition, type CheckOptions } from './validate';
export { compileCondition, type Evaluator } from './compile';
export { compileTimer, nextChangeAt, type Timer } from './timers';
export { detectCycle, segmentRefs } from './segments';
