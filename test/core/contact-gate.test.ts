// gateContacts: one run's messages split into "may go now" and "held back", with contacts made
// earlier in the run counting against later ones. Clocks are fixed instants.
import { describe, expect, test } from 'vitest';
import { contactPreset, gateContacts, describeBlock, noContactLimits, type ContactConfig } from '../../src/core/contact.js';

const co = contactPreset('co-ley-2300');
// Monday 2026-11-30 10:00 in Bogotá (UTC−5).
const MONDAY_10 = Date.parse('2026-11-30T15:00:00Z');

describe('gateContacts', () => {
  test('a customer with two currencies gets one message a day under co-ley-2300; another customer is not affected', () => {
    const items = [{ id: 'mxn', key: 'A' }, { id: 'usd', key: 'A' }, { id: 'b', key: 'B' }];
    const gate = gateContacts(items, (i) => i.key, new Map(), co, MONDAY_10, 'email');
    expect(gate.window.open).toBe(true);
    expect(gate.allowed.map((i) => i.id)).toEqual(['mxn', 'b']);
    expect(gate.blocked.map((b) => [b.item.id, b.decision.reason])).toEqual([['usd', 'daily-limit']]);
    // Tomorrow at the window's opening: Tuesday 07:00 Bogotá = 12:00Z.
    expect(gate.blocked[0]!.decision.nextAllowed).toBe(Date.parse('2026-12-01T12:00:00Z'));
    expect(describeBlock(gate.blocked[0]!.decision, 'America/Bogota')).toBe('already contacted today; next 2026-12-01 07:00 America/Bogota');
  });

  test('past contacts from the journal count, by any channel', () => {
    const saturday = Date.parse('2026-11-28T14:00:00Z'); // Saturday 09:00 Bogotá, an SMS
    const gate = gateContacts([{ key: 'A' }], (i) => i.key, new Map([['A', [{ ts: saturday, channel: 'sms' as const }]]]), co, MONDAY_10, 'email');
    expect(gate.allowed).toEqual([]);
    expect(gate.blocked[0]!.decision.reason).toBe('other-channel-this-week');
    // The SMS leaves the rolling week on Saturday 2026-12-05; Saturdays open at 08:00 (13:00Z).
    expect(gate.blocked[0]!.decision.nextAllowed).toBe(Date.parse('2026-12-05T13:00:00Z'));
  });

  test('outside the window every message is held back with the next opening', () => {
    const sunday = Date.parse('2026-11-29T15:00:00Z');
    const gate = gateContacts([{ key: 'A' }, { key: 'B' }], (i) => i.key, new Map(), co, sunday, 'sms');
    expect(gate.window.open).toBe(false);
    expect(gate.blocked.map((b) => b.decision.nextAllowed)).toEqual([Date.parse('2026-11-30T12:00:00Z'), Date.parse('2026-11-30T12:00:00Z')]);
  });

  test('without limits everything goes', () => {
    const cfg: ContactConfig = noContactLimits('UTC');
    const gate = gateContacts([{ key: 'A' }, { key: 'A' }], (i) => i.key, new Map(), cfg, MONDAY_10, 'email');
    expect(gate.allowed).toHaveLength(2);
  });
});
