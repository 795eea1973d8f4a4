import { CookieJar } from "tough-cookie";

/** What the test apps answer with. */
export interface SessionView {
  readonly sid: string | null;
  readonly user: string | null;
  readonly visits: number;
}

export interface Reply<T = SessionView> {
  readonly status: number;
  readonly body: T;
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
    const body = (await response.json()) as T;
    return { status: response.status, body, setCookie };
  }
}
