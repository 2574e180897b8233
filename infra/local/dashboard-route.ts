import { existsSync, readFileSync, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

/**
 * GET /dashboard: the analytics dashboard (the static files in `dashboard/`, no build step),
 * served by the local runtime the way CloudFront serves them from S3 in AWS. The page asks for a
 * token (pasted, or `npm run token`), keeps it in sessionStorage and calls /v1/reports/... on the
 * same origin. Only files inside the folder are served.
 */
export const DASHBOARD_DIR = join(__dirname, '..', '..', 'dashboard');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.json': 'application/json',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
};

/** The page's Content-Security-Policy: its own scripts and styles, API calls to the same origin only. */
export const DASHBOARD_CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

export function isDashboardPath(method: string, path: string): boolean {
  return (method === 'GET' || method === 'HEAD') && (path === '/dashboard' || path.startsWith('/dashboard/'));
}

export function serveDashboard(path: string, res: ServerResponse, headers: Record<string, string>, dir = DASHBOARD_DIR): boolean {
  if (path === '/dashboard') {
    res.writeHead(301, { ...headers, location: '/dashboard/' });
    res.end();
    return true;
  }
  let rel: string;
  try {
    rel = decodeURIComponent(path.slice('/dashboard/'.length)) || 'index.html';
  } catch {
    rel = '';
  }
  const file = normalize(join(dir, rel));
  const inside = file.startsWith(dir + sep) || file === dir;
  if (!rel || !inside || !existsSync(file) || !statSync(file).isFile() || !TYPES[extname(file)]) {
    res.writeHead(404, { ...headers, 'content-type': 'text/plain; charset=utf-8' });
    res.end('Not found');
    return true;
  }
  res.writeHead(200, {
    ...headers,
    'content-type': TYPES[extname(file)]!,
    'cache-control': 'no-cache',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    ...(extname(file) === '.html' ? { 'content-security-policy': DASHBOARD_CSP, 'x-frame-options': 'DENY' } : {}),
  });
  res.end(readFileSync(file));
  return true;
}
