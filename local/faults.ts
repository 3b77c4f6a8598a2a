/**
 * Fault injection, per operation: latency, the next N calls failing with a service error, hanging (never
 * answered), or dropped (the operation takes effect, then the connection is cut: a lost response).
 */
export type FaultKind = 'throttle' | 'internal' | 'accessDenied';
export type Fault =
  | { readonly kind: 'error'; readonly error: FaultKind }
  | { readonly kind: 'hang' }
  | { readonly kind: 'drop' };

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

  /** The fault for this call, if one is queued; each queued fault is used once. */
  take(operation: string): Fault | undefined {
    return this.queued.get(operation)?.shift();
  }

  clear(): void {
    this.latency.clear();
    this.queued.clear();
  }
}
