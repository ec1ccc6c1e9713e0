/**
 * Dependency specifiers that only mean something inside this Bun workspace
 * (`catalog:`, `workspace:`). A published manifest carrying one cannot be installed:
 * npm fails with EUNSUPPORTEDPROTOCOL. `bun pm pack` resolves them; `npm publish`
 * from the source folder does not.
 */
const DEPENDENCY_FIELDS = [
  'dependencies',
  'peerDependencies',
  'optionalDependencies',
  'devDependencies',
] as const

const WORKSPACE_ONLY = /^(catalog|workspace):/

/** `field name@specifier` for every workspace-only specifier of `manifest`; empty when it can be published. */
export function unresolvedSpecifiers(manifest: Record<string, unknown>): string[] {
  const found: string[] = []
  for (const field of DEPENDENCY_FIELDS) {
    const dependencies = manifest[field]
    if (typeof dependencies !== 'object' || dependencies === null) continue
    for (const [name, specifier] of Object.entries(dependencies)) {
      if (typeof specifier === 'string' && WORKSPACE_ONLY.test(specifier))
        found.push(`${field} ${name}@${specifier}`)
    }
  }
  return found
}
