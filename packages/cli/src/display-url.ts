import { redact } from "@session-store/core/adapter";

/** The URL as it may be printed: the password in its userinfo replaced by `***` (or the whole URL redacted when it does not parse). */
export function displayUrl(url: string): string {
  const plus = /^[a-z-]+\+(?=[a-z]+:\/\/)/i.exec(url)?.[0] ?? "";
  const rest = url.slice(plus.length);
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(rest)) return url.includes("@") ? redact(url) : url;
  if (!URL.canParse(rest)) return `${rest.slice(0, rest.indexOf("://"))}://[redacted]`;
  const parsed = new URL(rest);
  if (parsed.password !== "") parsed.password = "***";
  for (const name of [...parsed.searchParams.keys()]) {
    if (/pass|secret|token|key/i.test(name)) parsed.searchParams.set(name, "***");
  }
  return plus + parsed.href;
}
