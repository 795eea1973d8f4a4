/** The installed version of a dependency, for the contender's name in the table. */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

const require = createRequire(import.meta.url);

/** `from`: a dependency whose own dependency `name` is (pnpm hides indirect ones). */
export function packageVersion(name: string, from?: string): string {
  const resolve = from ? createRequire(require.resolve(from)).resolve : require.resolve;
  // Walk up from the resolved entry: not every package exports its package.json.
  let dir: string;
  try {
    dir = dirname(resolve(name));
  } catch {
    return "?";
  }
  for (;;) {
    try {
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as { name?: string; version?: string };
      if (manifest.name === name && manifest.version) return manifest.version;
    } catch {
      // no package.json here: keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) return "?";
    dir = parent;
  }
}
