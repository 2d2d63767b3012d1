import { createHash } from 'node:crypto';

const STYLE =
  'body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem}table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.3rem .5rem;text-align:left}.deprecated{color:#a40}';

/** What the docs page may load: its one inline style (by hash), nothing else; nobody may frame it. */
export const DOCS_CSP = `default-src 'none'; style-src 'sha256-${createHash('sha256').update(STYLE).digest('base64')}'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`;

/** A small self-contained HTML page over the OpenAPI documents: no CDN, no script. */
export function renderDocsPage(title: string, documents: Record<string, Record<string, unknown>>): string {
  const sections = Object.entries(documents)
    .map(([version, document]) => {
      const paths = (document.paths ?? {}) as Record<string, Record<string, { summary?: string; security?: Record<string, string[]>[] }>>;
      const rows = Object.entries(paths)
        .flatMap(([path, operations]) =>
          Object.entries(operations).map(
            ([method, op]) =>
              `<tr><td><code>${method.toUpperCase()}</code></td><td><code>${escape(path)}</code></td><td>${escape(op.summary ?? '')}</td><td>${accessOf(op.security)}</td></tr>`,
          ),
        )
        .join('\n');
      const info = document.info as { description?: string; 'x-sunset'?: string } | undefined;
      const deprecated = info?.['x-sunset']
        ? ` <small class="deprecated">deprecated: ${escape(info.description?.split('\n\n')[0] ?? '')}</small>`
        : '';
      return `<section id="${escape(version)}"><h2>${escape(version)}${deprecated}</h2>
<p>OpenAPI 3.1: <a href="/api/${escape(version)}/openapi.json">/api/${escape(version)}/openapi.json</a></p>
<table><thead><tr><th>method</th><th>path</th><th>what</th><th>auth</th></tr></thead><tbody>
${rows}
</tbody></table></section>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>${escape(title)} API</title>
<style>${STYLE}</style>
</head><body><h1>${escape(title)} API</h1>
${sections}
</body></html>`;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** `token`, `staff token`, or nothing for a public operation. */
function accessOf(security: Record<string, string[]>[] | undefined): string {
  const requirement = security?.[0];
  if (!requirement) return '';
  return 'staffBearerAuth' in requirement ? 'staff token' : 'token';
}
