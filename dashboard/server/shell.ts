/**
 * The dashboard's one HTML page. Scripts and styles are files of the app (no CDN, no inline code), so the
 * Content-Security-Policy can refuse everything else. Every module is preloaded: the browser fetches them in
 * parallel instead of discovering them import by import.
 */
export const shellHtml = (modules: string[]): string => `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Order sagas: operations</title>
<link rel="stylesheet" href="styles.css">
<script type="module" src="app.js"></script>
${modules.map((m) => `<link rel="modulepreload" href="${m}">`).join('\n')}
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
<header>
<span class="brand">Order sagas · operations</span>
<nav id="nav" aria-label="Dashboard" hidden></nav>
<span id="who"></span>
</header>
<main id="main" tabindex="-1"><p>Loading…</p></main>
<p id="status" class="status" role="status" aria-live="polite"></p>
<noscript>The dashboard needs JavaScript; the same data is at /api/ops/sagas with an ops key.</noscript>
</body>
</html>
`;
