import type { EngineGateway, Query } from '@tradeloom/engine-app';

/**
 * The engine as the modules see it before it is open: the platform is composed (and migrated)
 * first, the engine opened after (its recovery needs the read model's cursor), then bound here.
 */
export interface DeferredEngine extends EngineGateway {
  bind(engine: EngineGateway): void;
  readonly bound: boolean;
}

export function deferredEngine(): DeferredEngine {
  let target: EngineGateway | null = null;
  const get = (): EngineGateway => {
    if (target === null) throw new Error('the engine is not connected in this process');
    return target;
  };
  return {
    bind: (engine) => {
      target = engine;
    },
    get bound() {
      return target !== null;
    },
    submit: (command) => get().submit(command),
    query: <T>(query: Query) => get().query<T>(query),
  };
}
