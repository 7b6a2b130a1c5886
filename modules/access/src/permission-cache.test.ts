// Proves the permission cache expires after its TTL, forgets on invalidation, refuses to store a set
// read before an invalidation (the race that would re-cache a revoked role), and stays bounded.
import { SettableClock } from '@tradeloom/kernel';
import { describe, expect, it } from 'vitest';
import { PermissionCache } from './permission-cache.js';

describe('PermissionCache', () => {
  it('serves a set until its TTL ends', () => {
    const clock = new SettableClock(1_000);
    const cache = new PermissionCache(clock, 5_000);
    cache.set('usr_a', new Set(['x']), cache.generation);
    clock.advance(4_999);
    expect(cache.get('usr_a')).toEqual(new Set(['x']));
    clock.advance(1);
    expect(cache.get('usr_a')).toBeUndefined();
  });

  it('forgets one user or everyone on invalidation', () => {
    const cache = new PermissionCache(new SettableClock(), 5_000);
    cache.set('usr_a', new Set(['x']), cache.generation);
    cache.set('usr_b', new Set(['y']), cache.generation);
    cache.invalidate('usr_a');
    expect(cache.get('usr_a')).toBeUndefined();
    expect(cache.get('usr_b')).toEqual(new Set(['y']));
    cache.invalidate();
    expect(cache.get('usr_b')).toBeUndefined();
  });

  it('drops a set read before an invalidation that came while it was being read', () => {
    const cache = new PermissionCache(new SettableClock(), 5_000);
    const generation = cache.generation; // a read starts
    cache.invalidate('usr_a'); // a revocation commits meanwhile
    cache.set('usr_a', new Set(['revoked:permission']), generation);
    expect(cache.get('usr_a')).toBeUndefined();
  });

  it('stores nothing with a TTL of 0 and keeps at most entriesMax users', () => {
    const off = new PermissionCache(new SettableClock(), 0);
    off.set('usr_a', new Set(['x']), off.generation);
    expect(off.get('usr_a')).toBeUndefined();

    const cache = new PermissionCache(new SettableClock(), 5_000, 2);
    for (const user of ['usr_1', 'usr_2', 'usr_3']) cache.set(user, new Set([user]), cache.generation);
    expect(cache.get('usr_1')).toBeUndefined();
    expect(cache.get('usr_2')).toEqual(new Set(['usr_2']));
    expect(cache.get('usr_3')).toEqual(new Set(['usr_3']));
  });
});
