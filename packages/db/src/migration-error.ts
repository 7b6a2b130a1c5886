/** Why migrations refused to run; the operator must fix the files or the database, never retry blindly. */
export type MigrationErrorCode =
  | 'MIGRATION_CHECKSUM_MISMATCH'
  | 'MIGRATION_BAD_FILE_NAME'
  | 'MIGRATION_DUPLICATE_VERSION';

/** A migration problem that stops start-up. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
  constructor(
    readonly code: MigrationErrorCode,
    message: string,
  ) {
    super(message);
  }
}
