import { argumentChecks } from "./arguments.js";
import { callOrderChecks } from "./call-order.js";
import { closeChecks } from "./close.js";
import { concurrencyChecks } from "./concurrency.js";
import { expiryChecks } from "./expiry.js";
import { entryChecks } from "./entry.js";
import { isolationChecks } from "./isolation.js";
import { listingChecks } from "./listing.js";
import { managementArgumentChecks } from "./management-arguments.js";
import { ownerChecks } from "./owners.js";
import { pingChecks } from "./ping.js";
import { removeChecks } from "./remove.js";
import { revocationOrderChecks } from "./revocation-order.js";
import { revocationChecks } from "./revocation.js";
import { roundTripChecks } from "./round-trip.js";
import { sweepChecks } from "./sweep.js";
import { touchChecks } from "./touch.js";
import type { Check } from "./types.js";

/** Every check of the suite, grouped by topic in the order they run. */
export const conformanceChecks: readonly Check[] = [
  ...roundTripChecks,
  ...expiryChecks,
  ...touchChecks,
  ...removeChecks,
  ...sweepChecks,
  ...argumentChecks,
  ...isolationChecks,
  ...concurrencyChecks,
  ...callOrderChecks,
  ...entryChecks,
  ...ownerChecks,
  ...revocationChecks,
  ...revocationOrderChecks,
  ...listingChecks,
  ...managementArgumentChecks,
  ...pingChecks,
  ...closeChecks,
];
