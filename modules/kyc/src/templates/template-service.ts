// The forms of each level. A form version that applications used is never edited: a change makes the
// next version, and when the active form of a level changes, users approved on an older form are
// asked to verify again (they keep their level meanwhile).
import type { Queryable } from '@tradeloom/db';
import { DomainError, newId } from '@tradeloom/kernel';
import { markForReverification } from '../applications/application-repository.js';
import type { KycContext } from '../kyc-context.js';
import { KYC_LEVEL_MAX, KYC_LEVELS } from '../levels.js';
import { contactOf, nameVar } from '../user-contact.js';
import { type Template, type TemplateField, templateProblems } from './template.js';
import {
  findActiveTemplate,
  findTemplate,
  insertTemplate,
  listTemplates,
  nextVersionOf,
  setTemplateStatus,
  templateInUse,
  updateDraft,
} from './template-repository.js';

export interface TemplateInput {
  level: number;
  name: string;
  fields: TemplateField[];
}

/** Who acts, from where (audit). */
export interface Actor {
  userId: string;
  ip?: string;
}

export interface TemplateService {
  list(level?: number): Promise<Template[]>;
  get(id: string): Promise<Template>;
  /** The active form of a level (KYC_TEMPLATE_NOT_ACTIVE without one). */
  active(level: number): Promise<Template>;
  create(input: TemplateInput & { activate?: boolean }, actor: Actor): Promise<Template>;
  /** Edits a draft in place; any other version gets a successor (active at once if it was active). */
  update(id: string, input: Omit<TemplateInput, 'level'>, actor: Actor): Promise<Template>;
  activate(id: string, actor: Actor): Promise<{ template: Template; reverification: number }>;
  retire(id: string, actor: Actor): Promise<Template>;
}

function checkFields(level: number, fields: readonly TemplateField[]): void {
  if (!Number.isInteger(level) || level < 1 || level > KYC_LEVEL_MAX)
    throw new DomainError('KYC_LEVEL_INVALID', `Forms exist for levels 1 to ${KYC_LEVEL_MAX}`);
  const problems = templateProblems(fields);
  if (problems.length > 0) throw new DomainError('KYC_TEMPLATE_INVALID', problems.join('; '), { problems });
}

