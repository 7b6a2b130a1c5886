/**
 * The Drizzle schema the `Database` is typed for. Empty for now: modules add their tables here
 * (or keep using the query builder with their own table objects, which needs no registration).
 */
export const schema = {};

/** The type of the exported schema object. */
export type Schema = typeof schema;
