// Proves docs/api/openapi.json is the document the code generates (run `npm run docs:api` after a change).
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generateOpenApi } from './generate-openapi.js';

describe('docs/api/openapi.json', () => {
  it('matches the routes of the code', async () => {
    const committed = await readFile(join(import.meta.dirname, '../../../../docs/api/openapi.json'), 'utf8');
    const generated = await generateOpenApi();
    const paths = Object.keys((JSON.parse(generated) as { paths: object }).paths);
    expect(paths).toEqual(
      expect.arrayContaining(['/api/v1/auth/login', '/api/v1/admin/roles', '/api/v1/account/api-keys']),
    );
    expect(committed, 'docs/api/openapi.json is stale: run npm run docs:api').toBe(generated);
  });
});
