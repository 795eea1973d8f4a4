import type { LoggedOperation, WorkloadResult } from "../src/reliability/mixed-load.js";

/** Whether `later` certainly started after `earlier` ended, across processes' ms clocks. */
const after = (later: LoggedOperation, earlier: LoggedOperation) => later.start > earlier.end + 1;

/**
 * Checks the merged logs of every worker against CONTRACT.md and returns each breach:
 * - every load returned undefined or a whole value stored under that very id;
 * - no load returned a value whose TTL had certainly run out (`slackMs` allowed late);
 * - the final value of each id (`finals`, read after all workers ended) is the effect
 *   of a write or remove that no acknowledged write or remove followed.
 */
export function verifyLogs(
  results: readonly WorkloadResult[],
  finals: ReadonlyMap<string, string | null>,
  slackMs: number,
): string[] {
  const breaches = results.flatMap((result) => result.violations);
  const byId = new Map<string, LoggedOperation[]>();
  for (const entry of results.flatMap((result) => result.log)) {
    const list = byId.get(entry.id) ?? [];
    list.push(entry);
    byId.set(entry.id, list);
  }

  for (const [id, entries] of byId) {
    const stores = new Map<string, LoggedOperation>();
    for (const entry of entries) if (entry.op === "store" && entry.stamp) stores.set(entry.stamp, entry);

    for (const entry of entries) {
      if (entry.op !== "load" || !entry.ok || entry.stamp == null || entry.stamp === "invalid") continue;
      const write = stores.get(entry.stamp);
      if (!write) {
        breaches.push(`load of ${id} returned ${entry.stamp}, which no worker stored under that id`);
      } else if (write.ok && entry.start > write.end + write.ttlMs! + slackMs && !touchedSince(entries, write)) {
        breaches.push(`load of ${id} at ${entry.start} returned ${entry.stamp}, expired since ${write.end + write.ttlMs!}`);
      }
    }

    if (!finals.has(id)) continue;
    const final = finals.get(id) ?? null;
    const mutations = entries.filter((entry) => entry.op === "store" || entry.op === "remove");
    const acknowledged = mutations.filter((entry) => entry.ok);
    const latest = mutations.filter((entry) => !acknowledged.some((other) => after(other, entry)));
    const explained =
      final === null
        ? acknowledged.length === 0 || latest.some((entry) => entry.op === "remove" || !entry.ok || expired(entry))
        : latest.some((entry) => entry.op === "store" && entry.stamp === final);
    if (!explained) {
      breaches.push(`final value of ${id} is ${final ?? "undefined"}, but the last acknowledged writes were ${describe(latest)}`);
    }
  }
  return breaches;

  function expired(entry: LoggedOperation): boolean {
    return entry.op === "store" && entry.ttlMs !== undefined && Date.now() > entry.start + entry.ttlMs;
  }
}

/** A touch that may have extended `write` (started after it did): then its original expiry proves nothing. */
function touchedSince(entries: readonly LoggedOperation[], write: LoggedOperation): boolean {
  return entries.some((entry) => entry.op === "touch" && entry.end >= write.start && entry.result !== false);
}

function describe(entries: readonly LoggedOperation[]): string {
  return entries.map((entry) => `${entry.op} ${entry.stamp ?? ""} ${entry.ok ? "ok" : "failed"}`).join(", ") || "none";
}
