/**
 * A minimal synchronous event emitter for the client-side API ("close", "error", "return", ...).
 * Listeners run inside simulated time (no microtasks), in subscription order.
 */
export class Emitter<Events extends { [K in keyof Events]: (...args: never[]) => void }> {
  private readonly map = new Map<keyof Events, Events[keyof Events][]>();

  on<K extends keyof Events>(event: K, listener: Events[K]): this {
    const l = this.map.get(event);
    if (l) l.push(listener);
    else this.map.set(event, [listener]);
    return this;
  }

  off<K extends keyof Events>(event: K, listener: Events[K]): this {
    const l = this.map.get(event);
    if (l)
      this.map.set(
        event,
        l.filter((x) => x !== listener),
      );
    return this;
  }

  protected hasListeners(event: keyof Events): boolean {
    return (this.map.get(event)?.length ?? 0) > 0;
  }

  protected emit<K extends keyof Events>(event: K, ...args: Parameters<Events[K]>): void {
    const l = this.map.get(event);
    if (!l) return;
    for (const fn of l) (fn as (...a: Parameters<Events[K]>) => void)(...args);
  }
}
