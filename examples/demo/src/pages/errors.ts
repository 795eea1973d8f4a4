import { escapeHtml } from "./html.js";
import type { PageContext } from "./layout.js";
import { layout } from "./layout.js";
import { signInForm } from "./sign-in.js";

/** A sign-in that was refused, with the form to try again. */
export function badNamePage(context: PageContext, value: string, message: string): string {
  return layout(context, "Sign in", signInForm({ value, message }));
}

/** The store did not answer: nothing of the error itself, which the server logs. */
export function unavailablePage(context: PageContext, retryPath: string): string {
  return layout(
    { backend: context.backend },
    "The session store is not answering",
    `<p>Your request could not be served because ${escapeHtml(context.backend)} could not be reached. Your
session is not lost: it is still in the store, which usually comes back within seconds.</p>
<p><a class="button" id="retry" href="${escapeHtml(retryPath)}">Try again</a></p>`,
  );
}

export function notFoundPage(context: PageContext): string {
  return layout(context, "Page not found", `<p>There is no such page. <a href="/">Go to the start</a>.</p>`);
}

/** Any other failure: as little as the unavailable page says. */
export function internalErrorPage(context: PageContext): string {
  return layout({ backend: context.backend }, "Something went wrong", `<p>The server could not answer this request. It has been logged.</p>
<p><a class="button" href="/">Go to the start</a></p>`);
}
