/**
 * The load generator of the HTTP bench, run in a load process of its own (never the app's):
 * autocannon as a library, each connection cycling through 20 requests, a signed-in
 * user's mix: sign in (regenerate + set user), 14 reads with a rolling touch, 4 cart
 * writes, then sign out (destroy). The cookie of each connection's sign-in is sent with
 * its next requests; autocannon clears a connection's context when its cycle restarts.
 */
import autocannon from "autocannon";

export type CannonJob = { readonly port: number; readonly connections: number; readonly seconds: number };
export type CannonResult = {
  readonly requestsPerSec: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly requests: number;
  /** Non-2xx responses, socket errors and timeouts: must stay 0. */
  readonly failures: number;
};

type Context = { cookie?: string };

/** The session cookie a response set (name=value, without its attributes). */
function sessionCookie(headers: Record<string, string | string[]>): string | undefined {
  const key = Object.keys(headers).find((name) => name.toLowerCase() === "set-cookie");
  const value = key === undefined ? undefined : headers[key];
  return (Array.isArray(value) ? value[0] : value)?.split(";")[0];
}

const withCookie = (request: autocannon.Request, context: Context) => ({ ...request, headers: { ...request.headers, cookie: context.cookie ?? "" } });

/** 5% sign-in, 70% reads, 20% writes, 5% sign-out, in an order where every read and write has a signed-in session. */
export function requestCycle(): autocannon.Request[] {
  const read = { method: "GET", path: "/", setupRequest: withCookie } as const;
  const write = { method: "POST", path: "/cart", setupRequest: withCookie } as const;
  const signIn: autocannon.Request = {
    method: "POST",
    path: "/login",
    onResponse: (_status, _body, context: Context, headers) => void (context.cookie = sessionCookie(headers as unknown as Record<string, string | string[]>)),
  };
  const middle = [read, read, read, write, read, read, read, read, write, read, read, read, write, read, read, read, write, read];
  return [signIn, ...middle, { method: "POST", path: "/logout", setupRequest: withCookie }] as autocannon.Request[];
}

export async function fire({ port, connections, seconds }: CannonJob): Promise<CannonResult> {
  const result = await autocannon({ url: `http://127.0.0.1:${port}`, connections, duration: seconds, requests: requestCycle() });
  return {
    requestsPerSec: result.requests.total / (result.duration || seconds),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    failures: result.non2xx + result.errors + result.timeouts,
  };
}
