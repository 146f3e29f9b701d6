/**
 * Tracks messages handled out of order so that only a contiguous prefix is committed: the offset
 * to commit for a partition is the lowest one still in flight, or one past the highest done.
 * This is what lets a consumer handle a batch concurrently yet commit nothing it has not finished.
 */
export class OffsetTracker {
  private readonly partitions = new Map<string, PartitionTrack>();

  /** Notes that `offset` of `topic`/`partition` started; offsets must start in increasing order. */
  begin(topic: string, partition: number, offset: number): void {
    this.track(topic, partition).begin(offset);
  }

  /** Notes that `offset` finished; returns the offset now safe to commit, if it moved. */
  done(topic: string, partition: number, offset: number): number | undefined {
    return this.track(topic, partition).done(offset);
  }

  /** Messages started but not done, over all partitions. */
  get inFlight(): number {
    let total = 0;
    for (const track of this.partitions.values()) total += track.inFlight;
    return total;
  }

  /** Forgets a partition (after it was revoked). */
  forget(topic: string, partition: number): void {
    this.partitions.delete(`${topic}:${partition}`);
  }

  private track(topic: string, partition: number): PartitionTrack {
    const key = `${topic}:${partition}`;
    let track = this.partitions.get(key);
    if (!track) {
      track = new PartitionTrack();
      this.partitions.set(key, track);
    }
    return track;
  }
}

class PartitionTrack {
  private readonly queue: number[] = [];
  private head = 0;
  private readonly finished = new Set<number>();
  private committable: number | undefined;

  get inFlight(): number {
    return this.queue.length - this.head - this.finished.size;
  }

  begin(offset: number): void {
    this.queue.push(offset);
  }

  done(offset: number): number | undefined {
    this.finished.add(offset);
    let moved = false;
    while (this.head < this.queue.length && this.finished.has(this.queue[this.head] as number)) {
      const front = this.queue[this.head] as number;
      this.finished.delete(front);
      this.committable = front + 1;
      this.head++;
      moved = true;
    }
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue.splice(0, this.head);
      this.head = 0;
    }
    return moved ? this.committable : undefined;
  }
}
