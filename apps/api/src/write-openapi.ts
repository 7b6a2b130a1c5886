// `npm run docs:api`: writes docs/api/openapi.json from the assembled platform (a test keeps it current).
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { generateOpenApi } from './platform/generate-openapi.js';

const dir = join(import.meta.dirname, '..', '..', '..', 'docs', 'api');
await mkdir(dir, { recursive: true });
await writeFile(join(dir, 'openapi.json'), await generateOpenApi());
process.stdout.write(`wrote ${join(dir, 'openapi.json')}\n`);
