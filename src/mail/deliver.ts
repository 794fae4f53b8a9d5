// The safe sending loop (SPEC §5), independent of templates: every planned letter is checked
// against the journal, journaled as `sending` (fsync) before the attempt, and its result is
// journaled after it. Owns the rules "a key already sent is never sent again", "an unknown
// outcome is not re-sent by a plain run", "a failed (5xx) letter is not retried", and what
// happens to the rest of the run when the sender reports a configuration error or an
// unreachable server. Why: a re-run after a crash or a dropped connection must not send an
// invoice twice (PITFALLS.md, Email).

import { UsageError } from '../errors.js';
import { isValidAddress } from './address.js';
import { letterStates, type EffectiveLetterState, type Journal, type LetterRecord } from './journal.js';
import type { SendResult, Sender } from './smtp.js';

/** A letter ready to go: rendered, addressed, keyed. Built by the command before any sending. */
export interface PlannedLetter {
  readonly key: string;
  /** `<key@domain>`, the Message-ID inside `raw`. */
  readonly messageId: string;
  /** The journal record without what the attempt decides. */
  readonly record: Omit<LetterRecord, 'ts' | 'state' | 'error' | 'response'>;
  /**
   * Plain, validated addresses; `to` are the customer's. For the sms and webhook channels (the
   * record says which) the envelope is not used: the recipients are in the message itself and
   * `record.to` (phone and/or addresses).
   */
  readonly envelope: {
    readonly from: string;
    readonly to: readonly string[];
    readonly cc: readonly string[];
    readonly bcc: readonly string[];
  };
  readonly raw: Buffer;
}

export interface LetterOutcome {
  readonly letter: PlannedLetter;
  readonly result: SendResult;
}

/** Why a letter was not attempted although it was planned. */
export type SkipReason = 'already-sent' | 'outcome-unknown' | 'failed-before';

export interface SkippedLetter {
  readonly key: string;
  readonly letter: PlannedLetter;
  readonly reason: SkipReason;
}

export interface DeliveryStop {
  /** 'configuration': TLS/auth/sender refused (the command exits 2); 'unreachable': no SMTP session could be opened. */
  readonly reason: 'configuration' | 'unreachable';
  readonly message: string;
  /** The UsageError to rethrow for 'configuration'. */
  readonly error: UsageError | null;
}

export interface DeliverySummary {
  readonly sent: readonly LetterOutcome[];
  readonly deferred: readonly LetterOutcome[];
  readonly failed: readonly LetterOutcome[];
  /** Lost after the whole message was sent: the server may have it. Not re-sent by a plain run. */
  readonly unknown: readonly LetterOutcome[];
  readonly skipped: readonly SkippedLetter[];
  /** Not attempted because the run stopped (see `stopped`). */
  readonly notTried: readonly PlannedLetter[];
  readonly stopped: DeliveryStop | null;
}

export type ProgressOutcome = 'sent' | 'deferred' | 'failed' | 'unknown' | 'skipped' | 'not-tried';

export interface DeliveryProgress {
  /** 1-based position of the letter in the plan. */
  readonly index: number;
  readonly total: number;
  readonly key: string;
  readonly customer: string;
  readonly outcome: ProgressOutcome;
}

export interface DeliverOptions {
  readonly journal: Journal;
  readonly sender: Pick<Sender, 'send'>;
  /** `remind --resend-unknown`: re-send letters whose outcome is unknown (same Message-ID). */
  readonly resendUnknown: boolean;
  readonly onProgress?: (progress: DeliveryProgress) => void;
  /** For tests: the clock of the journal's `ts`. */
  readonly now?: () => Date;
}

const SKIP_BY_STATE: Readonly<Partial<Record<EffectiveLetterState, SkipReason>>> = {
  sent: 'already-sent',
  unknown: 'outcome-unknown',
  failed: 'failed-before',
};

