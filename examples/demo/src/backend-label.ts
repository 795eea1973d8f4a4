import { basename } from "node:path";

const NAMES: Record<string, string> = {
  memory: "memory (this process only)",
  sqlite: "SQLite",
  postgres: "PostgreSQL",
  postgresql: "PostgreSQL",
  redis: "Redis",
  rediss: "Redis (TLS)",
  mongodb: "MongoDB",
  "mongodb+srv": "MongoDB",
};

/**
 * Says where sessions live, for the page, without the user, password or query of the
 * URL, and without the folders of a SQLite file (they say nothing useful and overflow a phone).
 */
export function backendLabel(storeUrl: string): string {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(storeUrl)?.[1]?.toLowerCase() ?? "";
  const name = NAMES[scheme] ?? scheme;
  const withoutQuery = storeUrl.split("?", 1)[0] ?? "";
  if (scheme === "sqlite") return `${name}, file ${basename(withoutQuery.slice("sqlite:".length))}`;
  if (!URL.canParse(withoutQuery)) return name;
  const url = new URL(withoutQuery);
  return url.host ? `${name} at ${url.host}${url.pathname}` : name;
}
