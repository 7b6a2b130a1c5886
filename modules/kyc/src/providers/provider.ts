// External verification providers (document and liveness checks run by a vendor). The platform
// hands an application over, the vendor reports its outcome to a signed webhook, and the outcome is
// applied like a reviewer's decision (actor `provider:<name>`), once per webhook event.

/** What a provider is given. */
export interface ProviderRequest {
  applicationId: string;
  userId: string;
  level: number;
  answers: Readonly<Record<string, string>>;
  documents: readonly { field: string; mediaType: string; bytes: Buffer }[];
}

/** A provider's verdict, read from a webhook whose signature checked out. */
export interface ProviderResult {
  /** Unique per delivery: a retried webhook carries the same id and changes nothing. */
  eventId: string;
  reference: string;
  outcome: 'approved' | 'rejected' | 'changes_requested';
  reason?: string;
}

export interface KycProvider {
  readonly name: string;
  /** Starts a verification; answers the provider's reference for it. */
  start(request: ProviderRequest): Promise<{ reference: string }>;
  /** The result in a webhook, or null when its signature, timestamp or body does not check out. */
  parseWebhook(
    headers: Readonly<Record<string, string | string[] | undefined>>,
    rawBody: string,
    nowMs: number,
  ): ProviderResult | null;
}
