import type { Command, CommandResult } from '@tradeloom/engine';
import type { EngineHost } from './engine-host.js';
import type { Query } from './protocol.js';
import { runQuery } from './queries.js';

/**
 * How the rest of the platform talks to the engine, the same in both modes: in-process in embedded
 * mode (`localEngineGateway`), over the socket protocol in server mode (`EngineClient`).
 */
export interface EngineGateway {
  /** Sends a command; resolves with its result once it is durable. */
  submit(command: Command): Promise<CommandResult>;
  /** A read-only view of the live state (status, book, balances, state hash). */
  query<T = unknown>(query: Query): Promise<T>;
}

/** The gateway of an engine hosted in this process. */
export function localEngineGateway(host: EngineHost): EngineGateway {
  return {
    submit: (command) => host.submit(command),
    query: <T>(query: Query) => Promise.resolve(runQuery(host, query) as T),
  };
}
