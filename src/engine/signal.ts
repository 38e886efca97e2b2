/**
 * A typed signal: the model emits, metrics and traces subscribe (OMNeT++'s emit(), ns-3's trace
 * sources). Emitting with no subscriber must cost next to nothing, so hot paths guard the payload
 * construction: `if (sig.active) sig.emit({ ... })`.
 */
export type Listener<T> = (payload: T) => void;

export class Signal<T> {
  /** True while at least one listener is subscribed; read it before building a payload. */
  active = false;
  private listeners: Listener<T>[] = [];

  subscribe(listener: Listener<T>): () => void {
    this.listeners = [...this.listeners, listener];
    this.active = true;
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
      this.active = this.listeners.length > 0;
    };
  }

  emit(payload: T): void {
    const ls = this.listeners;
    for (let i = 0; i < ls.length; i++) ls[i]!(payload);
  }
}
