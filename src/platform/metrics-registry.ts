/**
 * Prometheus metrics (prom-client) read from state kept elsewhere. The relay
 * and the node count in plain numbers on their hot paths (one addition a
 * frame, no label hashing); these metrics read those numbers only when
 * Prometheus scrapes, so an unscraped process pays nothing for them.
 *
 * One registry per relay or node (never prom-client's global one), so tests
 * and the benchmark can run several in one process. Each carries prom-client's
 * default process metrics (CPU, resident memory, heap, event-loop lag, open
 * file descriptors) under their standard names.
 */
import { collectDefaultMetrics, Counter, Gauge, Registry } from "prom-client";

export type Labels = Readonly<Record<string, string>>;
/** A value without labels, or one value per label set. */
export type Samples = number | Iterable<readonly [Labels, number]>;

export function newRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

interface Spec {
  readonly name: string;
  readonly help: string;
  readonly labelNames?: readonly string[];
  readonly read: () => Samples;
}

function* samplesOf(samples: Samples): Iterable<readonly [Labels, number]> {
  if (typeof samples === "number") yield [{}, samples];
  else yield* samples;
}

/** A running total kept elsewhere (it only grows), as a Prometheus counter. */
export function readCounter(registry: Registry, spec: Spec): void {
  new Counter({
    ...config(registry, spec),
    collect() {
      // The total is absolute: start from nothing and add it, once per label set.
      this.reset();
      for (const [labels, value] of samplesOf(spec.read())) this.inc(labels, value);
    },
  });
}

/** A value that goes up and down, read at each scrape. */
export function readGauge(registry: Registry, spec: Spec): void {
  new Gauge({
    ...config(registry, spec),
    collect() {
      this.reset();
      for (const [labels, value] of samplesOf(spec.read())) this.set(labels, value);
    },
  });
}

const config = (registry: Registry, spec: Spec) => ({ name: spec.name, help: spec.help, labelNames: spec.labelNames ?? [], registers: [registry] });

/** Counts keyed by a reason code, as samples labelled `reason`. */
export function byReason(counts: Readonly<Record<string, number | undefined>>): [Labels, number][] {
  return Object.entries(counts).map(([reason, n]) => [{ reason }, n ?? 0]);
}
