// How a withdrawal leaves the platform: a payout adapter per network (a chain's signer, a bank
// transfer API, a person with a wallet). The job hands approved withdrawals to the adapter of their
// network and settles the engine hold once the adapter names the transaction.

/** What an adapter gets to pay out (amount in the asset's units, fee excluded: it stays with us). */
export interface PayoutOrder {
  /** The withdrawal id: adapters must be idempotent on it (a crash may hand the same one over again). */
  withdrawalId: string;
  asset: string;
  network: string;
  address: string;
  /** '' when none. */
  memo: string;
  amount: number;
  /** The same amount as a decimal string at the asset's precision. */
  amountText: string;
}

/**
 * The outcome of `send`: the transaction id, or null when the adapter took the order and a person
 * (or a later callback) names the transaction later (a finance admin marks it sent).
 */
export interface PayoutResult {
  txId: string | null;
}

export interface PayoutAdapter {
  readonly name: string;
  /** Network slugs it pays out on; '*' for all (a fallback). */
  readonly networks: readonly string[] | '*';
  /** Pays out; throws PayoutError (retryable or final); any other error counts as retryable. */
  send(order: PayoutOrder): Promise<PayoutResult>;
}

/** A failed payout: `retryable` ones are tried again with back-off, final ones fail the withdrawal. */
export class PayoutError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'PayoutError';
  }
}

/**
 * The default adapter for every network: it records nothing outside and answers "the tx id comes
 * later"; a finance admin pays the withdrawal by hand and marks it sent with the tx id.
 */
export function createManualPayoutAdapter(): PayoutAdapter {
  return {
    name: 'manual',
    networks: '*',
    send: async () => ({ txId: null }),
  };
}

/**
 * A test adapter: pays at once with a made-up tx id (for test networks and demos), remembering what
 * it paid; `failNext` makes the next sends fail (retryable or final) to exercise the job's paths.
 */
export interface InstantPayoutAdapter extends PayoutAdapter {
  readonly paid: PayoutOrder[];
  failNext(count: number, retryable: boolean): void;
}

export function createInstantPayoutAdapter(networks: readonly string[]): InstantPayoutAdapter {
  const paid: PayoutOrder[] = [];
  let failures: { count: number; retryable: boolean } = { count: 0, retryable: true };
  return {
    name: 'instant',
    networks,
    paid,
    failNext(count, retryable) {
      failures = { count, retryable };
    },
    async send(order) {
      if (failures.count > 0) {
        failures = { ...failures, count: failures.count - 1 };
        throw new PayoutError('instant adapter: failing as asked', failures.retryable);
      }
      // Idempotent on the withdrawal id, as the interface asks.
      if (!paid.some((p) => p.withdrawalId === order.withdrawalId)) paid.push(order);
      return { txId: `instant-${order.withdrawalId}` };
    },
  };
}

/** The adapter serving a network: the last registered one that names it, else a '*' one. */
export function adapterFor(adapters: readonly PayoutAdapter[], network: string): PayoutAdapter | null {
  for (let i = adapters.length - 1; i >= 0; i--) {
    const a = adapters[i]!;
    if (a.networks !== '*' && a.networks.includes(network)) return a;
  }
  for (let i = adapters.length - 1; i >= 0; i--) {
    const a = adapters[i]!;
    if (a.networks === '*') return a;
  }
  return null;
}
