/**
 * Collects garbage between runs when node runs with --expose-gc (the bench script
 * passes it), so one contender's garbage is not collected on the next one's time.
 */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
}
