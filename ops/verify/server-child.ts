import type { Subprocess } from 'bun'
import { waitFor } from './wait-for.ts'

/** SIGTERM, then SIGKILL after 15 s: the server's graceful drain gets its time, never more. Resolves once it has exited. */
export async function stopServerChild(child: Subprocess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  child.kill('SIGTERM')
  const exited = await Promise.race([child.exited.then(() => true), Bun.sleep(15_000).then(() => false)])
  if (!exited) {
    child.kill('SIGKILL')
    await child.exited
  }
}

/**
 * Waits up to 60 s until the server child at `url` answers `/health/ready` with 200.
 * If it exits first or never gets ready, it is stopped and this throws, quoting
 * what `output()` kept of its log.
 *
 * @example
 * await awaitServerReady(child, `http://127.0.0.1:${port}`)
 */
export async function awaitServerReady(
  child: Subprocess,
  url: string,
  output: () => string = () => '',
): Promise<void> {
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null)
          throw new Error(
            `the server exited with code ${child.exitCode} while starting\n${output()}`.trimEnd(),
          )
        return fetch(`${url}/health/ready`).then(
          (response) => response.status === 200,
          () => false,
        )
      },
      60_000,
      `the server on ${url} did not become ready`,
    )
  } catch (error) {
    await stopServerChild(child)
    throw error
  }
}
