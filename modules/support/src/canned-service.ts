// Canned responses: texts agents insert into replies. Changes are audited like every agent action.
import { DomainError, newId } from '@tradeloom/kernel';
import { isoOf, msOf } from './route-support.js';
import type { SupportContext } from './support-context.js';
import type { Actor } from './ticket-service.js';

export interface CannedResponse {
  id: string;
  title: string;
  body: string;
  createdBy: string;
  updatedAtMs: number;
}

export interface CannedService {
  list(): Promise<CannedResponse[]>;
  get(id: string): Promise<CannedResponse>;
  create(input: { title: string; body: string }, actor: Actor): Promise<CannedResponse>;
  update(id: string, input: { title: string; body: string }, actor: Actor): Promise<CannedResponse>;
  remove(id: string, actor: Actor): Promise<void>;
}

export function createCannedService(ctx: SupportContext): CannedService {
  const db = ctx.database;
  const toCanned = (row: Record<string, unknown>): CannedResponse => ({
    id: String(row.id),
    title: String(row.title),
    body: String(row.body),
    createdBy: String(row.created_by),
    updatedAtMs: msOf(row.updated_at),
  });
  const get = async (id: string) => {
    const { rows } = await db.query('SELECT * FROM support_canned_responses WHERE id = $1', [id]);
    if (rows[0] === undefined) throw new DomainError('SUPPORT_CANNED_NOT_FOUND', 'No such canned response');
    return toCanned(rows[0]);
  };
  const audit = (actor: Actor, verb: string, id: string, after?: object) => ({
    actor: actor.userId,
    action: `support.canned.${verb}`,
    target: `canned:${id}`,
    ...(actor.ip === undefined ? {} : { ip: actor.ip }),
    ...(after === undefined ? {} : { after }),
  });
  return {
    async list() {
      const { rows } = await db.query('SELECT * FROM support_canned_responses ORDER BY title, id');
      return rows.map(toCanned);
    },
    get,
    async create(input, actor) {
      const id = newId('can');
      const now = isoOf(ctx.clock.nowMs());
      await db.transaction(async (tx) => {
        await tx.query(
          'INSERT INTO support_canned_responses (id, title, body, created_by, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)',
          [id, input.title, input.body, actor.userId, now],
        );
        await ctx.audit.record(audit(actor, 'create', id, { title: input.title }), tx);
      });
      return get(id);
    },
    async update(id, input, actor) {
      await get(id);
      await db.transaction(async (tx) => {
        await tx.query(
          'UPDATE support_canned_responses SET title = $2, body = $3, updated_at = $4 WHERE id = $1',
          [id, input.title, input.body, isoOf(ctx.clock.nowMs())],
        );
        await ctx.audit.record(audit(actor, 'update', id, { title: input.title }), tx);
      });
      return get(id);
    },
    async remove(id, actor) {
      await get(id);
      await db.transaction(async (tx) => {
        await tx.query('DELETE FROM support_canned_responses WHERE id = $1', [id]);
        await ctx.audit.record(audit(actor, 'delete', id), tx);
      });
    },
  };
}
