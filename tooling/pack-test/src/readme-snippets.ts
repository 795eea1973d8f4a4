import { readFileSync } from "node:fs";
import { join } from "node:path";
import { repoRoot } from "./workspace.js";

/** The root README's code blocks marked `<!-- snippet: NAME -->`, by name, exactly as written. */
export function readmeSnippets(): Map<string, string> {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const marked = /<!-- snippet: ([\w-]+) -->\n```js\n([\s\S]*?)```/g;
  return new Map([...readme.matchAll(marked)].map(([, name, code]) => [name as string, code as string]));
}
