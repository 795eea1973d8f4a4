/**
 * Whether a failed `import()` or `require()` means `packageName` itself is not
 * installed, rather than the package loading and one of its own imports failing
 * (Node's message names the specifier it could not find, in quotes).
 */
export function isMissingPackage(error: unknown, packageName: string): boolean {
  const { code, message } = (error ?? {}) as { code?: unknown; message?: unknown };
  const notFound = code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND";
  return notFound && typeof message === "string" && message.includes(`'${packageName}'`);
}
