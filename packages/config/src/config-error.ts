/** One environment variable that failed validation: its name and what it should hold (never its value). */
export interface ConfigIssue {
  variable: string;
  expected: string;
}

/** Thrown by `loadConfig` with every invalid variable at once, so one restart fixes them all. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(readonly issues: readonly ConfigIssue[]) {
    super(
      `Invalid configuration (${issues.length} ${issues.length === 1 ? 'problem' : 'problems'}):\n${issues
        .map((issue) => `  - ${issue.variable}: expected ${issue.expected}`)
        .join('\n')}`,
    );
  }
}
