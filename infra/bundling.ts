import { join } from 'node:path';

/**
 * How every Lambda is bundled, shared by the CDK function construct and `npm run bench` so the
 * measured bundles are the deployed ones: minified, node22, CJS, AWS SDK included, and the SDK's
 * default credential chain replaced by the environment provider (see shared/runtime/lambda-credentials.ts).
 */
export const REPO_ROOT = join(__dirname, '..');

export const BUNDLE_ALIASES: Record<string, string> = {
  '@aws-sdk/credential-provider-node': join(REPO_ROOT, 'shared', 'runtime', 'lambda-credentials.ts'),
};

export const BUNDLE_OPTIONS = {
  bundle: true,
  minify: true,
  platform: 'node',
  target: 'node22',
  format: 'cjs',
  mainFields: ['module', 'main'],
  alias: BUNDLE_ALIASES,
} as const;

/** The same aliases as NodejsFunction `bundling.esbuildArgs`. */
export const esbuildAliasArgs = (): Record<string, string> =>
  Object.fromEntries(Object.entries(BUNDLE_ALIASES).map(([from, to]) => [`--alias:${from}`, to]));
