import { escapeHtml } from "./html.js";
import type { PageContext } from "./layout.js";
import { layout } from "./layout.js";
import { signInForm } from "./sign-in.js";

function explanation(backend: string): string {
  return `<section class="about">
<p>When you sign in, the server does not trust your browser to remember who you are. It
keeps a <em>session</em> (your name, when you signed in, how many pages you saw) in a
session store, here <strong>${escapeHtml(backend)}</strong>, and gives your browser only a
random id in a cookie. Every request brings the cookie; the store gives back the session.</p>
<p>Because the store knows each session's user and real expiry, it can list your devices
and sign them out: a device signed out here is signed out on its very next request, even
if it was busy loading a page at the time.</p>
</section>`;
}

export function homePage(context: PageContext, visits?: number, signedOutEverywhere = false): string {
  if (context.name === undefined) {
    const notice = signedOutEverywhere ? `<p class="notice" id="notice">You are signed out on every device.</p>\n` : "";
    return layout(context, "Sign in", `${notice}${signInForm()}\n${explanation(context.backend)}`);
  }
  return layout(
    context,
    `Hello, ${context.name}`,
    `<p>Pages seen in this session: <strong id="visits">${visits ?? 0}</strong> (reload to count one more).</p>
<p><a class="button" href="/sessions">Your sessions</a></p>
<form method="post" action="/logout"><button class="secondary">Sign out</button></form>
${explanation(context.backend)}`,
  );
}
