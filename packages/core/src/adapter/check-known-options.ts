import { closest, distance } from "fastest-levenshtein";

/**
 * Refuses a misspelt option instead of ignoring it: an own key of `options` outside
 * `known` is a `TypeError` naming it and, when one is close, the known name meant
 * (`sweepInterval` → `sweepIntervalMs`). `what` names the owner ("RedisStore",
 * "openStore URL parameter").
 */
export function checkKnownOptions(options: object, known: readonly string[], what: string): void {
  for (const name of Object.keys(options)) {
    if (!known.includes(name)) throw new TypeError(unknownOptionMessage(name, known, what));
  }
}

/** "RedisStore has no option `sweepInterval`; did you mean `sweepIntervalMs`?" */
export function unknownOptionMessage(name: string, known: readonly string[], what: string): string {
  const nearest = nearestName(name, known);
  const hint = nearest === undefined ? `; known: ${known.map((k) => `\`${k}\``).join(", ")}` : `; did you mean \`${nearest}\`?`;
  return `${what} has no option \`${printable(name)}\`${hint}`;
}

/** The known name closest to `name`, if close enough to be what was meant. */
function nearestName(name: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const lower = name.toLowerCase();
  const candidate = closest(name, [...known]);
  if (distance(lower, candidate.toLowerCase()) <= Math.max(2, Math.floor(candidate.length / 3))) return candidate;
  const byPrefix = lower.length < 4 ? [] : known.filter((k) => k.toLowerCase().startsWith(lower) || lower.startsWith(k.toLowerCase()));
  return byPrefix.length > 0 ? closest(name, byPrefix) : undefined;
}

/** An option name as given, cut short so a pasted secret cannot fill the message. */
function printable(name: string): string {
  return name.length > 40 ? `${name.slice(0, 40)}…` : name;
}
