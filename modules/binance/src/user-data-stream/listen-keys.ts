// Listen keys of the user data stream: one live key per user (asking again returns it and extends
// it), valid 60 minutes after the last keepalive. The market-stream module resolves a key to its user.
import { randomBytes } from 'node:crypto';
import type { Database } from '@tradeloom/db';
import type { Clock } from '@tradeloom/kernel';
import { BinanceError } from '../support/binance-error.js';

const VALID_MS = 60 * 60_000;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

export interface ListenKeyService {
  /** The user's live listen key (extended), or a new one. */
  create(userId: string): Promise<string>;
  /** Extends the key by 60 minutes; -1125 when it is unknown, expired or another user's. */
  keepAlive(userId: string, listenKey: string): Promise<void>;
  close(userId: string, listenKey: string): Promise<void>;
  /** The user a live listen key belongs to, or null (for the user data stream). */
  userOf(listenKey: string): Promise<string | null>;
}

function newListenKey(): string {
  const bytes = randomBytes(60);
  let key = '';
  for (const byte of bytes) key += ALPHABET[byte % ALPHABET.length];
  return key;
}

const unknownKey = () => new BinanceError(-1125, 'This listenKey does not exist.');

export function createListenKeyService(database: Database, clock: Clock): ListenKeyService {
  const iso = (ms: number) => new Date(ms).toISOString();
  return {
    async create(userId) {
      const now = clock.nowMs();
      return database.transaction(async (tx) => {
        const { rows } = await tx.query(
          `UPDATE binance_listen_keys SET expires_at = $3
           WHERE user_id = $1 AND expires_at > $2 RETURNING listen_key`,
          [userId, iso(now), iso(now + VALID_MS)],
        );
        const live = rows[0];
        if (live !== undefined) return String(live.listen_key);
        await tx.query('DELETE FROM binance_listen_keys WHERE user_id = $1', [userId]);
        const key = newListenKey();
        await tx.query(
          'INSERT INTO binance_listen_keys (listen_key, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)',
          [key, userId, iso(now), iso(now + VALID_MS)],
        );
        return key;
      });
    },

    async keepAlive(userId, listenKey) {
      const now = clock.nowMs();
      const { rows } = await database.query(
        `UPDATE binance_listen_keys SET expires_at = $4
         WHERE listen_key = $1 AND user_id = $2 AND expires_at > $3 RETURNING listen_key`,
        [listenKey, userId, iso(now), iso(now + VALID_MS)],
      );
      if (rows.length === 0) throw unknownKey();
    },

    async close(userId, listenKey) {
      const { rows } = await database.query(
        'DELETE FROM binance_listen_keys WHERE listen_key = $1 AND user_id = $2 RETURNING listen_key',
        [listenKey, userId],
      );
      if (rows.length === 0) throw unknownKey();
    },

    async userOf(listenKey) {
      const { rows } = await database.query(
        'SELECT user_id FROM binance_listen_keys WHERE listen_key = $1 AND expires_at > $2',
        [listenKey, iso(clock.nowMs())],
      );
      const row = rows[0];
      return row === undefined ? null : String(row.user_id);
    },
  };
}
