import { expect } from "vitest";
import { SessionStoreError } from "@session-store/core";
import { expectBytes } from "./expect-bytes.js";
import { MAX_ID_BYTES } from "@session-store/core";
import { allByteValues, dataFor, HOUR, newId, randomData } from "./support.js";
import type { Check } from "./types.js";

const topic = "round trip";
const EIGHT_MIB = 8 * 1024 * 1024;

export const roundTripChecks: Check[] = [
  {
    topic,
    name: "load of an id never stored resolves undefined",
    async run(context) {
      const store = await context.open();
      expect(await store.load(newId())).toBeUndefined();
    },
  },
  {
    topic,
    name: "all 256 byte values round-trip exactly",
    async run(context) {
      const store = await context.open();
      const id = newId();
      const data = allByteValues();
      await store.store(id, data, HOUR);
      expectBytes(await store.load(id), data);
    },
  },
  {
    topic,
    name: "bytes that are not valid UTF-8 are not re-encoded",
    async run(context) {
      const store = await context.open();
      const id = newId();
      const data = Uint8Array.from([0xff, 0xfe, 0xc0, 0x80, 0xed, 0xa0, 0x80, 0x00, 0xf4, 0x90, 0x80, 0x80, 0xef, 0xbb, 0xbf]);
      await store.store(id, data, HOUR);
      expectBytes(await store.load(id), data);
    },
  },
  {
    topic,
    name: "empty data round-trips as empty bytes, not as absent",
    async run(context) {
      const store = await context.open();
      const id = newId();
      await store.store(id, new Uint8Array(0), HOUR);
      expectBytes(await store.load(id), new Uint8Array(0));
    },
  },
  {
    topic,
    name: "8 MiB of random data round-trips exactly",
    async run(context) {
      const store = await context.open();
      const id = newId();
      const data = randomData(EIGHT_MIB);
      await store.store(id, data, HOUR);
      expectBytes(await store.load(id), data);
    },
  },
  {
    topic,
    name: "a view into a larger buffer stores only the view's bytes",
    async run(context) {
      const store = await context.open();
      const id = newId();
      const backing = randomData(64);
      const view = backing.subarray(7, 40);
      await store.store(id, view, HOUR);
      expectBytes(await store.load(id), backing.slice(7, 40));
    },
  },
  {
    topic,
    name: "a Buffer is accepted and loads back as a Uint8Array",
    async run(context) {
      const store = await context.open();
      const id = newId();
      await store.store(id, Buffer.from("buffer data"), HOUR);
      expectBytes(await store.load(id), new TextEncoder().encode("buffer data"));
    },
  },
  {
    topic,
    name: "store replaces the data under an id",
    async run(context) {
      const store = await context.open();
      const id = newId();
      await store.store(id, dataFor("first"), HOUR);
      await store.store(id, dataFor("second, longer than the first"), HOUR);
      expectBytes(await store.load(id), dataFor("second, longer than the first"));
      await store.store(id, dataFor("3"), HOUR);
      expectBytes(await store.load(id), dataFor("3"));
    },
  },
  {
    topic,
    name: "mutating the array after store resolves changes nothing stored",
    async run(context) {
      const store = await context.open();
      const id = newId();
      const data = dataFor("original");
      await store.store(id, data, HOUR);
      data.fill(0x21);
      expectBytes(await store.load(id), dataFor("original"));
    },
  },
  {
    topic,
    name: "mutating the array right after calling store changes nothing stored",
    async run(context) {
      const store = await context.open();
      const id = newId();
      const data = dataFor("original");
      const pending = store.store(id, data, HOUR);
      data.fill(0x21);
      await pending;
      expectBytes(await store.load(id), dataFor("original"));
    },
  },
  {
    topic,
    name: "mutating a loaded array changes nothing stored",
    async run(context) {
      const store = await context.open();
      const id = newId();
      await store.store(id, dataFor("original"), HOUR);
      const loaded = await store.load(id);
      expectBytes(loaded, dataFor("original"));
      loaded?.fill(0x21);
      expectBytes(await store.load(id), dataFor("original"), "data loaded after mutating an earlier load");
    },
  },
  {
    topic,
    name: "each id keeps its own data",
    async run(context) {
      const store = await context.open();
      const ids = Array.from({ length: 20 }, () => newId());
      for (const id of ids) await store.store(id, dataFor(id), HOUR);
      for (const id of ids) expectBytes(await store.load(id), dataFor(id));
    },
  },
  {
    topic,
    name: "data over the backend's hard limit rejects with a SessionStoreError naming it, and stores nothing",
    appliesTo: (options) => options.capabilities.maxDataBytes !== undefined,
    async run(context) {
      const store = await context.open();
      const id = newId();
      const limit = context.capabilities.maxDataBytes as number;
      const error = await store.store(id, new Uint8Array(limit + 1), HOUR).then(
        () => undefined,
        (reason: unknown) => reason,
      );
      expect(error).toBeInstanceOf(SessionStoreError);
      expect((error as Error).message).toMatch(/limit/i);
      expect(await store.load(id)).toBeUndefined();
    },
  },
  {
    topic,
    name: "data of exactly the backend's limit round-trips under the longest id",
    appliesTo: (options) => options.capabilities.maxDataBytes !== undefined,
    async run(context) {
      const store = await context.open();
      const id = "i".repeat(MAX_ID_BYTES);
      const data = randomData(context.capabilities.maxDataBytes as number);
      await store.store(id, data, HOUR);
      expectBytes(await store.load(id), data);
    },
  },
];
