export const TICKET_CATEGORIES = ['account', 'deposit', 'withdrawal', 'trading', 'kyc', 'other'] as const;
export const TICKET_PRIORITIES = ['low', 'normal', 'high', 'urgent'] as const;
export const TICKET_STATUSES = ['open', 'pending', 'resolved', 'closed'] as const;
export type TicketCategory = (typeof TICKET_CATEGORIES)[number];
export type TicketPriority = (typeof TICKET_PRIORITIES)[number];
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** First-response targets by priority (the SLA; docs/support.md). */
export const FIRST_RESPONSE_MS: Readonly<Record<TicketPriority, number>> = {
  urgent: 3_600_000,
  high: 4 * 3_600_000,
  normal: 24 * 3_600_000,
  low: 72 * 3_600_000,
};

export interface Ticket {
  id: string;
  userId: string;
  subject: string;
  category: TicketCategory;
  priority: TicketPriority;
  status: TicketStatus;
  assigneeId: string | null;
  firstResponseDueAtMs: number;
  firstResponseAtMs: number | null;
  lastMessageAtMs: number;
  resolvedAtMs: number | null;
  createdAtMs: number;
  updatedAtMs: number;
}

export interface Attachment {
  id: string;
  messageId: string;
  fileName: string;
  mediaType: string;
  sizeBytes: number;
  width: number | null;
  height: number | null;
  storageKey: string;
}

export interface Message {
  id: string;
  ticketId: string;
  authorId: string;
  authorKind: 'user' | 'agent';
  internal: boolean;
  body: string;
  createdAtMs: number;
  attachments: Attachment[];
}

/** Overdue: no agent has answered yet and the first-response target has passed. */
export function isOverdue(ticket: Ticket, nowMs: number): boolean {
  return (
    ticket.firstResponseAtMs === null &&
    (ticket.status === 'open' || ticket.status === 'pending') &&
    ticket.firstResponseDueAtMs < nowMs
  );
}
