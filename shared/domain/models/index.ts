/** Customer value models: pure functions, no I/O (docs/value-models.md). */
export * from './special-functions';
export * from './nelder-mead';
export * from './bg-nbd';
export * from './gamma-gamma';
export * from './clv';
export * from './purchase-history';
export * from './rfm';
export * from './tiers';
export * from './lifecycle';
export * from './churn-warning';
export { DAY_MS } from './days';
