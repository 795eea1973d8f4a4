import { escapeHtml } from "./html.js";
import { formatAgo, formatClock, formatCountdown } from "./format.js";
import type { PageContext } from "./layout.js";
import { layout } from "./layout.js";
import { signInForm } from "./sign-in.js";

/** One of the user's sessions, as the page shows it: never its id. */
export interface DeviceView {
  readonly current: boolean;
  readonly device: string;
  readonly signedInAt: number | undefined;
  readonly lastSeenAt: number | undefined;
  /** Time left before the store drops it, in ms from when the page was made. */
  readonly remainingMs: number;
}

export type SessionsPageState =
  | { readonly kind: "signed-out" }
  | { readonly kind: "unsupported" }
  | { readonly kind: "listed"; readonly devices: readonly DeviceView[]; readonly now: number; readonly signedOut?: number };

function moment(epochMs: number | undefined): string {
  if (epochMs === undefined) return "unknown";
  return `<time datetime="${new Date(epochMs).toISOString()}">${formatClock(epochMs)}</time>`;
}

function deviceItem(view: DeviceView, now: number): string {
  const badge = view.current ? ` <span class="badge">this device</span>` : "";
  const lastSeen = view.lastSeenAt === undefined ? "unknown" : formatAgo(now - view.lastSeenAt);
  return `<li class="device${view.current ? " current" : ""}">
<p class="device-name">${escapeHtml(view.device)}${badge}</p>
<dl>
<dt>Signed in</dt><dd class="signed-in">${moment(view.signedInAt)}</dd>
<dt>Last seen</dt><dd class="last-seen">${lastSeen}</dd>
<dt>Expires in</dt><dd><span class="countdown" data-remaining-ms="${Math.round(view.remainingMs)}">${formatCountdown(view.remainingMs)}</span></dd>
</dl>
</li>`;
}

function signedOutNotice(count: number | undefined): string {
  if (count === undefined) return "";
  const what = count === 1 ? "1 other device" : `${count} other devices`;
  return `<p class="notice" role="status" id="notice">Signed out ${what}.</p>\n`;
}

export function sessionsPage(context: PageContext, state: SessionsPageState): string {
  if (state.kind === "signed-out") {
    return layout(context, "Your sessions", `<p>Sign in to see the devices you are signed in on.</p>\n${signInForm()}`);
  }
  if (state.kind === "unsupported") {
    return layout(
      context,
      "Your sessions",
      `<p>This store cannot list a user's sessions, so this page has nothing to show. The stores of this project all can; a third-party store may not.</p>`,
    );
  }
  const others = state.devices.some((view) => !view.current);
  const count = state.devices.length;
  return layout(
    context,
    "Your sessions",
    `${signedOutNotice(state.signedOut)}<p>You are signed in on <strong id="device-count">${count}</strong> ${count === 1 ? "device" : "devices"}.
Each countdown is the time the store itself gives the session; any request from that device starts it again.</p>
<ul class="devices" id="devices">
${state.devices.map((view) => deviceItem(view, state.now)).join("\n")}
</ul>
<div class="actions">
${others ? `<form method="post" action="/sessions/sign-out-others"><button>Sign out other devices</button></form>` : ""}
<form method="post" action="/sessions/sign-out-everywhere"><button class="danger">Sign out everywhere</button></form>
</div>`,
  );
}
