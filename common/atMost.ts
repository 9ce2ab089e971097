/**
 * Resolves when `work` settles or after `ms`, whichever is first; a failure of `work` is not
 * reported (shutdown and the end of a session must not hang on a dead database).
 */
export async function atMost(ms: number, work: Promise<unknown>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work.catch(() => undefined), new Promise((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
