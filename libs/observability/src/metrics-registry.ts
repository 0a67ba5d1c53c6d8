import { collectDefaultMetrics, Registry } from 'prom-client';

/**
 * One Prometheus registry per process. Default process metrics (CPU, memory, event-loop lag) carry the
 * app label so one dashboard can tell gateway and workers apart.
 */
export function createMetricsRegistry(app: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ app });
  collectDefaultMetrics({ register: registry });
  return registry;
}
