import { isAbsolute, resolve } from "node:path";

/** A store URL taken apart: which package opens it, and the options its constructor gets. */
export interface StoreTarget {
  /** The backend's short name, e.g. "redis". */
  readonly backend: string;
  /** The adapter package, e.g. "@session-store/store-redis". */
  readonly packageName: string;
  /** The store class the package exports. */
  readonly exportName: string;
  readonly options: Record<string, unknown>;
}

/** Options a URL's query string may carry, by name and type; any other parameter is the driver's. */
type Params = Record<string, "string" | "number">;

interface Scheme {
  readonly backend: string;
  readonly exportName: string;
  readonly params: Params;
  /** Whether other query parameters belong to the driver (kept in the URL) rather than being a mistake. */
  readonly driverParams: boolean;
  /** Builds the constructor options from the URL without our parameters, or undefined when malformed. */
  readonly options: (rest: string) => Record<string, unknown> | undefined;
}

const sqlite: Scheme = {
  backend: "sqlite",
  exportName: "SqliteStore",
  params: { table: "string", sweepIntervalMs: "number" },
  driverParams: false,
  options: sqlitePath,
};
const postgres: Scheme = {
  backend: "postgres",
  exportName: "PostgresStore",
  params: { table: "string", schema: "string", sweepIntervalMs: "number" },
  driverParams: true,
  options: (url) => (URL.canParse(url) ? { connection: url } : undefined),
};
const redis: Scheme = {
  backend: "redis",
  exportName: "RedisStore",
  params: { prefix: "string" },
  driverParams: true,
  options: (url) => (URL.canParse(url) && new URL(url).hostname !== "" ? { url } : undefined),
};
const mongo: Scheme = {
  backend: "mongo",
  exportName: "MongoStore",
  params: { collection: "string" },
  driverParams: true,
  // A host list ("a:1,b:2") is not a WHATWG URL, so only check that hosts are there.
  options: (url) => (/^mongodb(\+srv)?:\/\/([^/?#@]*@)?[^/?#@]+([/?#]|$)/.test(url) ? { url } : undefined),
};

/** Schemes by name, without the colon. */
export const SCHEMES: Readonly<Record<string, Scheme>> = {
  memory: {
    backend: "memory",
    exportName: "MemoryStore",
    params: {},
    driverParams: false,
    options: (rest) => (rest.toLowerCase() === "memory:" ? {} : undefined),
  },
  sqlite,
  postgres,
  postgresql: postgres,
  redis,
  rediss: redis,
  mongodb: mongo,
  "mongodb+srv": mongo,
};

/** How the schemes are written in URLs, for error messages. */
export const SCHEME_LIST = "memory:, sqlite:<path>, postgres://, postgresql://, redis://, rediss://, mongodb://, mongodb+srv://";

/**
 * Parses a store URL, or throws a `TypeError` that never quotes the URL (it may
 * carry a password). An unknown scheme is `undefined` for the caller to report.
 */
export function parseStoreUrl(url: string): StoreTarget | undefined {
  const scheme = schemeOf(url);
  if (scheme === undefined) throw malformed(`it does not start with a scheme such as "redis://" or "sqlite:"`);
  const spec = SCHEMES[scheme];
  if (!spec) return undefined;

  const { rest, params } = takeParams(url, spec);
  const options = spec.options(rest);
  if (!options) throw malformed(`not a valid ${scheme}: URL`);
  return {
    backend: spec.backend,
    packageName: `@session-store/store-${spec.backend}`,
    exportName: spec.exportName,
    options: { ...options, ...params },
  };
}

/** The URL's scheme in lower case, without the colon: letters, digits, "+", "-", "." only, so never a secret. */
export function schemeOf(url: string): string | undefined {
  return /^([a-z][a-z0-9+.-]{0,30}):/i.exec(url)?.[1]?.toLowerCase();
}

/**
 * Splits our own query parameters off the URL. The others stay byte for byte
 * where they were, because the driver reads them (sslmode, authSource...).
 */
function takeParams(url: string, spec: Scheme): { rest: string; params: Record<string, unknown> } {
  const queryAt = url.indexOf("?");
  if (queryAt === -1) return { rest: url, params: {} };
  const params: Record<string, unknown> = {};
  const kept: string[] = [];
  for (const pair of url.slice(queryAt + 1).split("&")) {
    const [rawName = "", rawValue = ""] = pair.split(/=(.*)/s);
    const type = Object.hasOwn(spec.params, rawName) ? spec.params[rawName] : undefined;
    if (type === undefined) {
      if (pair === "") continue;
      if (!spec.driverParams) throw unknownParam(rawName, spec);
      kept.push(pair);
      continue;
    }
    const value = decode(rawValue, spec.backend);
    params[rawName] = type === "number" ? Number(value) : value;
  }
  const rest = url.slice(0, queryAt) + (kept.length > 0 ? `?${kept.join("&")}` : "");
  return { rest, params };
}

function decode(value: string, backend: string): string {
  try {
    return decodeURIComponent(value.replaceAll("+", " "));
  } catch {
    throw malformed(`a query parameter of the ${backend} URL is not valid percent-encoding`);
  }
}

/**
 * `sqlite:<path>`: the path as written, relative ones against the working
 * directory; `sqlite:///abs/path` is the absolute path too. `sqlite::memory:` is a
 * private in-memory database.
 */
function sqlitePath(rest: string): Record<string, unknown> | undefined {
  let path = rest.slice("sqlite:".length);
  if (path.startsWith("//")) {
    // Only the empty-host form: in "sqlite://x/y", x could be a host or a folder.
    if (!path.startsWith("///")) return undefined;
    path = path.slice(2);
  }
  if (path === "") return undefined;
  return { path: path === ":memory:" || isAbsolute(path) ? path : resolve(path) };
}

function unknownParam(name: string, spec: Scheme): TypeError {
  const known = Object.keys(spec.params);
  const expected = known.length > 0 ? `it takes ${known.join(", ")}` : "it takes none";
  return malformed(`unknown query parameter "${name.slice(0, 40)}" for ${spec.backend}: ${expected}`);
}

function malformed(reason: string): TypeError {
  return new TypeError(`openStore: malformed store URL: ${reason}`);
}
