import { type ApiApp, errorBodySchema } from '@tradeloom/kernel';
import { z } from 'zod';
import { PERMISSION_ADMIN_ROLES } from './access-permissions.js';
import type { AccessService } from './access-service.js';

const roleNameSchema = z.string().min(1).max(40).describe("Role name, e.g. 'support'");
const userIdSchema = z.string().min(1).max(100).describe('User id (usr_…)');
const permissionEntrySchema = z
  .string()
  .min(1)
  .max(100)
  .describe("A permission name from the catalog, or a prefix pattern such as 'support:*'");

const roleSchema = z.object({
  name: z.string(),
  description: z.string(),
  permissions: z.array(z.string()).describe("Stored entries: names, prefix patterns, or '*' (super_admin)"),
  effectivePermissions: z.array(z.string()).describe('The catalog permissions the entries grant today'),
  isSystem: z.boolean().describe('System roles cannot be deleted; super_admin cannot be edited either'),
  createdAt: z.string(),
  updatedAt: z.string(),
});

const userRolesSchema = z.object({
  userId: z.string(),
  roles: z.array(z.string()),
  permissions: z.array(z.string()).describe('What the roles grant'),
});

const errors = { 400: errorBodySchema, 401: errorBodySchema, 403: errorBodySchema };
const tags = ['admin: access'];
const config = { permission: PERMISSION_ADMIN_ROLES };

/** Routes for roles, the permission catalog and users' role assignments (permission admin:roles). */
export function registerRoleRoutes(app: ApiApp, service: AccessService): void {
  const userRoles = async (userId: string) => ({
    userId,
    roles: await service.rolesOf(userId),
    permissions: [...(await service.resolvePermissions(userId))].sort(),
  });

  app.get(
    '/api/v1/admin/permissions',
    {
      config,
      schema: {
        summary: 'The permission catalog',
        description: 'Every permission the installed modules define; roles are built from these.',
        tags,
        response: {
          200: z.object({ permissions: z.array(z.object({ name: z.string(), description: z.string() })) }),
          ...errors,
        },
      },
    },
    async () => ({
      permissions: service.permissionCatalog().map(({ name, description }) => ({ name, description })),
    }),
  );

  app.get(
    '/api/v1/admin/roles',
    {
      config,
      schema: {
        summary: 'List roles',
        tags,
        response: { 200: z.object({ roles: z.array(roleSchema) }), ...errors },
      },
    },
    async () => ({ roles: await service.listRoles() }),
  );

  app.post(
    '/api/v1/admin/roles',
    {
      config,
      schema: {
        summary: 'Create a role',
        description: 'You can only create a role whose permissions you hold yourself.',
        tags,
        body: z.object({
          name: z
            .string()
            .regex(/^[a-z][a-z0-9_]{1,39}$/)
            .describe('2-40 characters: a-z, then a-z, 0-9, _'),
          description: z.string().max(500).optional(),
          permissions: z.array(permissionEntrySchema).max(200),
        }),
        response: { 201: roleSchema, ...errors, 409: errorBodySchema },
      },
    },
    async (request, reply) => {
      const role = await service.createRole(request.body, actorOf(request), request.ip);
      return reply.status(201).send(role);
    },
  );

  app.patch(
    '/api/v1/admin/roles/:name',
    {
      config,
      schema: {
        summary: 'Edit a role',
        description: 'Fields given replace the stored ones. super_admin cannot be edited.',
        tags,
        params: z.object({ name: roleNameSchema }),
        body: z.object({
          description: z.string().max(500).optional(),
          permissions: z.array(permissionEntrySchema).max(200).optional(),
        }),
        response: { 200: roleSchema, ...errors, 404: errorBodySchema, 409: errorBodySchema },
      },
    },
    async (request) => service.updateRole(request.params.name, request.body, actorOf(request), request.ip),
  );

  app.delete(
    '/api/v1/admin/roles/:name',
    {
      config,
      schema: {
        summary: 'Delete a role',
        description: 'System roles cannot be deleted; a role still held must be revoked first.',
        tags,
        params: z.object({ name: roleNameSchema }),
        response: { 204: z.null(), ...errors, 404: errorBodySchema, 409: errorBodySchema },
      },
    },
    async (request, reply) => {
      await service.deleteRole(request.params.name, actorOf(request), request.ip);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/api/v1/admin/users/:userId/roles',
    {
      config,
      schema: {
        summary: "A user's roles and permissions",
        tags,
        params: z.object({ userId: userIdSchema }),
        response: { 200: userRolesSchema, ...errors },
      },
    },
    async (request) => userRoles(request.params.userId),
  );

  app.put(
    '/api/v1/admin/users/:userId/roles/:role',
    {
      config,
      schema: {
        summary: 'Grant a role to a user',
        description: 'Idempotent. You can only grant a role whose permissions you hold yourself.',
        tags,
        params: z.object({ userId: userIdSchema, role: roleNameSchema }),
        response: { 200: userRolesSchema, ...errors, 404: errorBodySchema },
      },
    },
    async (request) => {
      await service.assignRole(request.params.userId, request.params.role, actorOf(request), request.ip);
      return userRoles(request.params.userId);
    },
  );

  app.delete(
    '/api/v1/admin/users/:userId/roles/:role',
    {
      config,
      schema: {
        summary: 'Take a role from a user',
        description: 'Idempotent. The last super_admin keeps the role.',
        tags,
        params: z.object({ userId: userIdSchema, role: roleNameSchema }),
        response: { 200: userRolesSchema, ...errors, 404: errorBodySchema, 409: errorBodySchema },
      },
    },
    async (request) => {
      await service.revokeRole(request.params.userId, request.params.role, actorOf(request), request.ip);
      return userRoles(request.params.userId);
    },
  );
}

/** The signed-in user acting; the pipeline has refused anonymous callers before any handler runs. */
export function actorOf(request: { principal: { userId: string } | null }): string {
  if (request.principal === null) throw new Error('access: an admin route ran without a principal');
  return request.principal.userId;
}
