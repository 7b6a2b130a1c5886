// Our engine in memory through Engine.execute: every command's result and events as objects, read
// back as objects. The same engine as tradeloom-memory; the difference between the two is the cost
// of building result objects per command (what the in-memory figures measured before events became
// records).

import { Engine } from '@tradeloom/engine';
import type { ImplFactory } from '../impl.js';
import { mustAccept, setupCommands, TradeloomDriver } from '../tradeloom-driver.js';
import type { Workload } from '../workload.js';

const createImpl: ImplFactory = () => {
  let engine = new Engine();
  let driver: TradeloomDriver | null = null;
  return {
    name: 'tradeloom-objects',
    init(w: Workload) {
      engine = new Engine();
      for (const command of setupCommands(w.users)) mustAccept(engine.execute(command), command);
      driver = new TradeloomDriver(w);
    },
    apply(w, i) {
      driver!.recordResult(w, i, engine.execute(driver!.command(w, i)));
    },
    stats() {
      return driver!.stats();
    },
  };
};

export default createImpl;
