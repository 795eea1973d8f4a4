import { fileURLToPath } from "node:url";

/** The stylesheet, the script and the icon: next to src and dist, so both find it. */
export const PUBLIC_DIR = fileURLToPath(new URL("../public/", import.meta.url));
