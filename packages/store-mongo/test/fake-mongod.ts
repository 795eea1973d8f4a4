import { Binary } from "bson";
import type { Document } from "bson";
import type { StubReply } from "./stub-server.js";
import { defaultReply, helloReply } from "./stub-server.js";

/*
 * A fake mongod for the stub server: an in-memory collection per name that runs the
 * subset of MongoDB the store sends (find, update with pipelines, delete, the count
 * aggregation), with `$$NOW` = Date.now() and a TTL monitor that never runs (reads
 * must filter). It is this project's reading of the manual, not MongoDB: it lets the
 * conformance suite drive the store's logic here; only a real server proves the
 * commands.
 */

type Collections = Map<string, Map<string, Document>>;

export interface FakeMongod {
  readonly reply: StubReply;
  /** The document under `id` in `collection`, as stored. */
  document(collection: string, id: string): Document | undefined;
}

export function fakeMongod(): FakeMongod {
  const collections: Collections = new Map();
  const collection = (name: unknown) => {
    let found = collections.get(String(name));
    if (found === undefined) collections.set(String(name), (found = new Map()));
    return found;
  };
  const reply: StubReply = (command, name) => {
    const now = new Date();
    switch (name) {
      case "find":
        return find(collection(command.find), command, now);
      case "update":
        return update(collection(command.update), command.updates as Document[], now);
      case "delete":
        return remove(collection(command.delete), command.deletes as Document[], now);
      case "aggregate":
        return aggregate(collection(command.aggregate), command, now);
      case "drop":
        collections.delete(String(command.drop));
        return { ok: 1 };
      case "hello":
        return { ...helloReply(), localTime: now };
      default:
        return defaultReply;
    }
  };
  return { reply, document: (name, id) => collections.get(name)?.get(id) };
}

function find(documents: Map<string, Document>, command: Document, now: Date): Document {
  let found = [...documents.values()].filter((document) => matches(document, command.filter ?? {}, now));
  if (command.sort !== undefined) {
    if (JSON.stringify(command.sort) !== '{"_id":1}') throw new Error(`fake mongod: sort ${JSON.stringify(command.sort)}`);
    found.sort((a, b) => compare(a._id, b._id));
  }
  if (typeof command.limit === "number" && command.limit > 0) found = found.slice(0, command.limit);
  const firstBatch = found.map((document) => project(document, command.projection));
  return { cursor: { id: 0n, ns: `${String(command.$db)}.${String(command.find)}`, firstBatch }, ok: 1 };
}

function update(documents: Map<string, Document>, updates: Document[], now: Date): Document {
  let n = 0;
  let nModified = 0;
  const upserted: Document[] = [];
  for (const [index, { q, u, upsert, multi }] of updates.entries()) {
    const targets = [...documents.values()].filter((document) => matches(document, q, now));
    for (const target of multi === true ? targets : targets.slice(0, 1)) {
      const next = apply(target, u, now);
      n += 1;
      if (!equal(next, target)) nModified += 1;
      documents.set(target._id, next);
    }
    if (targets.length === 0 && upsert === true) {
      const seed = Object.fromEntries(Object.entries(q as Document).filter(([key, value]) => !key.startsWith("$") && !isOperators(value)));
      const inserted = apply(seed, u, now);
      documents.set(inserted._id, inserted);
      upserted.push({ index, _id: inserted._id });
      n += 1;
    }
  }
  return { n, nModified, ...(upserted.length > 0 ? { upserted } : {}), ok: 1 };
}

function remove(documents: Map<string, Document>, deletes: Document[], now: Date): Document {
  let n = 0;
  for (const { q, limit } of deletes) {
    const targets = [...documents.values()].filter((document) => matches(document, q, now));
    for (const target of limit === 1 ? targets.slice(0, 1) : targets) {
      documents.delete(target._id);
      n += 1;
    }
  }
  return { n, ok: 1 };
}

/** `countDocuments`: `[{ $match }, ({ $skip }, { $limit },) { $group: { _id: 1, n: { $sum: 1 } } }]`. */
function aggregate(documents: Map<string, Document>, command: Document, now: Date): Document {
  const [match, ...rest] = command.pipeline as Document[];
  const group = rest.at(-1);
  if (match?.$match === undefined || group?.$group === undefined) throw new Error("fake mongod: only countDocuments");
  const n = [...documents.values()].filter((document) => matches(document, match.$match, now)).length;
  const firstBatch = n === 0 ? [] : [{ _id: 1, n }];
  return { cursor: { id: 0n, ns: `${String(command.$db)}.${String(command.aggregate)}`, firstBatch }, ok: 1 };
}

function apply(document: Document, pipeline: unknown, now: Date): Document {
  if (!Array.isArray(pipeline)) throw new Error("fake mongod: only pipeline updates");
  let current = document;
  for (const stage of pipeline as Document[]) {
    if (stage.$set !== undefined) {
      current = { ...current, ...(evaluate(stage.$set, current, now) as Document) };
    } else if (stage.$replaceWith !== undefined) {
      current = evaluate(stage.$replaceWith, current, now) as Document;
    } else {
      throw new Error(`fake mongod: stage ${Object.keys(stage)[0]}`);
    }
    current = Object.fromEntries(Object.entries(current).filter(([, value]) => value !== undefined));
  }
  if (current._id !== document._id && document._id !== undefined) throw new Error("fake mongod: _id is immutable");
  return current;
}

