// `npm run tradeloom -- <command>`: the operator CLI (see `help`).
import { ConfigError, loadConfig } from '@tradeloom/config';
import { runCli } from './run-cli.js';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  process.stderr.write(`${error.message}\nSee docs/configuration.md.\n`);
  process.exit(1);
}

async function readStdin(): Promise<string | null> {
  if (process.stdin.isTTY) return null;
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  const line = text.split('\n')[0]?.trim() ?? '';
  return line === '' ? null : line;
}

try {
  process.exitCode = await runCli(process.argv.slice(2), config, {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    readStdin,
  });
} catch (error) {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
}
