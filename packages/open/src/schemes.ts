import { isAbsolute, resolve } from "node:path";
import { unknownOptionMessage } from "@session-store/core/adapter";

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

/** Options a URL's query string may carry, by name and type. */
/** A parameter's type: "interval" is a number of ms or `false` (off). */
type Params = Record<string, "string" | "number" | "interval">;

/** A backend a store URL can name. */
interface Backend {
  readonly backend: string;
  readonly exportName: string;
  /** How its URLs start, as error messages show them; each one's scheme is the part before the colon. */
  readonly urls: readonly string[];
  readonly params: Params;
  /**
   * The driver's query parameters, kept in the URL for it; any other is a mistake.
   * "any": the driver checks its own (MongoDB refuses one it does not know).
   */
  readonly driverParams: readonly string[] | "any";
  /** Builds the constructor options from the URL without our parameters, or undefined when malformed. */
  readonly options: (rest: string) => Record<string, unknown> | undefined;
}

/** What pg reads from a connection string's query (pg-connection-string and pg's ConnectionParameters). */
const POSTGRES_DRIVER_PARAMS = [
  "sslmode",
  "ssl",
  "sslcert",
  "sslkey",
  "sslrootcert",
  "sslnegotiation",
  "uselibpqcompat",
  "host",
  "port",
  "user",
  "password",
  "database",
  "db",
  "encoding",
  "client_encoding",
  "application_name",
  "fallback_application_name",
  "options",
  "binary",
  "replication",
  "connect_timeout",
  "keepalives",
  "keepalives_idle",
  "statement_timeout",
  "lock_timeout",
  "idle_in_transaction_session_timeout",
  "query_timeout",
];

/** The ioredis options a URL's query can usefully set (ioredis takes every parameter as a string option). */
const REDIS_DRIVER_PARAMS = ["db", "family", "username", "password", "name", "connectionName", "role"];