/** An aggregation expression. */
function evaluate(expression: unknown, document: Document, now: Date): unknown {
  if (typeof expression === "string") {
    if (expression === "$$NOW") return now;
    if (expression === "$$ROOT") return document;
    if (expression.startsWith("$$")) throw new Error(`fake mongod: variable ${expression}`);
    return expression.startsWith("$") ? document[expression.slice(1)] : expression;
  }
  if (Array.isArray(expression)) return expression.map((item) => evaluate(item, document, now));
  if (!isPlainObject(expression)) return expression;
  const [operator] = Object.keys(expression);
  if (operator?.startsWith("$")) {
    const operand = (expression as Document)[operator];
    if (operator === "$literal") return operand;
    const args = (evaluate(operand, document, now) as unknown[]) ?? [];
    switch (operator) {
      case "$gt":
        return compare(args[0], args[1]) > 0;
      case "$lte":
        return compare(args[0], args[1]) <= 0;
      case "$eq":
        return compare(args[0], args[1]) === 0;
      case "$and":
        return args.every(truthy);
      case "$cond":
        return truthy(args[0]) ? args[1] : args[2];
      case "$add":
        return new Date((args[0] as Date).getTime() + (args[1] as number));
      case "$max":
        return args.filter((value) => value !== undefined && value !== null).reduce<unknown>((a, b) => (compare(a, b) >= 0 ? a : b), null);
      default:
        throw new Error(`fake mongod: operator ${operator}`);
    }
  }
  return Object.fromEntries(Object.entries(expression).map(([key, value]) => [key, evaluate(value, document, now)]));
}

/** A query filter: equality, `$exists`, `$gt`, `$lte`, `$ne`, `$in`, `$expr`. */
function matches(document: Document, filter: Document, now: Date): boolean {
  return Object.entries(filter).every(([key, condition]) => {
    if (key === "$expr") return truthy(evaluate(condition, document, now));
    const value = document[key];
    if (!isOperators(condition)) return value !== undefined && compare(value, condition) === 0;
    return Object.entries(condition as Document).every(([operator, operand]) => {
      const sameType = value !== undefined && rank(value) === rank(operand);
      switch (operator) {
        case "$exists":
          return (value !== undefined) === operand;
        case "$ne":
          return value === undefined || compare(value, operand) !== 0;
        case "$gt":
          return sameType && compare(value, operand) > 0;
        case "$lte":
          return sameType && compare(value, operand) <= 0;
        case "$in":
          return (operand as unknown[]).some((item) => value !== undefined && compare(value, item) === 0);
        default:
          throw new Error(`fake mongod: query operator ${operator}`);
      }
    });
  });
}

function project(document: Document, projection: Document | undefined): Document {
  if (projection === undefined) return document;
  const included = Object.entries(projection).filter(([key, value]) => key !== "_id" && value === 1).map(([key]) => key);
  const keepId = projection._id !== 0;
  return Object.fromEntries(Object.entries(document).filter(([key]) => (key === "_id" ? keepId : included.includes(key))));
}

/** BSON order across types (missing, null, numbers, strings, objects, binary, booleans, dates), then by value. */
function compare(a: unknown, b: unknown): number {
  const byType = rank(a) - rank(b);
  if (byType !== 0) return Math.sign(byType);
  if (typeof a === "number" && typeof b === "number") return Math.sign(a - b);
  if (typeof a === "string" && typeof b === "string") return Buffer.compare(Buffer.from(a), Buffer.from(b));
  if (a instanceof Date && b instanceof Date) return Math.sign(a.getTime() - b.getTime());
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  return equal(a, b) ? 0 : 1;
}

function rank(value: unknown): number {
  if (value === undefined) return 0;
  if (value === null) return 1;
  if (typeof value === "number") return 2;
  if (typeof value === "string") return 3;
  if (value instanceof Binary) return 5;
  if (typeof value === "boolean") return 6;
  if (value instanceof Date) return 7;
  return 4;
}

function equal(a: unknown, b: unknown): boolean {
  if (a instanceof Binary && b instanceof Binary) return Buffer.from(a.value()).equals(Buffer.from(b.value()));
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((key) => equal((a as Document)[key], (b as Document)[key]));
  }
  return a === b;
}

function truthy(value: unknown): boolean {
  return !(value === false || value === null || value === undefined || value === 0);
}

function isPlainObject(value: unknown): value is Document {
  return typeof value === "object" && value !== null && !Array.isArray(value) && !(value instanceof Date) && !(value instanceof Binary);
}

function isOperators(value: unknown): boolean {
  return isPlainObject(value) && Object.keys(value).some((key) => key.startsWith("$"));
}
