import type { Role } from '../domain/roles';

/**
 * The user directory: where people sign in (a Cognito user pool in AWS; locally the table record
 * itself). The table's user record is the authority on roles and status — the HTTP kernel reads it
 * — and the directory mirrors it so tokens carry the right groups and a disabled person cannot
 * sign in or refresh. Every call is idempotent, so repeating a users request re-applies it to the
 * directory (that is how a directory failure after a committed change is healed).
 */
export interface UserDirectory {
  /** `cognito` or `local`: shown in answers, so an administrator knows whether an invitation e-mail went out. */
  readonly kind: 'cognito' | 'local';
  /**
   * Creates the person and sends the invitation (a temporary password by e-mail in AWS). A person
   * who exists in the directory already (created by hand, or an invite whose table write failed)
   * is adopted: `created` false, no e-mail sent.
   */
  createUser(input: { email: string; name: string }): Promise<{ sub: string; created: boolean }>;
  /** Sends the invitation again (a new temporary password); 409 once they have signed in. */
  resendInvitation(input: { email: string; name: string }): Promise<void>;
  /** Adds and removes role groups. */
  setGroups(sub: string, change: { add: readonly Role[]; remove: readonly Role[] }): Promise<void>;
  /** Keeps the directory's name attribute in step with the record. */
  updateName(sub: string, name: string): Promise<void>;
  /** No more sign-ins, and every refresh token revoked (access tokens are refused by the kernel's check). */
  disable(sub: string): Promise<void>;
  enable(sub: string): Promise<void>;
}

let cognito: UserDirectory | undefined;

/**
 * The directory of this process: the Cognito user pool named by CRM_USER_POOL_ID (set by CDK on the
 * users functions only), else the local one.
 */
export async function userDirectory(deps: { ids: { uuid(): string } }, env: NodeJS.ProcessEnv = process.env): Promise<UserDirectory> {
  const poolId = env.CRM_USER_POOL_ID;
  if (poolId) {
    if (!cognito) {
      const { CognitoDirectory } = await import('./cognito-directory');
      cognito = new CognitoDirectory(poolId);
    }
    return cognito;
  }
  const { LocalDirectory } = await import('./local-directory');
  return new LocalDirectory(() => deps.ids.uuid());
}
