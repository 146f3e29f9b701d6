import type { Registration } from '../ports';

/** A {@link Registration} in memory: records what was done to it, in order, in `events`. */
export class InMemoryRegistration implements Registration {
  registered = false;
  draining = false;
  /** The fields added with annotate(), merged. */
  annotations: Record<string, unknown> = {};
  readonly events: Array<'start' | 'drain' | 'close'> = [];
  /** Called at each step, for a test that needs to see the service's state at that moment. */
  onEvent: (event: 'start' | 'drain' | 'close') => void = () => undefined;

  async start(): Promise<void> {
    this.record('start');
    this.registered = true;
  }

  async drain(): Promise<void> {
    this.record('drain');
    this.draining = true;
  }

  async annotate(fields: Record<string, unknown>): Promise<void> {
    this.annotations = { ...this.annotations, ...fields };
  }

  async close(): Promise<void> {
    this.record('close');
    this.registered = false;
  }

  private record(event: 'start' | 'drain' | 'close'): void {
    this.events.push(event);
    this.onEvent(event);
  }
}