/**
 * Sends the planned letters one at a time, journaling every attempt. Never throws for a delivery
 * problem; a UsageError from the sender (TLS, authentication, refused sender) stops the run and
 * is returned in `stopped.error` with the summary so far — the command prints the summary, then
 * throws it (exit 2). A server that cannot be reached at all also stops the run (the letter
 * being tried is `deferred`, the rest `notTried`): trying every letter against a dead server
 * would only multiply the timeouts of a cron run.
 */
export async function deliverAll(letters: readonly PlannedLetter[], options: DeliverOptions): Promise<DeliverySummary> {
  const { journal, sender } = options;
  const now = options.now ?? (() => new Date());
  const states = letterStates(journal);
  const sent: LetterOutcome[] = [];
  const deferred: LetterOutcome[] = [];
  const failed: LetterOutcome[] = [];
  const unknown: LetterOutcome[] = [];
  const skipped: SkippedLetter[] = [];
  const notTried: PlannedLetter[] = [];
  const byState = { sent, deferred, failed, unknown };
  let stopped: DeliveryStop | null = null;

  const report = (index: number, letter: PlannedLetter, outcome: ProgressOutcome): void => {
    options.onProgress?.({ index: index + 1, total: letters.length, key: letter.key, customer: letter.record.customer, outcome });
  };

  // Everything is checked before the first message goes out (SPEC §5).
  letters.forEach(checkConsistent);
  for (const [index, letter] of letters.entries()) {
    const state = states.get(letter.key);
    const skip = state === undefined ? undefined : SKIP_BY_STATE[state];
    if (skip !== undefined && !(skip === 'outcome-unknown' && options.resendUnknown)) {
      skipped.push({ key: letter.key, letter, reason: skip });
      report(index, letter, 'skipped');
      continue;
    }
    if (stopped !== null) {
      notTried.push(letter);
      report(index, letter, 'not-tried');
      continue;
    }

    await journal.append({ ...letter.record, ts: now().toISOString(), state: 'sending' });
    states.set(letter.key, 'unknown'); // what a crash from here on would leave
    let result: SendResult;
    try {
      result = await sender.send({ ...letter.envelope, raw: letter.raw });
    } catch (err) {
      if (!(err instanceof UsageError)) throw err; // the `sending` record stays: unknown, as it should
      // A configuration error is found before or instead of the transaction: nothing of this
      // letter was accepted, so it is deferred (retried once the configuration is fixed).
      result = { state: 'deferred', error: err.message };
      stopped = { reason: 'configuration', message: err.message, error: err };
    }
    await journal.append({
      ...letter.record,
      ts: now().toISOString(),
      state: result.state,
      ...(result.error !== undefined ? { error: result.error } : {}),
      ...(result.response !== undefined ? { response: result.response } : {}),
    });
    states.set(letter.key, result.state);
    byState[result.state].push({ letter, result });
    report(index, letter, result.state);
    if (stopped === null && result.state === 'deferred' && result.stage === 'connect') {
      stopped = { reason: 'unreachable', message: result.error ?? 'the SMTP server could not be reached', error: null };
    }
  }
  return { sent, deferred, failed, unknown, skipped, notTried, stopped };
}

/** A planned letter that contradicts itself is a bug in the caller: refuse the whole run. */
function checkConsistent(letter: PlannedLetter): void {
  if (letter.record.key !== letter.key || letter.record.messageId !== letter.messageId) {
    throw new Error(`internal: planned letter ${letter.key} has a record for ${letter.record.key} / ${letter.record.messageId}`);
  }
  if (letter.record.channel !== undefined) {
    if (letter.record.to.length === 0) throw new Error(`internal: planned ${letter.record.channel} message ${letter.key} has no recipient`);
    return;
  }
  const { from, to, cc, bcc } = letter.envelope;
  const bad = [from, ...to, ...cc, ...bcc].find((a) => !isValidAddress(a));
  if (bad !== undefined) throw new Error(`internal: planned letter ${letter.key} has an invalid address ${JSON.stringify(bad)}`);
  if (to.length === 0) throw new Error(`internal: planned letter ${letter.key} has no "to" address`);
}
