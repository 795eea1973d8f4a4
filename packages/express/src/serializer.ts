/**
 * Turns a session object into the text a store keeps and back. `JSON` itself is
 * one; a custom one can keep Dates, Maps or BigInts that JSON would lose.
 */
export type { Serializer } from "@session-store/core/adapter";
