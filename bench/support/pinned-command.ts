/**
 * `argv` run pinned to `cpu` with its open-file limit raised as far as asked (up to
 * the hard limit): one socket per connection, so both the server and wrk need it.
 *
 * @example
 * Bun.spawn(pinnedCommand(LOAD_CPU, ['wrk', '-c500', url], 8192))
 */
export function pinnedCommand(cpu: string, argv: string[], openFiles = 8192): string[] {
  return [
    'sh',
    '-c',
    `ulimit -n ${openFiles} 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"`,
    'sh',
    'taskset',
    '-c',
    cpu,
    ...argv,
  ]
}
