/**
 * Gathers what is added during one event-loop turn and hands it over as one list at the next
 * `setImmediate` (or the `schedule` given, for tests): one produce request per turn, as the
 * kafkajs side does with `sendBatch`.
 */
export class TurnBatcher<T> {
  private items: T[] = [];
  private scheduled = false;

  constructor(
    private readonly flush: (items: T[]) => void,
    private readonly schedule: (run: () => void) => void = (run) => void setImmediate(run),
  ) {}

  add(item: T): void {
    this.items.push(item);
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => this.run());
  }

  private run(): void {
    this.scheduled = false;
    const items = this.items;
    this.items = [];
    if (items.length > 0) this.flush(items);
  }
}
