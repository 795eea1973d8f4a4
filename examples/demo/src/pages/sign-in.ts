import { escapeHtml } from "./html.js";

export const MAX_NAME_LENGTH = 40;

/** The sign-in form, with the refused value and why when a first try failed. */
export function signInForm(refused?: { value: string; message: string }): string {
  const error = refused ? `<p class="error" role="alert" id="error">${escapeHtml(refused.message)}</p>\n` : "";
  const value = refused ? ` value="${escapeHtml(refused.value)}" aria-invalid="true" aria-describedby="error"` : "";
  return `<form class="sign-in" method="post" action="/login">
${error}<label for="name">Your name</label>
<div class="row"><input id="name" name="name" required maxlength="${MAX_NAME_LENGTH}" autocomplete="username" autofocus${value}>
<button>Sign in</button></div>
<p class="hint">Any name: there is no password, this is a demo. Sign in with the same name in a second browser or a private window to see two devices.</p>
</form>`;
}

/** The name to sign in with, trimmed, or why it cannot be one. */
export function checkName(value: string): { ok: true; name: string } | { ok: false; message: string } {
  const name = value.trim();
  if (name === "") return { ok: false, message: `Give a name of 1 to ${MAX_NAME_LENGTH} characters.` };
  if (name.length > MAX_NAME_LENGTH) return { ok: false, message: `That name is ${name.length} characters long; give at most ${MAX_NAME_LENGTH}.` };
  if (/\p{Cc}/u.test(name)) return { ok: false, message: "A name cannot hold control characters." };
  return { ok: true, name };
}
