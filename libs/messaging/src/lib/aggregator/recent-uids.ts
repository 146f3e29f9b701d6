/**
 * A bounded memory of uids whose aggregate already went out, so a reply that arrives after it is
 * told apart from a reply for a uid never seen ("late" versus "unknown"). Oldest forgotten first.
 */
export class RecentUids {
  private readonly uids = new Set<string>();

  constructor(private readonly capacity: number) {}

  /** Remembers `uid`, forgetting the oldest when full. */
  add(uid: string): void {
    this.uids.delete(uid);
    this.uids.add(uid);
    if (this.uids.size > this.capacity) {
      const oldest = this.uids.values().next().value;
      if (oldest !== undefined) this.uids.delete(oldest);
    }
  }

  /** True when `uid` finished recently. */
  has(uid: string): boolean {
    return this.uids.has(uid);
  }
}
