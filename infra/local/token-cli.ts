/**
 * `npm run token -- --role <role> [--sub id] [--ttl seconds]`: prints one bearer token for the
 * local stack, signed with the key in the state directory (the same one `npm start` uses).
 * `--user <sub>`: a token of an invited user, with their roles and e-mail from the running stack
 * (`POST /v1/users`); `--client <id>`: a machine client's token (role integration; see its grant).
 */
import { parseArgs } from 'node:util';
import { isRole, ROLES } from '../../shared/domain/roles';
import { defaultStateDir, loadOrCreateKeys, mintToken } from './tokens';
// Users and integration clients (issue 7)
import { clientToken, userToken } from './token-users';

const USAGE = `usage: npm run token -- --role <${ROLES.join('|')}> [--sub id] [--ttl seconds] [--state dir]
       npm run token -- --user <sub> [--url URL] [--ttl seconds] [--state dir]
       npm run token -- --client <client id> [--ttl seconds] [--state dir]`;

async function main(): Promise<number> {
  let values: { role?: string; sub?: string; ttl?: string; state?: string; help?: boolean; user?: string; client?: string; url?: string };
  try {
    ({ values } = parseArgs({
      options: {
        role: { type: 'string' },
        sub: { type: 'string' },
        ttl: { type: 'string' },
        state: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        user: { type: 'string' },
        client: { type: 'string' },
        url: { type: 'string' },
      },
    }));
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.user || values.client) {
    if ([values.role, values.user, values.client].filter(Boolean).length > 1) {
      console.error(`--role, --user and --client exclude each other.\n${USAGE}`);
      return 2;
    }
    const ttlArg = values.ttl === undefined ? undefined : Number(values.ttl);
    if (ttlArg !== undefined && (!Number.isInteger(ttlArg) || ttlArg <= 0)) {
      console.error(`--ttl must be a positive number of seconds, not "${values.ttl}".`);
      return 2;
    }
    const stateDir = values.state ?? defaultStateDir();
    try {
      const token = values.user ? await userToken(stateDir, values.user, { url: values.url, ttlSeconds: ttlArg }) : await clientToken(stateDir, values.client!, ttlArg);
      process.stdout.write(`${token}\n`);
      return 0;
    } catch (e) {
      console.error((e as Error).message);
      return 1;
    }
  }
  if (!values.role) {
    console.error(`--role is required.\n${USAGE}`);
    return 2;
  }
  if (!isRole(values.role)) {
    console.error(`Unknown role "${values.role}". Roles are: ${ROLES.join(', ')}.`);
    return 2;
  }
  const ttl = values.ttl === undefined ? undefined : Number(values.ttl);
  if (ttl !== undefined && (!Number.isInteger(ttl) || ttl <= 0)) {
    console.error(`--ttl must be a positive number of seconds, not "${values.ttl}".`);
    return 2;
  }
  const keys = loadOrCreateKeys(values.state ?? defaultStateDir());
  const token = await mintToken(keys, { role: values.role, ...(values.sub ? { sub: values.sub } : {}), ...(ttl ? { ttlSeconds: ttl } : {}) });
  process.stdout.write(`${token}\n`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
