/** The error a call throws or its promise rejects with (`undefined` when it does neither). */
export async function caught(call: () => unknown): Promise<unknown> {
  try {
    await call();
  } catch (e) {
    return e;
  }
  return undefined;
}
