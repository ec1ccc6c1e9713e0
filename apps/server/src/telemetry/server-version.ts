import serverPackage from '../../package.json' with { type: 'json' }

/** The server's version (apps/server/package.json), on every log line, in `target_info` and health bodies. */
export const SERVER_VERSION: string = serverPackage.version
