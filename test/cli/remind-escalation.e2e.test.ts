// Escalation through the journal across days (SPEC §4): "a daily cron on a customer 120 days late
// who never pays sends: level 1 on day 0, 2 on day 7, 3 on day 14, 4 on day 21, 4 again on day 35,
// then nothing." Each run is a real `remind --send --yes --as-of DAY` against a real SMTP server;
// the level is read from what arrived (X-Dunning-Level), the journal is the only memory between
// runs. Days in between the spec's steps are run too: they must send nothing.
import { describe, expect, it } from 'vitest';
import { cliEnv, clientFactory, csv, journalLetters, LEDGER_HEADER, runCli, startSmtp } from './smtp-helpers.js';

const newClient = clientFactory('remind-escalation');

/** Calendar arithmetic on ISO dates (UTC, so no DST can shift a day). */
function addDays(iso: string, days: number): string {
  const [y, m, d] = iso.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

// Day 0 = 2026-03-31; the invoice fell due on 2025-12-01: 30 (rest of Dec) + 31 + 28 + 31 = 120 days.
const DAY0 = '2026-03-31';
const LEDGER = csv([
  LEDGER_HEADER,
  ['Moroso SA', 'M-1', '2025-11-01', '2025-12-01', '5000.00', '', 'moroso@moroso.mx'],
]);

describe('escalation across days through the journal', () => {
  it('120 days late and never paying: levels 1, 2, 3, 4, 4 on days 0, 7, 14, 21, 35, then nothing', async () => {
    const smtp = await startSmtp();
    const c = await newClient(LEDGER);
    const env = cliEnv({ DUNNING_SMTP_URL: smtp.url });
    // Expected level per day (null: nothing sent). Day 28: level 4 was
    // sent 7 days ago (< repeatAfterDays 14); day 49: already 2 final notices (maxFinalNotices 2).
    const plan: readonly [number, string | null][] = [
      [0, '1'], [7, '2'], [14, '3'], [21, '4'], [28, null], [35, '4'], [49, null],
    ];
    const got: [number, string | null][] = [];
    for (const [day, _expected] of plan) {
      const before = smtp.received.length;
      const r = await runCli(['remind', c.ledger, '--as-of', addDays(DAY0, day), '--send', '--yes'], { cwd: c.cwd, env });
      expect(r.code, `day ${day}: ${r.stderr}`).toBe(0);
      const arrived = smtp.received.slice(before);
      expect(arrived.length, `day ${day}`).toBeLessThanOrEqual(1);
      got.push([day, arrived[0]?.level ?? null]);
    }
    expect(got).toEqual(plan);

    // The subject follows the level: four different letters, the final notice twice.
    const subjects = smtp.received.map((m) => m.mail.subject ?? '');
    expect(new Set(subjects.slice(0, 4)).size).toBe(4);
    expect(subjects[4]).toBe(subjects[3]);
    // The journal holds exactly these five letters, sent, with their as-of dates.
    const sent = journalLetters(c.dir).filter((l) => l.state === 'sent');
    expect(sent.map((l) => [l.asOf, l.level])).toEqual([
      [DAY0, 1], [addDays(DAY0, 7), 2], [addDays(DAY0, 14), 3], [addDays(DAY0, 21), 4], [addDays(DAY0, 35), 4],
    ]);
    // Every letter asks for the whole 5,000.00.
    for (const m of smtp.received) expect(m.mail.text).toContain('$5,000.00');
  });
});
