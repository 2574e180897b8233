import type { UserDirectory } from './directory';

/**
 * The user directory of the local runtime and tests: the table's user record is the whole
 * directory (the local token command mints a user's token from it: `npm run token -- --user <sub>`),
 * so there is nothing to mirror. An invited person gets a generated `sub`, as Cognito would give.
 */
export class LocalDirectory implements UserDirectory {
  readonly kind = 'local' as const;
  constructor(private readonly newSub: () => string) {}

  async createUser(): Promise<{ sub: string; created: boolean }> {
    return { sub: this.newSub(), created: true };
  }
  async resendInvitation(): Promise<void> {}
  async setGroups(): Promise<void> {}
  async updateName(): Promise<void> {}
  async disable(): Promise<void> {}
  async enable(): Promise<void> {}
}
