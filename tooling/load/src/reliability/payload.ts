import { createHash } from "node:crypto";

/** Who wrote a load-test value: the writer process and its sequence number. */
export type Stamp = { readonly writer: number; readonly seq: number };

const sha256 = (data: string | Uint8Array) => createHash("sha256").update(data).digest();
const idTag = (id: string) => sha256(id).toString("hex", 0, 8);

/** xorshift32 from a seed derived from `header`: cheap, deterministic filler, different for every header. */
function fill(target: Uint8Array, header: Uint8Array): Uint8Array {
  let x = sha256(header).readUInt32LE(0) | 1;
  for (let i = 0; i < target.length; i += 1) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    target[i] = x & 0xff;
  }
  return target;
}

/**
 * A load-test value for `id`: a header naming the id (by hash), the writer and the sequence
 * number, then `size` filler bytes derived from that header. A value torn between two
 * writes, or one stored under another id, fails `readPayload`.
 */
export function makePayload(id: string, stamp: Stamp, size: number): Uint8Array {
  const header = new TextEncoder().encode(`${idTag(id)}:${stamp.writer}:${stamp.seq}:${size}\n`);
  const bytes = new Uint8Array(header.length + size);
  bytes.set(header);
  fill(bytes.subarray(header.length), header);
  return bytes;
}

/** The stamp of a value made by `makePayload` for `id`, or why it is not one. */
export function readPayload(id: string, bytes: Uint8Array): Stamp | { readonly invalid: string } {
  const end = bytes.indexOf(0x0a);
  if (end < 0 || end > 200) return { invalid: "no header" };
  const [tag, writer, seq, size] = new TextDecoder().decode(bytes.subarray(0, end)).split(":");
  if (tag !== idTag(id)) return { invalid: "written for another id" };
  if (Number(size) !== bytes.length - end - 1) return { invalid: "wrong length (torn or truncated)" };
  const expected = fill(new Uint8Array(bytes.length - end - 1), bytes.subarray(0, end + 1));
  if (!Buffer.from(expected).equals(bytes.subarray(end + 1))) return { invalid: "filler does not match its header (a mix)" };
  return { writer: Number(writer), seq: Number(seq) };
}

export const isStamp = (value: Stamp | { readonly invalid: string }): value is Stamp => !("invalid" in value);
