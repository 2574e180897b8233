import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { ServerResponse } from 'node:http';

/**
 * GET /docs: Swagger UI (the npm package swagger-ui-dist, served from node_modules) pointed at
 * /openapi.json. Without the package, a small page that lists the operations instead.
 */
const ASSETS: Record<string, string> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
  'swagger-ui-standalone-preset.js': 'text/javascript; charset=utf-8',
  'favicon-32x32.png': 'image/png',
  'favicon-16x16.png': 'image/png',
};

function swaggerDir(): string | undefined {
  try {
    const dir = dirname(require.resolve('swagger-ui-dist/package.json'));
    return existsSync(join(dir, 'swagger-ui-bundle.js')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

const SWAGGER_PAGE = `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>CRM API (local)</title>
  <link rel="stylesheet" href="/docs/swagger-ui.css">
  <link rel="icon" type="image/png" href="/docs/favicon-32x32.png">
</head>
<body>
  <div id="swagger-ui"></div>
  <script src="/docs/swagger-ui-bundle.js"></script>
  <script src="/docs/swagger-ui-standalone-preset.js"></script>
  <script>
    window.ui = SwaggerUIBundle({
      url: '/openapi.json',
      dom_id: '#swagger-ui',
      deepLinking: true,
      persistAuthorization: true,
      presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
      layout: 'StandaloneLayout',
    });
  </script>
</body>
</html>`;

const FALLBACK_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>CRM API (local)</title>
<style>body{font:14px system-ui,sans-serif;margin:2em}code{background:#eee;padding:0 .3em}td{padding:.2em .8em}</style></head>
<body><h1>CRM API (local)</h1><p>The OpenAPI document is at <a href="/openapi.json">/openapi.json</a>.</p>
<table id="ops"></table>
<script>
fetch('/openapi.json').then(r => r.json()).then(doc => {
  const rows = [];
  for (const [path, ops] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(ops))
      rows.push('<tr><td><code>' + method.toUpperCase() + '</code></td><td><code>' + path + '</code></td><td>' + (op.summary || '') + '</td></tr>');
  document.getElementById('ops').innerHTML = rows.join('');
});
</script></body></html>`;

const dir = swaggerDir();

/** Answers /docs and its assets; returns false for any other path. */
export function serveDocs(path: string, res: ServerResponse, headers: Record<string, string>): boolean {
  if (path === '/docs' || path === '/docs/') {
    const body = dir ? SWAGGER_PAGE : FALLBACK_PAGE;
    res.writeHead(200, { ...headers, 'content-type': 'text/html; charset=utf-8', 'content-length': String(Buffer.byteLength(body)) });
    res.end(body);
    return true;
  }
  const name = path.startsWith('/docs/') ? path.slice('/docs/'.length) : '';
  const type = ASSETS[name];
  if (!dir || !type) return false;
  const body = readFileSync(join(dir, name));
  res.writeHead(200, { ...headers, 'content-type': type, 'content-length': String(body.length), 'cache-control': 'public, max-age=3600' });
  res.end(body);
  return true;
}