export function createTemplateService(ctx: KycContext): TemplateService {
  const getOrThrow = async (db: Queryable, id: string, forUpdate = false) => {
    const template = await findTemplate(db, id, forUpdate);
    if (template === null) throw new DomainError('KYC_TEMPLATE_NOT_FOUND', 'No such form');
    return template;
  };

  /** Makes `template` the level's active form inside `tx`; answers how many users must verify again. */
  const activateWithin = async (tx: Queryable, template: Template, actor: Actor): Promise<number> => {
    const now = ctx.clock.nowMs();
    const previous = await findActiveTemplate(tx, template.level);
    if (previous !== null && previous.id !== template.id)
      await setTemplateStatus(tx, previous.id, 'retired', now);
    await setTemplateStatus(tx, template.id, 'active', now);
    const affected =
      previous === null ? [] : await markForReverification(tx, template.level, template.id, now);
    const levelName = KYC_LEVELS[template.level]?.name ?? String(template.level);
    const statusUrl = `${ctx.publicUrl}/account/verification`;
    for (const { applicationId, userId } of affected) {
      await tx.query(
        `INSERT INTO kyc_events (application_id, actor, action, reason, at) VALUES ($1, $2, 'reverification_required', $3, $4)`,
        [
          applicationId,
          actor.userId,
          `form ${template.name} v${template.version} activated`,
          new Date(now).toISOString(),
        ],
      );
      const user = await contactOf(tx, userId);
      if (user !== null) {
        await ctx.mail.send(
          {
            to: user.email,
            userId,
            template: 'kyc.reverification',
            vars: { levelName, statusUrl, ...nameVar(user) },
          },
          tx,
        );
      }
      await ctx.notify(
        userId,
        {
          category: 'kyc',
          title: 'Please verify again',
          body: `The verification form of the level ${levelName} changed; your level stays meanwhile.`,
          link: '/account/verification',
        },
        tx,
      );
    }
    await ctx.audit.record(
      {
        actor: actor.userId,
        action: 'kyc.template.activate',
        target: `kyc-template:${template.id}`,
        ...(actor.ip === undefined ? {} : { ip: actor.ip }),
        before: previous === null ? null : { id: previous.id, version: previous.version },
        after: {
          id: template.id,
          level: template.level,
          version: template.version,
          reverification: affected.length,
        },
      },
      tx,
    );
    return affected.length;
  };

  return {
    list: (level) => listTemplates(ctx.database, level),
    get: (id) => getOrThrow(ctx.database, id),
    async active(level) {
      const template = await findActiveTemplate(ctx.database, level);
      if (template === null)
        throw new DomainError('KYC_TEMPLATE_NOT_ACTIVE', `Level ${level} has no verification form yet`);
      return template;
    },
    async create(input, actor) {
      checkFields(input.level, input.fields);
      const now = ctx.clock.nowMs();
      const template: Template = {
        id: newId('ktpl'),
        familyId: newId('kfam'),
        version: 1,
        level: input.level,
        name: input.name,
        fields: input.fields,
        status: 'draft',
        createdBy: actor.userId,
        createdAtMs: now,
        activatedAtMs: null,
      };
      return ctx.database.transaction(async (tx) => {
        await insertTemplate(tx, template);
        await ctx.audit.record(
          {
            actor: actor.userId,
            action: 'kyc.template.create',
            target: `kyc-template:${template.id}`,
            ...(actor.ip === undefined ? {} : { ip: actor.ip }),
            after: { level: template.level, name: template.name, fields: template.fields.map((f) => f.key) },
          },
          tx,
        );
        if (input.activate === true) await activateWithin(tx, template, actor);
        return getOrThrow(tx, template.id);
      });
    },
    async update(id, input, actor) {
      return ctx.database.transaction(async (tx) => {
        const current = await getOrThrow(tx, id, true);
        checkFields(current.level, input.fields);
        const audit = {
          actor: actor.userId,
          action: 'kyc.template.update',
          ...(actor.ip === undefined ? {} : { ip: actor.ip }),
          before: { id: current.id, version: current.version, fields: current.fields.map((f) => f.key) },
        };
        if (current.status === 'draft' && !(await templateInUse(tx, id))) {
          await updateDraft(tx, id, input.name, input.fields);
          await ctx.audit.record({ ...audit, target: `kyc-template:${id}`, after: { name: input.name } }, tx);
          return getOrThrow(tx, id);
        }
        const next: Template = {
          ...current,
          id: newId('ktpl'),
          version: await nextVersionOf(tx, current.familyId),
          name: input.name,
          fields: input.fields,
          status: 'draft',
          createdBy: actor.userId,
          createdAtMs: ctx.clock.nowMs(),
          activatedAtMs: null,
        };
        await insertTemplate(tx, next);
        await ctx.audit.record(
          { ...audit, target: `kyc-template:${next.id}`, after: { id: next.id, version: next.version } },
          tx,
        );
        if (current.status === 'active') await activateWithin(tx, next, actor);
        return getOrThrow(tx, next.id);
      });
    },
    async activate(id, actor) {
      return ctx.database.transaction(async (tx) => {
        const template = await getOrThrow(tx, id, true);
        if (template.status === 'active') return { template, reverification: 0 };
        const reverification = await activateWithin(tx, template, actor);
        return { template: await getOrThrow(tx, id), reverification };
      });
    },
    async retire(id, actor) {
      return ctx.database.transaction(async (tx) => {
        const template = await getOrThrow(tx, id, true);
        if (template.status === 'retired') return template;
        await setTemplateStatus(tx, id, 'retired', ctx.clock.nowMs());
        await ctx.audit.record(
          {
            actor: actor.userId,
            action: 'kyc.template.retire',
            target: `kyc-template:${id}`,
            ...(actor.ip === undefined ? {} : { ip: actor.ip }),
            before: { status: template.status },
            after: { status: 'retired' },
          },
          tx,
        );
        return getOrThrow(tx, id);
      });
    },
  };
}
