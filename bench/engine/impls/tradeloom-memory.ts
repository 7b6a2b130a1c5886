// Our engine in memory, without the journal: the matching and ledger cost alone, on the same stream
// as the npm peers. Unlike them it checks and moves balances on every fill, so init funds every user
// well beyond what the stream can spend, and any rejection is counted rather than hidden.

import { Engine } from '@tradeloom/engine';
import type { ImplFactory } from '../impl.js';
import { mustAccept, setupCommands, TradeloomDriver } from '../tradeloom-driver.js';
import type { Workload } from '../workload.js';

const createImpl: ImplFactory = () => {
  let engine = new Engine();
  let driver: TradeloomDriver | null = null;
  return {
    name: 'tradeloom-memory',
    init(w: Workload) {
      engine = new Engine();
      for (const command of setupCommands(w.users)) mustAccept(engine.execute(command), command);
      driver = new TradeloomDriver(w);
    },
    apply(w, i) {
      // The events stay in the engine's buffer, read there as records, then dropped.
      const events = engine.events;
      events.clear();
      driver!.record(w, i, engine.apply(driver!.command(w, i)), events);
    },
    stats() {
      return driver!.stats();
    },
  };
};

export default createImpl;
