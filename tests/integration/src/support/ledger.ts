import type { OpsAnswer } from '@gateway/messaging';

/** One request a scenario sent, and every answer it got for it. */
export interface LedgerEntry {
  uid: string;
  sentAt: number;
  /** When the request's own deadline passes (sentAt + timeoutMs). */
  deadline: number;
  /** Services asked, when known (for I2). */
  answers: Array<{ at: number; status: number; body: OpsAnswer }>;
  /** The request was refused before it was accepted (400/413/415, or 503 at capacity/shutting down). */
  refused?: boolean;
}

/**
 * The log of every request sent and every answer received during a fault scenario; the invariants
 * I1–I3 of the fault suite are checked against it.
 */
export class Ledger {
  readonly entries = new Map<string, LedgerEntry>();

  /** Notes a request about to be sent. */
  sent(uid: string, timeoutMs: number): void {
    const now = Date.now();
    this.entries.set(uid, { uid, sentAt: now, deadline: now + timeoutMs, answers: [] });
  }

  /** Notes an answer for `uid`. */
  answered(uid: string, status: number, body: OpsAnswer): void {
    const entry = this.entries.get(uid);
    if (!entry) throw new Error(`answer for a uid never sent: ${uid}`);
    entry.answers.push({ at: Date.now(), status, body });
  }

  /** Marks a request as refused at the door. */
  refused(uid: string): void {
    const entry = this.entries.get(uid);
    if (entry) entry.refused = true;
  }

  /**
   * I1: every request got exactly one final answer, no later than its deadline plus `marginMs`.
   * I2: every answer carries its own uid (but a refusal at the door). Returns the violations (empty when none).
   */
  violations(marginMs: number): string[] {
    const problems: string[] = [];
    for (const entry of this.entries.values()) {
      if (entry.answers.length !== 1) problems.push(`I1 ${entry.uid}: ${entry.answers.length} answers`);
      for (const answer of entry.answers) {
        if (answer.at > entry.deadline + marginMs)
          problems.push(`I1 ${entry.uid}: answered ${answer.at - entry.deadline} ms after its deadline`);
        // A request refused at the door (503 OVERLOADED before its body was read) gets an error with no uid.
        if (!entry.refused && answer.body.uid !== entry.uid) problems.push(`I2 ${entry.uid}: answer carries uid ${answer.body.uid}`);
      }
    }
    return problems;
  }

  /** Counts of answers by aggregate status (or error code) — for the scenario's own expectations. */
  outcomes(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const entry of this.entries.values()) {
      for (const { body } of entry.answers) {
        const key = body.status === 'error' ? body.error.code : body.status;
        counts[key] = (counts[key] ?? 0) + 1;
      }
    }
    return counts;
  }
}
