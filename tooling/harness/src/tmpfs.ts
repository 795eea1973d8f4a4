import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);

/** A tmpfs of `sizeKb` mounted at a fresh dir, for disk-full tests (needs root); undefined, with the reason printed, where mount fails. */
export async function mountTinyTmpfs(sizeKb: number): Promise<{ dir: string; unmount(): Promise<void> } | undefined> {
  const dir = await mkdtemp(join(tmpdir(), "session-store-tmpfs-"));
  try {
    await run("mount", ["-t", "tmpfs", "-o", `size=${sizeKb}k`, "tmpfs", dir]);
  } catch (error) {
    console.warn(`tmpfs: cannot mount a ${sizeKb} KiB tmpfs here (${(error as Error).message.trim()}); the disk-full tests are skipped`);
    await rm(dir, { recursive: true, force: true });
    return undefined;
  }
  let mounted = true;
  return {
    dir,
    async unmount() {
      if (mounted) await run("umount", [dir]);
      mounted = false;
      await rm(dir, { recursive: true, force: true });
    },
  };
}
