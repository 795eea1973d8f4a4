import { CookieJar } from "tough-cookie";

/** What the bridges' test apps answer with; the express-session and @fastify/session apps add the session id. */
export interface SessionView {
  readonly sid?: string | null;
  readonly user: string | null;
  readonly visits: number;
}

export interface Reply<T = SessionView> {
  readonly status: number;
  /** The body parsed as JSON; reading it throws when the answer is not JSON (an error page). */
  readonly body: T;
  readonly text: string;
  readonly setCookie: readonly string[];
}

/** A client with a cookie jar, talking to one app over real HTTP. */
export class Browser {
  readonly jar = new CookieJar();

  constructor(readonly baseUrl: string) {}

  /** The Cookie header the jar would send now. */
  cookieHeader(): Promise<string> {
    return this.jar.getCookieString(this.baseUrl);
  }

  /** The value of the cookie `name` the jar holds, if any. */
  async cookie(name: string): Promise<string | undefined> {
    const cookies = await this.jar.getCookies(this.baseUrl);
    return cookies.find((cookie) => cookie.key === name)?.value;
  }

  /** Sends a request; `cookie` overrides the jar (e.g. to replay a cookie the jar has dropped as expired). */
  async request<T = SessionView>(method: "GET" | "POST", path: string, cookie?: string): Promise<Reply<T>> {
    const url = new URL(path, this.baseUrl);
    const response = await fetch(url, {
      method,
      headers: { cookie: cookie ?? (await this.jar.getCookieString(url.href)) },
      redirect: "manual",
    });
    const setCookie = response.headers.getSetCookie();
    for (const header of setCookie) await this.jar.setCookie(header, url.href);
    const text = await response.text();
    return {
      status: response.status,
      text,
      setCookie,
      get body() {
        return JSON.parse(text) as T;
      },
    };
  }
}
