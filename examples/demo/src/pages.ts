/** The pages, as plain HTML strings: the demo is about sessions, not templates. */

export interface SessionInfo {
  readonly name: string;
  readonly visits: number;
}

export interface StorageInfo {
  readonly backend: string;
  readonly sessionId: string;
  /** Time left before this request, as the store held it. */
  readonly remainingMs: number;
  readonly ttlMs: number;
}

const escapes: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => escapes[char] ?? char);
}

function layout(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;line-height:1.5}</style></head>
<body>
<h1>${escapeHtml(title)}</h1>
${body}
<p><a href="/">Home</a> · <a href="/session">Where is my session?</a></p>
</body>
</html>
`;
}

export function homePage(session: SessionInfo | undefined): string {
  if (!session) {
    return layout(
      "Session demo",
      `<p>You are not signed in.</p>
<form method="post" action="/login">
<label>Name <input name="name" required maxlength="40" autofocus></label>
<button>Sign in</button>
</form>`,
    );
  }
  return layout(
    "Session demo",
    `<p>Signed in as <strong id="name">${escapeHtml(session.name)}</strong>.</p>
<p>Visits in this session: <strong id="visits">${session.visits}</strong></p>
<form method="post" action="/logout"><button>Sign out</button></form>`,
  );
}

export function sessionPage(session: SessionInfo | undefined, storage: StorageInfo): string {
  const where = `<p>Sessions are stored in <strong id="backend">${escapeHtml(storage.backend)}</strong>.</p>`;
  if (!session) return layout("Your session", `${where}\n<p>You have no session: sign in first.</p>`);
  return layout(
    "Your session",
    `${where}
<p>Your session <code>${escapeHtml(storage.sessionId.slice(0, 8))}…</code> belongs to ${escapeHtml(session.name)}.</p>
<p>Time left: <strong id="remaining">${formatDuration(storage.remainingMs)}</strong>. Every request starts the
full ${formatDuration(storage.ttlMs)} again (rolling sessions), this one included.</p>`,
  );
}

function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(seconds / 60)} min ${seconds % 60} s`;
}

export function badRequestPage(message: string): string {
  return layout("Sign in", `<p>${escapeHtml(message)}</p>`);
}
