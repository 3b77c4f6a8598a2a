import type { ServiceError } from './errors';

/**
 * Fault injection, per operation: latency, the next N calls failing with a service error, hanging (never
 * answered), dropped (the operation takes effect, then the connection is cut: a lost response), slow (the
 * operation takes effect at once, the answer comes late: after a client's timeout, it is lost too), late (the
 * operation takes effect N ms after it was received, whatever the client does meanwhile: a StartJobRun that lands
 * after the SDK gave up, and that a lookup made before then cannot see), cut off (the
 * operation takes effect and a 200 begins, but the connection is cut halfway through its body), rejected with an
 * error made from the call's input (a service that echoes what it was sent), or answered with a rewritten output
 * (a service that answers something it should not: an endpoint that is no URL, a token already expired).
 */
export type FaultKind = 'throttle' | 'internal' | 'accessDenied';
export type Fault = (
  | { readonly kind: 'error'; readonly error: FaultKind }
  | { readonly kind: 'hang' }
  | { readonly kind: 'drop' }
  | { readonly kind: 'slow'; readonly ms: number }
  | { readonly kind: 'late'; readonly ms: number }
  | { readonly kind: 'cut' }
  | { readonly kind: 'reject'; readonly error: (input: Record<string, unknown>) => ServiceError }
  | { readonly kind: 'reply'; readonly output: (output: unknown) => unknown }
) & {
  /** Only calls whose input matches (e.g. one job of a batch); every call when absent. */
  readonly match?: (input: Record<string, unknown>) => boolean;
};

export class Faults {
  private readonly latency = new Map<string, number>();
  private readonly queued = new Map<string, Fault[]>();

  /** Latency for one operation, or `*` for every AWS call that has none of its own. */
  setLatency(operation: string, ms: number): void {
    this.latency.set(operation, ms);
  }

  latencyOf(operation: string): number {
    return this.latency.get(operation) ?? this.latency.get('*') ?? 0;
  }

  next(operation: string, count: number, fault: Fault): void {
    const queue = this.queued.get(operation) ?? [];
    for (let i = 0; i < count; i += 1) queue.push(fault);
    this.queued.set(operation, queue);
  }

  /** The first queued fault for this call that matches its input; each queued fault is used once. */
  take(operation: string, input: Record<string, unknown>): Fault | undefined {
    const queue = this.queued.get(operation) ?? [];
    const index = queue.findIndex((fault) => fault.match === undefined || fault.match(input));
    return index < 0 ? undefined : queue.splice(index, 1)[0];
  }

  clear(): void {
    this.latency.clear();
    this.queued.clear();
  }
}