/** Every backend `openStore` opens: the schemes, the parse and the messages all come from here. */
const BACKENDS: readonly Backend[] = [
  {
    backend: "memory",
    exportName: "MemoryStore",
    urls: ["memory:"],
    params: { revocationGraceMs: "number" },
    driverParams: [],
    options: (rest) => (rest.toLowerCase() === "memory:" ? {} : undefined),
  },
  {
    backend: "sqlite",
    exportName: "SqliteStore",
    urls: ["sqlite:<path>"],
    params: { table: "string", sweepIntervalMs: "interval", revocationGraceMs: "number" },
    driverParams: [],
    options: sqlitePath,
  },
  {
    backend: "postgres",
    exportName: "PostgresStore",
    urls: ["postgres://", "postgresql://"],
    params: { table: "string", schema: "string", sweepIntervalMs: "interval", revocationGraceMs: "number" },
    driverParams: POSTGRES_DRIVER_PARAMS,
    options: (url) => (URL.canParse(url) ? { connection: url } : undefined),
  },
  {
    backend: "redis",
    exportName: "RedisStore",
    urls: ["redis://", "rediss://"],
    params: { prefix: "string", revocationGraceMs: "number" },
    driverParams: REDIS_DRIVER_PARAMS,
    options: (url) => (URL.canParse(url) && new URL(url).hostname !== "" ? { url } : undefined),
  },
  {
    backend: "mongo",
    exportName: "MongoStore",
    urls: ["mongodb://", "mongodb+srv://"],
    params: { collection: "string", revocationGraceMs: "number" },
    driverParams: "any",
    // A host list ("a:1,b:2") is not a WHATWG URL, so only check that hosts are there.
    options: (url) => (/^mongodb(\+srv)?:\/\/([^/?#@]*@)?[^/?#@]+([/?#]|$)/.test(url) ? { url } : undefined),
  },
];

/** Backends by scheme, in lower case without the colon. */
const BY_SCHEME: ReadonlyMap<string, Backend> = new Map(
  BACKENDS.flatMap((spec) => spec.urls.map((url) => [url.slice(0, url.indexOf(":")), spec] as const)),
);

/**
 * The target of a URL `openStore` can open. Throws a `TypeError` for a malformed URL
 * and an `Error` naming the known schemes for an unknown one; neither quotes the URL
 * (it may carry a password).
 */
export function storeTarget(url: string): StoreTarget {
  const { scheme, target } = readStoreUrl(url);
  if (target) return target;
  const known = BACKENDS.flatMap((spec) => spec.urls).join(", ");
  throw new Error(`openStore: unknown scheme "${scheme}:" in the store URL; use one of ${known}`);
}

/** The same parse, an unknown scheme being `undefined` rather than an error. */
export function parseStoreUrl(url: string): StoreTarget | undefined {
  return readStoreUrl(url).target;
}

/** The URL's scheme, and its target when a backend has that scheme. */
function readStoreUrl(url: string): { scheme: string; target: StoreTarget | undefined } {
  const scheme = schemeOf(url);
  if (scheme === undefined) throw malformed(`it does not start with a scheme such as "redis://" or "sqlite:"`);
  const spec = BY_SCHEME.get(scheme);
  if (!spec) return { scheme, target: undefined };

  const { rest, params } = takeParams(url, spec);
  const options = spec.options(rest);
  if (!options) throw malformed(`not a valid ${scheme}: URL`);
  const target = {
    backend: spec.backend,
    packageName: `@session-store/store-${spec.backend}`,
    exportName: spec.exportName,
    options: { ...options, ...params },
  };
  return { scheme, target };
}

/** The URL's scheme in lower case, without the colon: letters, digits, "+", "-", "." only, so never a secret. */
function schemeOf(url: string): string | undefined {
  return /^([a-z][a-z0-9+.-]{0,30}):/i.exec(url)?.[1]?.toLowerCase();
}

/**
 * Splits our own query parameters off the URL. The others stay byte for byte
 * where they were, because the driver reads them (sslmode, authSource...).
 */
function takeParams(url: string, spec: Backend): { rest: string; params: Record<string, unknown> } {
  const queryAt = url.indexOf("?");
  if (queryAt === -1) return { rest: url, params: {} };
  const params: Record<string, unknown> = {};
  const kept: string[] = [];
  for (const pair of url.slice(queryAt + 1).split("&")) {
    const [rawName = "", rawValue = ""] = pair.split(/=(.*)/s);
    const type = Object.hasOwn(spec.params, rawName) ? spec.params[rawName] : undefined;
    if (type === undefined) {
      if (pair === "") continue;
      if (spec.driverParams === "any" ? nearOurs(rawName, spec) : !spec.driverParams.includes(rawName)) throw unknownParam(rawName, spec);
      kept.push(pair);
      continue;
    }
    const value = decode(rawValue, spec.backend);
    params[rawName] = type === "string" ? value : type === "interval" && value === "false" ? false : Number(value);
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

/** "openStore URL parameter `tabel` is not known for sqlite; did you mean `table`?": the name only, never the URL or a value. */
function unknownParam(name: string, spec: Backend): TypeError {
  const known = [...Object.keys(spec.params), ...(spec.driverParams === "any" ? [] : spec.driverParams)];
  if (known.length === 0) return new TypeError(`openStore URL parameter \`${printable(name)}\` is not known for ${spec.backend}, which takes none`);
  // The shared message ends with the hint: "; did you mean `table`?" or "; known: …".
  const message = unknownOptionMessage(name, known, "");
  return new TypeError(`openStore URL parameter \`${printable(name)}\` is not known for ${spec.backend}${message.slice(message.lastIndexOf("; "))}`);
}

/** Whether a parameter left to the driver looks like a misspelling of one of ours (`colection`). */
function nearOurs(name: string, spec: Backend): boolean {
  return unknownOptionMessage(name, Object.keys(spec.params), "").includes("; did you mean");
}

/** A parameter name as given, cut short so a pasted secret cannot fill the message. */
function printable(name: string): string {
  return name.length > 40 ? `${name.slice(0, 40)}…` : name;
}

function malformed(reason: string): TypeError {
  return new TypeError(`openStore: malformed store URL: ${reason}`);
}
