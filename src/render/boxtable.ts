// A fast path for long plain tables (remind's plan of 10,000 letters): cli-table3's compact,
// colourless layout byte for byte, without its per-cell width measuring, which builds an ANSI
// regex for every cell (3 s of a 10,000-letter preview run). Only for text whose every character
// is one column wide; anything else (CJK, combining marks) goes back to cli-table3.

// One column per character: ASCII, Latin letters, punctuation (— « »), currency signs (€).
const NARROW = /^[\x20-\x7e\u00a0-\u02ff\u2010-\u2027\u2030-\u205e\u20a0-\u20c0]*$/;

/** cli-table3's compact colourless layout; null when a cell needs real width measuring. */
export function boxTable(head: readonly string[], rows: readonly (readonly string[])[], aligns: readonly ('left' | 'right')[]): string | null {
  const all = [head, ...rows];
  if (!all.every((r) => r.every((c) => NARROW.test(c)))) return null;
  const widths = head.map(() => 2);
  for (const r of all) r.forEach((c, i) => (widths[i] = Math.max(widths[i]!, c.length + 2)));
  const line = (l: string, m: string, r: string): string => l + widths.map((w) => '─'.repeat(w)).join(m) + r;
  const row = (cells: readonly string[]): string =>
    '│' + widths.map((w, i) => {
      const c = cells[i] ?? '';
      const fill = ' '.repeat(w - 2 - c.length);
      return ` ${aligns[i] === 'right' ? fill + c : c + fill} `;
    }).join('│') + '│';
  const out = [line('┌', '┬', '┐'), row(head)];
  if (rows.length) out.push(line('├', '┼', '┤'), ...rows.map(row));
  out.push(line('└', '┴', '┘'));
  return out.join('\n');
}
