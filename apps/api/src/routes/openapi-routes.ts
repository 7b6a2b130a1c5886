import type { ApiApp } from '@tradeloom/kernel';

/** Where the OpenAPI document and its page are served. */
export const openApiPath = '/api/v1/openapi.json';
export const docsPath = '/api/v1/docs';

const httpMethods = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** The page's own CSP: inline styles only, no script, nothing from any other origin. */
const docsContentSecurityPolicy =
  "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

interface Operation {
  method: string;
  path: string;
  summary: string;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function textOf(value: unknown, key: string): string {
  if (typeof value !== 'object' || value === null) return '';
  const field: unknown = (value as Record<string, unknown>)[key];
  return typeof field === 'string' ? field : '';
}

function operationsOf(document: object): Operation[] {
  const paths: unknown = (document as Record<string, unknown>).paths;
  if (typeof paths !== 'object' || paths === null) return [];
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(paths)) {
    if (typeof item !== 'object' || item === null) continue;
    for (const method of httpMethods) {
      const operation: unknown = (item as Record<string, unknown>)[method];
      if (operation !== undefined) operations.push({ method, path, summary: textOf(operation, 'summary') });
    }
  }
  return operations;
}

/** A self-contained page listing the operations (no script, no CDN: it works offline and under CSP). */
export function renderDocsPage(document: object): string {
  const info: unknown = (document as Record<string, unknown>).info;
  const title = `${textOf(info, 'title')} ${textOf(info, 'version')}`.trim() || 'API';
  const rows = operationsOf(document)
    .map(
      (op) =>
        `<tr><td class="m">${escapeHtml(op.method.toUpperCase())}</td><td><code>${escapeHtml(op.path)}</code></td><td>${escapeHtml(op.summary)}</td></tr>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font: 15px/1.5 system-ui, sans-serif; margin: 2rem auto; max-width: 60rem; padding: 0 1rem; color: #1b1f24; background: #fff; }
@media (prefers-color-scheme: dark) { body { color: #e6edf3; background: #0d1117; } a { color: #58a6ff; } }
table { border-collapse: collapse; width: 100%; }
td, th { text-align: left; padding: .35rem .6rem; border-bottom: 1px solid #8884; }
td.m { font-weight: 600; font-family: ui-monospace, monospace; }
</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p>The machine-readable document: <a href="${openApiPath}">${openApiPath}</a> (OpenAPI 3).</p>
<table>
<thead><tr><th>Method</th><th>Path</th><th>Summary</th></tr></thead>
<tbody>
${rows}
</tbody>
</table>
</body>
</html>
`;
}

/** The OpenAPI document (generated from the routes' zod schemas) and its docs page. */
export function registerOpenApiRoutes(app: ApiApp): void {
  app.get(openApiPath, { config: { permission: 'public' }, schema: { hide: true } }, async () =>
    app.swagger(),
  );
  app.get(docsPath, { config: { permission: 'public' }, schema: { hide: true } }, async (_request, reply) =>
    reply
      .type('text/html; charset=utf-8')
      .header('content-security-policy', docsContentSecurityPolicy)
      .send(renderDocsPage(app.swagger())),
  );
}
