import type { ConsoleRequest, ConsoleRequestLists } from './console.events';

/** How many requests each list of the page shows at most. */
export const LIST_LENGTH = 50;

/**
 * The requests ops answered last, for the console: a ring of fixed capacity (OPS_CONSOLE_RING),
 * the oldest dropped as a new one comes, with an index by uid and by trace id for the search.
 * Recording is one array slot and two map entries: no sorting or copying on the request's path;
 * the lists are built when a console asks for them.
 */
export class RequestRing {
  private readonly slots: Array<ConsoleRequest | undefined>;
  private next = 0;
  private size = 0;
  private readonly byId = new Map<string, ConsoleRequest>();

  constructor(readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 1)) throw new RangeError('the request ring needs a capacity of at least 1');
    this.slots = new Array<ConsoleRequest | undefined>(capacity);
  }

  /** Requests held now. */
  get length(): number {
    return this.size;
  }

  /** Keeps `request`, dropping the oldest one when the ring is full. */
  add(request: ConsoleRequest): void {
    const old = this.slots[this.next];
    if (old) this.unindex(old);
    this.slots[this.next] = request;
    this.next = (this.next + 1) % this.capacity;
    this.size = Math.min(this.size + 1, this.capacity);
    this.byId.set(request.uid, request);
    if (request.traceId) this.byId.set(request.traceId, request);
  }

  /** Newest first. */
  newest(limit = this.capacity): ConsoleRequest[] {
    const out: ConsoleRequest[] = [];
    for (let i = 1; i <= this.size && out.length < limit; i++) {
      const request = this.slots[(this.next - i + this.capacity) % this.capacity];
      if (request) out.push(request);
    }
    return out;
  }

  /** The page's three lists: newest, slowest, and the newest that were not complete. */
  lists(limit = LIST_LENGTH): ConsoleRequestLists {
    const all = this.newest();
    return {
      recent: all.slice(0, limit),
      slowest: [...all].sort((a, b) => b.elapsedMs - a.elapsedMs).slice(0, limit),
      partial: all.filter((r) => r.status !== 'complete').slice(0, limit),
    };
  }

  /**
   * The requests whose uid or trace id is `query` (exactly), else those whose uid or trace id
   * starts with it (at least 4 characters), newest first.
   */
  search(query: string, limit = LIST_LENGTH): ConsoleRequest[] {
    const q = query.trim();
    if (q.length === 0) return [];
    const exact = this.byId.get(q);
    if (exact) return [exact];
    if (q.length < 4) return [];
    return this.newest()
      .filter((r) => r.uid.startsWith(q) || (r.traceId?.startsWith(q) ?? false))
      .slice(0, limit);
  }

  private unindex(request: ConsoleRequest): void {
    // A uid answered twice (a duplicate on ops.req) keeps the newer entry indexed.
    if (this.byId.get(request.uid) === request) this.byId.delete(request.uid);
    if (request.traceId && this.byId.get(request.traceId) === request) this.byId.delete(request.traceId);
  }
}
