import type { Database } from '@tradeloom/db';
import { Projector, type ProjectorOptions, readProjectedSeq } from '@tradeloom/projection';
import { EngineHost, type EngineHostOptions } from './engine-host.js';

/** An engine host whose durable results flow into the read model. */
export interface ProjectedEngine {
  host: EngineHost;
  projector: Projector;
  /** Closes the host (every command acknowledged), then writes what the projector still holds. */
  close(): Promise<void>;
}

/**
 * Opens the engine so that the read model misses nothing: recovery starts at or below the
 * projector's cursor, the replayed commands after it go to the projector first, then every durable
 * result in order. Call before any command is submitted.
 */
export async function openProjectedEngine(
  database: Database,
  hostOptions: Omit<EngineHostOptions, 'projectedSeq'>,
  projectorOptions: ProjectorOptions = {},
): Promise<ProjectedEngine> {
  const projectedSeq = await readProjectedSeq(database);
  const host = await EngineHost.open({ ...hostOptions, projectedSeq });
  const projector = await Projector.open(database, projectorOptions);
  for (const { seq, ts, result } of host.takeReplayedResults()) projector.push(seq, ts, result);
  host.onResult((result, command) => projector.push(result.commandSeq, command.ts, result));
  host.projectedSeq = () => projector.appliedSeq;
  return {
    host,
    projector,
    close: async () => {
      await host.close();
      await projector.close();
    },
  };
}
