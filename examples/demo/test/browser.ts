import { CookieJar } from "tough-cookie";

/**
 * A client with a cookie jar. Cookies belong to the host, not the port, so the same
 * browser keeps its session when the demo comes back on another port.
 */
export class Browser {
  readonly jar = new CookieJar();

  async request(url: string, form?: Record<string, string>): Promise<{ status: number; text: string; location: string | null }> {
    const response = await fetch(url, {
      method: form ? "POST" : "GET",
      headers: { cookie: await this.jar.getCookieString(url) },
      body: form ? new URLSearchParams(form) : undefined,
      redirect: "manual",
    });
    for (const header of response.headers.getSetCookie()) await this.jar.setCookie(header, url);
    return { status: response.status, text: await response.text(), location: response.headers.get("location") };
  }
}

/** The text of the element with this id on a page, if any. */
export function field(html: string, id: string): string | undefined {
  return new RegExp(`id="${id}">([^<]*)<`).exec(html)?.[1];
}
