/** A failure the CLI reports as one line (no stack): the operator can act on the message alone. */
export class CommandError extends Error {
  override name = 'CommandError'
}
