import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { httpFunctions } from '../../infra/wiring';
import { permissionMatrix, PERMISSIONS, ROLES } from '../../shared/domain/roles';

/** The README's API table and permission matrix must say what the code does. */
const readme = readFileSync(join(__dirname, '..', '..', 'README.md'), 'utf8');

describe('README', () => {
  it('lists every wired route with its permission', () => {
    for (const f of httpFunctions()) {
      const row = readme.split('\n').find((l) => l.includes(`\`${f.http.method} ${f.http.path}\``));
      expect({ route: `${f.http.method} ${f.http.path}`, row: row ?? 'missing' }).toEqual({ route: `${f.http.method} ${f.http.path}`, row: expect.stringContaining(`\`${f.http.permission}\``) });
    }
  });

  it('shows the permission matrix as the code has it', () => {
    const matrix = permissionMatrix();
    for (const p of PERMISSIONS) {
      const row = readme.split('\n').find((l) => l.startsWith(`| \`${p}\``));
      expect(row).toBeDefined();
      const cells = row!.split('|').slice(2, 2 + ROLES.length).map((c) => c.trim());
      expect(cells).toEqual(ROLES.map((r) => (matrix[r].includes(p) ? 'yes' : '')));
    }
  });
});
