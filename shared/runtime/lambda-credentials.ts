/**
 * Stand-in for `@aws-sdk/credential-provider-node` in Lambda bundles (an esbuild alias set in
 * infra/bundling.ts). Lambda always hands a function its role's credentials in environment
 * variables, so the default chain's SSO, INI, process, web-identity and IMDS providers (and the
 * STS/SSO clients they pull in, ~90 KB) are dead weight there. Never used outside Lambda.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';

export const defaultProvider = (init: Parameters<typeof fromEnv>[0] = {}) => fromEnv(init);
export const credentialsWillNeedRefresh = (c?: { expiration?: Date }) => c?.expiration !== undefined;
export const credentialsTreatedAsExpired = (c?: { expiration?: Date }) => c?.expiration !== undefined && c.expiration.getTime() - Date.now() < 300_000;
