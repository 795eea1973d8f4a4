export { copySessions, DEFAULT_BATCH_SIZE } from "./copy-sessions.js";
export type { CopyCounts, CopyOptions, CopySource, CopyTarget } from "./copy-sessions.js";
export { openUrl } from "./open-url.js";
export type { Opened } from "./open-url.js";
export { displayUrl } from "./display-url.js";
export { main } from "./main.js";
