import fc from "fast-check";

const MAX_ID_BYTES = 512;
const bytesOf = (text: string) => Buffer.byteLength(text, "utf8");
const LONE_SURROGATE = /\p{Surrogate}/u;

/** Characters that are syntax somewhere (SQL, globs, regexes, JSON, shells) and must stay data. */
export const SYNTAX_CHARACTERS = [..."'\"`%_*?[]{}()\\/|^$.+-;:#&=<>!~@,", " ", "\n", "\r", "\t"];

/** Characters that trip up encodings, collations and normalization. */
const AWKWARD_CHARACTERS = ["\u0301", "\u00e9", "\u00df", "\u0130", "\uFEFF", "\u200B", "\uFFFD", "\uFFFF", "\u{1F600}", "\u{10FFFF}", "\u0080"];

/** One code point anywhere in Unicode except the surrogates and NUL, biased towards the awkward ones. */
export const legalCharacter: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.integer({ min: 1, max: 0xd7ff }).map((code) => String.fromCodePoint(code)), weight: 4 },
  { arbitrary: fc.integer({ min: 0xe000, max: 0x10ffff }).map((code) => String.fromCodePoint(code)), weight: 4 },
  { arbitrary: fc.constantFrom(...SYNTAX_CHARACTERS), weight: 2 },
  { arbitrary: fc.constantFrom(...AWKWARD_CHARACTERS), weight: 1 },
  { arbitrary: fc.constantFrom("a", "A", "0"), weight: 1 },
);

/** A legal session id: 1 to 128 code points (so at most 512 UTF-8 bytes), mostly short. */
export const legalId: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ unit: legalCharacter, minLength: 1, maxLength: 24 }), weight: 8 },
  { arbitrary: fc.string({ unit: legalCharacter, minLength: 100, maxLength: 128 }), weight: 1 },
  { arbitrary: fc.integer({ min: 1, max: MAX_ID_BYTES }).map((length) => "x".repeat(length)), weight: 1 },
);

/** An id the contract refuses with a RangeError: empty, NUL, a lone surrogate, or over 512 bytes. */
export const rangeErrorId: fc.Arbitrary<string> = fc.oneof(
  fc.constant(""),
  fc.tuple(legalId, fc.nat()).map(([id, at]) => insert(id, "\0", at)),
  fc
    .tuple(legalId, fc.integer({ min: 0xd800, max: 0xdfff }), fc.nat())
    .map(([id, surrogate, at]) => insert(id, String.fromCharCode(surrogate), at))
    .filter((id) => LONE_SURROGATE.test(id.replace(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g, ""))),
  fc
    .string({ unit: legalCharacter, minLength: 129, maxLength: 400 })
    .filter((id) => bytesOf(id) > MAX_ID_BYTES),
  fc.integer({ min: MAX_ID_BYTES + 1, max: 4 * MAX_ID_BYTES }).map((length) => "y".repeat(length)),
);

/** Something that is not a string at all: a TypeError. */
export const typeErrorId: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
  fc.uint8Array({ maxLength: 8 }),
  fc.array(fc.string(), { maxLength: 2 }),
  fc.object({ maxDepth: 1 }),
  fc.string().map((text) => new String(text)),
);

/** TTLs the contract refuses: zero, negative, NaN, infinite (RangeError) or not numbers (TypeError). */
export const badTtl: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(0, -0, -1, Number.NaN, Infinity, -Infinity, Number.MIN_SAFE_INTEGER),
  fc.double({ max: 0, noNaN: true }),
  fc.constantFrom("1000", null, undefined, 10n, {}, [1000]),
);

/** Data the contract refuses (TypeError): anything that is not a Uint8Array. */
export const badData: fc.Arbitrary<unknown> = fc.oneof(
  fc.string(),
  fc.constantFrom(null, undefined, 42, new ArrayBuffer(4), new Uint16Array(2), new DataView(new ArrayBuffer(2))),
  fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 8 }),
);

function insert(text: string, piece: string, at: number): string {
  const index = at % (text.length + 1);
  return text.slice(0, index) + piece + text.slice(index);
}

/** The longest prefix of `id` that is a legal id itself, or undefined. */
export function legalPrefix(id: string): string | undefined {
  let prefix = "";
  for (const character of id) {
    if (character === "\0" || LONE_SURROGATE.test(character) || bytesOf(prefix + character) > MAX_ID_BYTES) break;
    prefix += character;
  }
  return prefix === "" ? undefined : prefix;
}
