import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { expect, it } from "vitest";
import { mountTinyTmpfs } from "../src/index.js";

const disk = await mountTinyTmpfs(64);

it.skipIf(disk === undefined)("a tiny tmpfs fills up: a write past its size fails with ENOSPC, and unmount removes it", async () => {
  const { dir, unmount } = disk!;
  try {
    await writeFile(join(dir, "small"), Buffer.alloc(16 * 1024));
    await expect(writeFile(join(dir, "large"), Buffer.alloc(128 * 1024))).rejects.toMatchObject({ code: "ENOSPC" });
  } finally {
    await unmount();
  }
  expect(existsSync(dir)).toBe(false);
});
