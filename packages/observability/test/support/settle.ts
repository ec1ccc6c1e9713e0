/**
 * Elysia runs `onAfterResponse` in a `setImmediate` after the response is handed
 * over; waiting a few macrotask turns lets those hooks finish before asserting.
 */
export async function afterResponses(): Promise<void> {
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve))
}
