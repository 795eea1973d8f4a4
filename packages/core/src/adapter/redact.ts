/** Replaces URLs (which may carry a user and password) and `password=…` pairs. */
export function redact(text: string): string {
  return text
    .replace(/\b[a-z][a-z0-9+.-]*:\/\/[^\s"'<>]+/gi, (url) => `${url.slice(0, url.indexOf("://"))}://[redacted]`)
    .replace(/(password|passwd|pwd|secret|token)(\s*[=:]\s*)[^\s,;&]+/gi, "$1$2[redacted]");
}
