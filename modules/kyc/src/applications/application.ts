export const APPLICATION_STATUSES = [
  'pending',
  'approved',
  'rejected',
  'changes_requested',
  'erased',
] as const;
export type ApplicationStatus = (typeof APPLICATION_STATUSES)[number];

/** A user's submission of a level's form. */
export interface Application {
  id: string;
  userId: string;
  level: number;
  templateId: string;
  answers: Record<string, string>;
  status: ApplicationStatus;
  reason: string | null;
  changeFields: string[];
  decidedBy: string | null;
  decidedAtMs: number | null;
  reverificationRequired: boolean;
  provider: string | null;
  providerReference: string | null;
  submittedAtMs: number;
  updatedAtMs: number;
}

/** A stored file of an application (its bytes are in the storage adapter). */
export interface KycDocument {
  id: string;
  applicationId: string;
  userId: string;
  fieldKey: string;
  storageKey: string | null;
  mediaType: string;
  sizeBytes: number;
  width: number | null;
  height: number | null;
  sha256: string;
  createdAtMs: number;
  erasedAtMs: number | null;
}

/** One step in an application's history. */
export interface ApplicationEvent {
  actor: string;
  action: string;
  reason: string | null;
  atMs: number;
}
