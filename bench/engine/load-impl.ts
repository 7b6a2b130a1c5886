// The registry of engines under test is the impls/ folder itself: adding an engine is adding a file,
// with nothing to register by hand. Files are imported lazily so a child process loads only the
// engine it measures.

import { readdir } from 'node:fs/promises';
import type { EngineImpl, ImplFactory } from './impl.js';

const implsDir = new URL('./impls/', import.meta.url);
const implNamePattern = /^[a-z0-9][a-z0-9-]*$/;

/** Names of all impls present in impls/, sorted; files starting with `_` and tests are skipped. */
export async function listImpls(): Promise<string[]> {
  const files = await readdir(implsDir);
  return files
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('_'))
    .map((f) => f.slice(0, -'.ts'.length))
    .filter((name) => implNamePattern.test(name))
    .sort();
}

/** Import impls/<name>.ts and return its factory; throws if the file does not fit the contract. */
export async function loadImpl(name: string): Promise<ImplFactory> {
  if (!implNamePattern.test(name)) throw new Error(`invalid impl name: ${JSON.stringify(name)}`);
  const known = await listImpls();
  if (!known.includes(name)) throw new Error(`unknown impl ${name}; present: ${known.join(', ')}`);
  const mod: unknown = await import(new URL(`${name}.ts`, implsDir).href);
  if (!hasDefaultFunction(mod)) throw new Error(`impls/${name}.ts must default-export an ImplFactory`);
  const create = mod.default;
  return () => {
    const impl: unknown = create();
    if (!isEngineImpl(impl)) throw new Error(`impls/${name}.ts: factory did not return an EngineImpl`);
    if (impl.name !== name) throw new Error(`impls/${name}.ts: impl is named ${impl.name}, not ${name}`);
    return impl;
  };
}

function hasDefaultFunction(mod: unknown): mod is { default: () => unknown } {
  return typeof mod === 'object' && mod !== null && 'default' in mod && typeof mod.default === 'function';
}

function isEngineImpl(value: unknown): value is EngineImpl {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return (
    typeof v.name === 'string' &&
    typeof v.init === 'function' &&
    typeof v.apply === 'function' &&
    typeof v.stats === 'function'
  );
}
