import { createServer } from "node:net";
import type { Server, Socket } from "node:net";
import { deserialize, serialize } from "bson";
import type { Document } from "bson";

/**
 * A loopback stand-in for mongos, enough for the driver: the OP_QUERY handshake, then
 * OP_MSG commands. It records every command the driver sends and answers each with
 * `reply(command)` (a reply document, or `undefined` for never), else a plausible
 * default: the driver's own command building and result parsing, without a server.
 */
export interface StubServer {
  readonly url: string;
  /** Every command sent by the application, in order (not the driver's own monitoring `hello`s). */
  readonly commands: Document[];
  /** Connections accepted and closed so far. */
  connections(): { accepted: number; closed: number };
  stop(): Promise<void>;
}

export type StubReply = (command: Document, name: string) => Document | undefined | Promise<Document | undefined>;

const OP_REPLY = 1;
const OP_QUERY = 2004;
const OP_MSG = 2013;
const MORE_TO_COME = 2;
const CHECKSUM_PRESENT = 1;

export async function startStubServer(reply: StubReply = () => defaultReply): Promise<StubServer> {
  const commands: Document[] = [];
  const sockets = new Set<Socket>();
  let accepted = 0;
  let closed = 0;
  const server: Server = createServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on("close", () => {
      closed += 1;
      sockets.delete(socket);
    });
    socket.on("error", () => {});
    let pending = Buffer.alloc(0);
    socket.on("data", (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= pending.readInt32LE(0)) {
        const message = pending.subarray(0, pending.readInt32LE(0));
        pending = pending.subarray(message.length);
        void answer(socket, message);
      }
    });
  });

  async function answer(socket: Socket, message: Buffer): Promise<void> {
    const requestId = message.readInt32LE(4);
    const opCode = message.readInt32LE(12);
    if (opCode === OP_QUERY) {
      // The handshake: flags, collection name, skip, return, then the command.
      const nameEnd = message.indexOf(0, 20);
      const command = deserialize(message.subarray(nameEnd + 9));
      socket.write(opReply(requestId, helloReply()));
      void command;
      return;
    }
    if (opCode !== OP_MSG) return;
    const flags = message.readUInt32LE(16);
    const command = readSections(message, flags);
    const name = Object.keys(command)[0] as string;
    let response: Document | undefined;
    if (isMonitoring(name, command)) {
      response = helloReply();
    } else {
      commands.push(command);
      response = await reply(command, name);
      if (response === defaultReply) response = defaultReplyTo(command, name);
    }
    if (response === undefined || (flags & MORE_TO_COME) !== 0 || socket.destroyed) return;
    socket.write(opMsg(requestId, response));
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    url: `mongodb://127.0.0.1:${port}/test`,
    commands,
    connections: () => ({ accepted, closed }),
    stop: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Marks "answer as the stub would by default" from a `reply` function. */
export const defaultReply: Document = Object.freeze({});

/** The driver's own `hello`s (monitoring, RTT), sent to admin, answered as mongos. */
function isMonitoring(name: string, command: Document): boolean {
  return (name === "hello" || name.toLowerCase() === "ismaster") && command.$db === "admin";
}

export function helloReply(): Document {
  return {
    helloOk: true,
    ismaster: true,
    isWritablePrimary: true,
    msg: "isdbgrid",
    maxBsonObjectSize: 16 * 1024 * 1024,
    maxMessageSizeBytes: 48_000_000,
    maxWriteBatchSize: 100_000,
    localTime: new Date(),
    logicalSessionTimeoutMinutes: 30,
    minWireVersion: 0,
    maxWireVersion: 21,
    readOnly: false,
    ok: 1,
  };
}

function defaultReplyTo(command: Document, name: string): Document {
  const ns = `${String(command.$db)}.${String(command[name])}`;
  switch (name) {
    case "find":
    case "aggregate":
      return { cursor: { id: 0n, ns, firstBatch: [] }, ok: 1 };
    case "update":
      return { n: 1, nModified: 1, ok: 1 };
    case "delete":
      return { n: 0, ok: 1 };
    case "hello":
      return helloReply();
    default:
      return { ok: 1 };
  }
}

function readSections(message: Buffer, flags: number): Document {
  const end = message.length - ((flags & CHECKSUM_PRESENT) !== 0 ? 4 : 0);
  let offset = 20;
  let command: Document = {};
  const sequences: Record<string, Document[]> = {};
  while (offset < end) {
    const kind = message.readUInt8(offset);
    offset += 1;
    if (kind === 0) {
      const size = message.readInt32LE(offset);
      command = deserialize(message.subarray(offset, offset + size), { promoteLongs: true });
      offset += size;
    } else {
      const size = message.readInt32LE(offset);
      const sectionEnd = offset + size;
      const nameEnd = message.indexOf(0, offset + 4);
      const identifier = message.toString("utf8", offset + 4, nameEnd);
      let at = nameEnd + 1;
      const documents: Document[] = [];
      while (at < sectionEnd) {
        const documentSize = message.readInt32LE(at);
        documents.push(deserialize(message.subarray(at, at + documentSize)));
        at += documentSize;
      }
      sequences[identifier] = documents;
      offset = sectionEnd;
    }
  }
  return { ...command, ...sequences };
}

let nextRequestId = 1;

function header(length: number, responseTo: number, opCode: number): Buffer {
  const buffer = Buffer.alloc(16);
  buffer.writeInt32LE(length, 0);
  buffer.writeInt32LE(nextRequestId++, 4);
  buffer.writeInt32LE(responseTo, 8);
  buffer.writeInt32LE(opCode, 12);
  return buffer;
}

function opMsg(responseTo: number, document: Document): Buffer {
  const body = Buffer.from(serialize(document));
  const length = 16 + 4 + 1 + body.length;
  return Buffer.concat([header(length, responseTo, OP_MSG), Buffer.alloc(4), Buffer.from([0]), body]);
}

function opReply(responseTo: number, document: Document): Buffer {
  const body = Buffer.from(serialize(document));
  const fields = Buffer.alloc(20);
  fields.writeInt32LE(1, 16); // numberReturned; flags, cursor id and startingFrom stay 0
  return Buffer.concat([header(16 + 20 + body.length, responseTo, OP_REPLY), fields, body]);
}
