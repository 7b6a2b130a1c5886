import type { PermissionDefinition } from '@tradeloom/kernel';

/** Work the ticket queue: see, assign, reply, internal notes, canned responses. */
export const PERMISSION_SUPPORT_TICKETS = 'support:tickets';

export const supportPermissions: readonly PermissionDefinition[] = [
  {
    name: PERMISSION_SUPPORT_TICKETS,
    description:
      "Work support tickets: the queue, assignment, replies, internal notes, canned responses, the user's context",
  },
];
