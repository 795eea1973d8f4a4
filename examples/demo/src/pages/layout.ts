import { escapeHtml } from "./html.js";

/** What every page shows in its header. */
export interface PageContext {
  /** Where the sessions live, e.g. "Redis at 127.0.0.1:6379". */
  readonly backend: string;
  /** The signed-in user's name, if any. */
  readonly name?: string;
}

/** A whole page: `body` is HTML already escaped by its caller. */
export function layout(context: PageContext, title: string, body: string): string {
  const who = context.name === undefined ? "" : ` · signed in as <strong id="user">${escapeHtml(context.name)}</strong>`;
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} · Session demo</title>
<link rel="icon" href="/favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="/style.css">
<script src="/page.js" defer></script>
</head>
<body>
<header>
<a class="brand" href="/">Session demo</a>
<p class="backend">Sessions in <strong id="backend">${escapeHtml(context.backend)}</strong>${who}</p>
<nav><a href="/">Home</a> <a href="/sessions">Your sessions</a></nav>
</header>
<main>
<h1>${escapeHtml(title)}</h1>
${body}
</main>
</body>
</html>
`;
}
