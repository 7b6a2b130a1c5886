import type { PermissionDefinition } from '@tradeloom/kernel';

/** Every permission, in role entries: what super_admin holds. Never accepted from role editors. */
export const ALL_PERMISSIONS = '*';

const PATTERN = /^[a-z][a-z0-9_-]*:\*$/;

/** The permissions modules define, deduplicated by name, with the names as a set. */
export interface PermissionCatalog {
  definitions: readonly PermissionDefinition[];
  names: ReadonlySet<string>;
}

/** Builds a catalog; the first definition of a name wins. */
export function catalogOf(definitions: Iterable<PermissionDefinition>): PermissionCatalog {
  const byName = new Map<string, PermissionDefinition>();
  for (const definition of definitions) {
    if (!byName.has(definition.name)) byName.set(definition.name, definition);
  }
  const sorted = [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { definitions: sorted, names: new Set(byName.keys()) };
}

/** True for a prefix pattern such as 'admin:*', which grants every catalog permission under 'admin:'. */
export function isPermissionPattern(entry: string): boolean {
  return PATTERN.test(entry);
}

/**
 * The permissions a role's entries grant today: exact names present in the catalog, every catalog
 * name under a pattern's prefix, the whole catalog for '*'. Names no module defines grant nothing,
 * so a permission dropped from the code stops being granted without editing roles.
 */
export function expandPermissions(entries: Iterable<string>, catalog: PermissionCatalog): Set<string> {
  const granted = new Set<string>();
  for (const entry of entries) {
    if (entry === ALL_PERMISSIONS) {
      for (const name of catalog.names) granted.add(name);
    } else if (isPermissionPattern(entry)) {
      const prefix = entry.slice(0, -1);
      for (const name of catalog.names) if (name.startsWith(prefix)) granted.add(name);
    } else if (catalog.names.has(entry)) {
      granted.add(entry);
    }
  }
  return granted;
}

/** The entries a role editor may not use: neither a catalog name nor a prefix pattern. */
export function unknownPermissions(entries: readonly string[], catalog: PermissionCatalog): string[] {
  return entries.filter((entry) => !catalog.names.has(entry) && !isPermissionPattern(entry));
}
