import { CookieJar } from "tough-cookie";

/** What the test app answers with. */
export interface SessionView {
  readonly user: string | null;
  readonly visits: number;
}

export interface Reply {
  readonly status: number;
  /** The JSON body; undefined when the answer is not JSON (an error page). */
  readonly body: SessionView | undefined;
  readonly text: string;
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

  /** Sends a request; `cookie` overrides the jar (e.g. to replay a cookie the jar has dropped). */
  async request(method: "GET" | "POST", path: string, cookie?: string): Promise<Reply> {
    const url = new URL(path, this.baseUrl);
    const response = await fetch(url, { method, headers: { cookie: cookie ?? (await this.jar.getCookieString(url.href)) }, redirect: "manual" });
    for (const header of response.headers.getSetCookie()) await this.jar.setCookie(header, url.href);
    const text = await response.text();
    const isJson = response.headers.get("content-type")?.includes("application/json") ?? false;
    return { status: response.status, body: isJson ? (JSON.parse(text) as SessionView) : undefined, text };
  }
}
