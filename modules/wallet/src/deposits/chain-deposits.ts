// The interface between the deposits part and the on-chain integration (a later issue): it allocates
// deposit addresses through a generator per network, and reports what it sees on chain through
// `recordChainDeposit`, which credits each output exactly once when it has the network's confirmations.

/** One output paying one of our deposit addresses, as a chain watcher sees it. */
export interface ObservedChainDeposit {
  asset: string;
  /** The network's slug (wallet_networks.network). */
  network: string;
  txHash: string;
  /** The output (UTXO chains) or log index (account chains) within the transaction. */
  outputIndex: number;
  address: string;
  /** The memo/tag the sender set, on networks that need one. */
  memo?: string;
  /** Decimal string at the asset's precision. */
  amount: string;
  /** Confirmations so far (a lower count than seen before is ignored: reorgs are the watcher's job). */
  confirmations: number;
}

export type ChainDepositOutcome =
  /** Seen, waiting for confirmations. */
  | 'pending'
  /** Credited now or before (repeats answer this too). */
  | 'credited'
  /** The address is nobody's: nothing recorded. */
  | 'unknown-address'
  /** Below the network's deposit minimum: recorded, never credited. */
  | 'below-minimum';

/** Makes a new deposit address for a user on a network (HD derivation, a node's RPC, …). */
export interface DepositAddressGenerator {
  /** The network slug it serves. */
  readonly network: string;
  generate(input: {
    userId: string;
    asset: string;
    network: string;
  }): Promise<{ address: string; memo?: string }>;
}

/** What a chain watcher reports into (the deposits service has this shape). */
export interface ChainDepositSink {
  recordChainDeposit(
    observed: ObservedChainDeposit,
  ): Promise<{ outcome: ChainDepositOutcome; depositId: string | null }>;
}

/** A chain watcher: feeds observations into the sink until stopped. */
export interface CryptoDepositSource {
  readonly network: string;
  start(sink: ChainDepositSink): Promise<void>;
  stop(): Promise<void>;
}
