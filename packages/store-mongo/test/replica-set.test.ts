import type { CommandStartedEvent, Document, MongoClientOptions } from "mongodb";
import { MongoClient } from "mongodb";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import type { Backend } from "@session-store/harness";
import { harness, HOUR, uniqueName } from "@session-store/harness";
import { MongoStore } from "../src/index.js";

/*
 * Retried writes against a real replica set (issue 13, items 1 and 2). Only the
 * `mongo-replica-set` workflow job runs these: retryable writes need a replica set,
 * and the `failCommand` fail point needs a server started with enableTestCommands=1.
 */

const url = process.env.MONGO_REPLICA_SET ? process.env.MONGO_URL : undefined;

const bytes = (value: number) => Uint8Array.from([value]);

describe.skipIf(url === undefined)(
  url === undefined
    ? "against a MongoDB replica set (skipped: set MONGO_URL to a replica set started with enableTestCommands=1, and MONGO_REPLICA_SET=1)"
    : "against a MongoDB replica set",
  () => {
    let backend: Backend;
    /** Sets the fail point and reads the oplog and raw documents; its appName is not one the fail point matches. */
    let admin: MongoClient;
    let opened: Array<{ store: MongoStore; client: MongoClient }> = [];

    beforeAll(async () => {
      backend = await harness("mongo");
      admin = new MongoClient(url as string);
    });
    afterEach(async () => {
      await admin.db("admin").command({ configureFailPoint: "failCommand", mode: "off" });
      for (const { store, client } of opened) {
        await store.close();
        await client.close();
      }
      opened = [];
    });
    afterAll(async () => {
      await backend.cleanup();
      await admin.close();
    });

    /**
     * A store on a client of its own: its appName is the one the fail point matches
     * (other test files share the server), and every command it starts is recorded.
     */
    function open(clientOptions: MongoClientOptions = {}) {
      const appName = uniqueName("replica_set");
      const client = new MongoClient(url as string, { ...clientOptions, appName, monitorCommands: true });
      const events: CommandStartedEvent[] = [];
      client.on("commandStarted", (event) => events.push(event));
      const collection = backend.newNamespace();
      const store = new MongoStore({ client, collection, createIndexes: false });
      opened.push({ store, client });
      const sent = (name: string) => events.filter((event) => event.commandName === name).map((event) => event.command);
      return { store, client, appName, collection, events, sent };
    }

    /**
     * The next `command` from `appName` is applied, then answered with a retryable
     * write concern error, as the drivers' retryable-writes spec tests use failCommand
     * ("succeeds after WriteConcernError ShutdownInProgress"). The driver sends it again
     * with the same lsid and txnNumber, and the server answers that retry from the oplog
     * instead of applying it a second time.
     */
    async function failOnceAfterApplying(appName: string, command: "delete" | "update"): Promise<void> {
      await admin.db("admin").command({
        configureFailPoint: "failCommand",
        mode: { times: 1 },
        data: {
          failCommands: [command],
          appName,
          errorLabels: ["RetryableWriteError"],
          writeConcernError: { code: 91, codeName: "ShutdownInProgress", errmsg: "Replication is being shut down" },
        },
      });
    }

    /** The oplog entries that wrote the document `id` of `collection`: one per applied write. */
    function oplogWritesOf(collection: string, id: string): Promise<number> {
      const ns = `${admin.db().databaseName}.${collection}`;
      return admin
        .db("local")
        .collection("oplog.rs")
        .countDocuments({ ns, $or: [{ "o._id": id }, { "o2._id": id }] });
    }

    /** The command was sent twice as one retryable write: the fault happened and the driver retried it. */
    function expectRetried(commands: Document[]): void {
      expect(commands).toHaveLength(2);
      const [first, retry] = commands;
      expect(first?.txnNumber).toBeDefined();
      expect(retry?.txnNumber).toEqual(first?.txnNumber);
      expect(retry?.lsid).toEqual(first?.lsid);
    }

    async function serverNow(): Promise<number> {
      const { localTime } = await admin.db().command({ hello: 1 });
      return (localTime as Date).getTime();
    }

    describe("remove under a retried delete", () => {
      it("a live session it deleted: resolves true, and the session is gone", async () => {
        const { store, appName, collection, sent } = open();
        await store.store("id", bytes(1), HOUR);
        const before = await oplogWritesOf(collection, "id");
        await failOnceAfterApplying(appName, "delete");
        expect(await store.remove("id")).toBe(true);
        expectRetried(sent("delete"));
        expect(await oplogWritesOf(collection, "id")).toBe(before + 1);
        expect(await admin.db().collection<{ _id: string }>(collection).findOne({ _id: "id" })).toBeNull();
        expect(await store.load("id")).toBeUndefined();
      });

      it("an expired session: resolves false", async () => {
        const { store, appName, sent } = open();
        await store.store("id", bytes(1), 1);
        await vi.waitFor(async () => expect(await store.load("id")).toBeUndefined(), { timeout: 10_000, interval: 20 });
        await failOnceAfterApplying(appName, "delete");
        expect(await store.remove("id")).toBe(false);
        expectRetried(sent("delete"));
      });
    });

    describe("store and touch under a retried update: applied once, answered true", () => {
      it("store of a new session (an upsert)", async () => {
        const { store, appName, collection, sent } = open();
        await failOnceAfterApplying(appName, "update");
        expect(await store.store("id", bytes(1), HOUR, { owner: "ada" })).toBe(true);
        expectRetried(sent("update"));
        expect(await oplogWritesOf(collection, "id")).toBe(1);
        const entry = await store.entry("id");
        expect(entry?.data).toEqual(bytes(1));
        expect(entry?.owner).toBe("ada");
      });

      it("store over a live session (a replacement)", async () => {
        const { store, appName, collection, sent } = open();
        await store.store("id", bytes(1), HOUR, { owner: "ada" });
        const before = await oplogWritesOf(collection, "id");
        await failOnceAfterApplying(appName, "update");
        expect(await store.store("id", bytes(2), HOUR)).toBe(true);
        expectRetried(sent("update").slice(1));
        expect(await oplogWritesOf(collection, "id")).toBe(before + 1);
        const entry = await store.entry("id");
        expect(entry?.data).toEqual(bytes(2));
        expect(entry && "owner" in entry).toBe(false);
      });

      it("touch of a live session moves its expiry and keeps its data", async () => {
        const { store, appName, collection, sent } = open();
        await store.store("id", bytes(3), 60_000);
        const before = await oplogWritesOf(collection, "id");
        await failOnceAfterApplying(appName, "update");
        expect(await store.touch("id", HOUR)).toBe(true);
        expectRetried(sent("update").slice(1));
        expect(await oplogWritesOf(collection, "id")).toBe(before + 1);
        const entry = await store.entry("id");
        expect(entry?.data).toEqual(bytes(3));
        expect(entry?.expiresAt).toBeGreaterThan((await serverNow()) + HOUR - 60_000);
      });

      it("store over a live revocation: resolves false, and the revocation stays", async () => {
        const { store, appName, collection, sent } = open();
        await store.store("id", bytes(1), HOUR);
        expect(await store.revoke("id")).toBe(true);
        const updatesBefore = sent("update").length;
        await failOnceAfterApplying(appName, "update");
        expect(await store.store("id", bytes(2), HOUR)).toBe(false);
        expectRetried(sent("update").slice(updatesBefore));
        const raw = await admin.db().collection<{ _id: string }>(collection).findOne({ _id: "id" });
        expect(Object.keys(raw ?? {}).sort()).toEqual(["_id", "expiresAt", "revoked"]);
        expect(await store.load("id")).toBeUndefined();
      });
    });

    it("every command goes to the primary with no $readPreference, though the client's is secondaryPreferred", async () => {
      const { store, client, collection, events } = open({ readPreference: "secondaryPreferred" });
      await store.store("id", bytes(1), HOUR, { owner: "ada" });
      expect(await store.load("id")).toEqual(bytes(1));
      await store.entry("id");
      await store.touch("id", HOUR);
      await store.sessionsOf("ada");
      for await (const listed of store.entries()) void listed;
      await store.count();
      await store.ping();
      expect(await store.remove("id")).toBe(true);
      const fromStore = events.splice(0);
      const { primary } = await admin.db().command({ hello: 1 });
      expect(fromStore.map((event) => event.commandName)).toEqual(expect.arrayContaining(["find", "aggregate", "update", "delete", "ping"]));
      for (const event of fromStore) {
        expect(event.command.$readPreference, event.commandName).toBeUndefined();
        expect(event.address, event.commandName).toBe(primary);
      }
      // The client's own read carries its read preference, so the check above could fail.
      await client.db().collection(collection).findOne({});
      expect(events.at(-1)?.command.$readPreference).toMatchObject({ mode: "secondaryPreferred" });
    });
  },
);
