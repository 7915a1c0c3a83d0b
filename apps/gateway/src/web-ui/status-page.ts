/** Shown at / until the web UI is built (apps/web/dist); the SPA replaces it. */
export function statusPageHtml(version: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>DNA Marketing Engine</title>
<style>
  body { font-family: system-ui, sans-serif; max-width: 40rem; margin: 4rem auto; padding: 0 1rem; color: #1f2933; }
  h1 { font-size: 1.6rem; margin-bottom: .25rem; }
  p.muted { color: #616e7c; margin-top: 0; }
  li { margin: .4rem 0; }
  code { background: #f0f4f8; padding: .1rem .3rem; border-radius: 3px; }
</style>
</head>
<body>
<h1>DNA Marketing Engine</h1>
<p class="muted">Gateway ${escapeHtml(version)} &middot; the web UI is not built yet.</p>
<ul>
  <li><a href="/api/v1">/api/v1</a>: the API index</li>
  <li><a href="/health">/health</a>: service health</li>
  <li><a href="/ready">/ready</a>: readiness</li>
</ul>
<p>Producers send events to <code>POST /api/v1/events/ingest</code> with an <code>X-API-Key</code>.</p>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
