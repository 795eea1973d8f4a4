import { checkIdentifierArgument, checkOwner } from "./check-arguments.js";
import { checkCount, checkTimeout } from "./check-options.js";

/** How long a revoked id stays dead at least, when the store is not told otherwise. */
export const DEFAULT_REVOCATION_GRACE_MS = 60_000;

/** How many sessions one round trip of `entries` fetches, when not told otherwise. */
export const DEFAULT_ENTRIES_BATCH_SIZE = 100;

/** The largest `batchSize` `entries` accepts: bounded memory is the point of it. */
export const MAX_ENTRIES_BATCH_SIZE = 10_000;

/** Checks `removeSessionsOf`'s arguments; returns the owner and the id to keep, if any. */
export function checkRemoveSessionsOf(owner: unknown, options: unknown): { owner: string; except: string | undefined } {
  const checkedOwner = checkOwner(owner);
  if (options === undefined) return { owner: checkedOwner, except: undefined };
  if (typeof options !== "object" || options === null) throw new TypeError("removeSessionsOf options must be an object");
  const { except } = options as { except?: unknown };
  if (except === undefined) return { owner: checkedOwner, except: undefined };
  checkIdentifierArgument(except, "except");
  return { owner: checkedOwner, except: except as string };
}

/** Checks `entries`' options; returns the batch size. */
export function checkEntriesOptions(options: unknown): number {
  if (options === undefined) return DEFAULT_ENTRIES_BATCH_SIZE;
  if (typeof options !== "object" || options === null) throw new TypeError("entries options must be an object");
  const { batchSize } = options as { batchSize?: unknown };
  if (batchSize === undefined) return DEFAULT_ENTRIES_BATCH_SIZE;
  const size = checkCount(batchSize, "batchSize");
  if (size > MAX_ENTRIES_BATCH_SIZE) {
    throw new RangeError(`batchSize must be at most ${MAX_ENTRIES_BATCH_SIZE}, got ${size}`);
  }
  return size;
}

/** The `revocationGraceMs` store option: a duration, `DEFAULT_REVOCATION_GRACE_MS` when absent. */
export function checkRevocationGrace(value: unknown): number {
  return value === undefined ? DEFAULT_REVOCATION_GRACE_MS : Math.ceil(checkTimeout(value, "revocationGraceMs"));
}
