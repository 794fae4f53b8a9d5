// Shipped reference-rate tables for the late-payment interest presets (src/core/charges.ts). Data
// only: one entry per half-year, `{ from: 'YYYY-01-01' | 'YYYY-07-01', rate }` with `rate` in
// percent a year, the rate in force on that day, which applies to the whole half-year (Directive
// 2011/7/EU art. 2(12); Spain Ley 3/2004 art. 7; Germany BGB §247). A rate that changes in the
// middle of a half-year does not count until the next 1 January / 1 July: the ECB raised its rate
// on 27 July 2022, yet the whole second half of 2022 uses 0.00 (Spain published 8.00 % for it).
// The tables must be extended every half-year; the user can add or correct entries in config
// (`interest.rates`), and a date past the last entry uses the last rate with a warning.

/** One half-year of a reference-rate table: `rate` (percent a year) in force from `from`. */
export interface RateEntry {
  /** 'YYYY-01-01' or 'YYYY-07-01'. */
  readonly from: string;
  /** Percent a year; may be negative (the German base rate was -0.88 from 2016-07 to 2022-12). */
  readonly rate: number;
}

/**
 * ECB main refinancing operations rate (fixed rate) in force on 1 January / 1 July: the reference
 * rate of `eu-late-payment` and `es-ley-3-2004` (+ 8 points).
 * Sources: ECB key interest rates (MRO 0.00 % from 16 March 2016 to 26 July 2022; 2.50 % from
 * 21 Dec 2022; 4.00 % from 21 June 2023; 4.50 % from 20 Sep 2023; 4.25 % from 12 June 2024;
 * 3.15 % from 18 Dec 2024; 2.15 % from 11 June 2025), cross-checked against the half-yearly
 * Spanish resolutions of the Secretaría General del Tesoro under Ley 3/2004 art. 7 (BOE-A-2019-18736:
 * 0.00 % → 8.00 % for 2020 H1; 2025 H1 11.15 %; 2026 H1 resolution of 23 Dec 2025, BOE-A-2025-27201)
 * and the Bundesbank's note for 2026-01-01 (MRO 2.15 %, unchanged since July 2025).
 * 2026-07-01 (2.40 %): from secondary sources only (an Italian MEF communiqué, G.U. n. 163 of
 * 16.07.2026, as quoted by a public calculator; consistent with the German base rate rising by
 * 0.25 to 1.52 %); not checked against the ECB's own page. Verify before relying on it.
 */
export const ECB_MRO_RATES: readonly RateEntry[] = [
  { from: '2016-07-01', rate: 0 },
  { from: '2017-01-01', rate: 0 },
  { from: '2017-07-01', rate: 0 },
  { from: '2018-01-01', rate: 0 },
  { from: '2018-07-01', rate: 0 },
  { from: '2019-01-01', rate: 0 },
  { from: '2019-07-01', rate: 0 },
  { from: '2020-01-01', rate: 0 },
  { from: '2020-07-01', rate: 0 },
  { from: '2021-01-01', rate: 0 },
  { from: '2021-07-01', rate: 0 },
  { from: '2022-01-01', rate: 0 },
  { from: '2022-07-01', rate: 0 }, // the rise to 0.50 took effect on 27 July 2022: after 1 July
  { from: '2023-01-01', rate: 2.5 },
  { from: '2023-07-01', rate: 4 },
  { from: '2024-01-01', rate: 4.5 },
  { from: '2024-07-01', rate: 4.25 },
  { from: '2025-01-01', rate: 3.15 },
  { from: '2025-07-01', rate: 2.15 },
  { from: '2026-01-01', rate: 2.15 },
  { from: '2026-07-01', rate: 2.4 }, // secondary sources only, see above
];

/**
 * German base rate (Basiszinssatz, BGB §247), published by the Deutsche Bundesbank for 1 January /
 * 1 July: the reference rate of `de-bgb-288` (+ 9 points B2B, + 5 consumers).
 * Sources: Deutsche Bundesbank announcements (-0.88 % from 1 July 2016, unchanged through 2022;
 * 1.62 % from 1 Jan 2023; 3.12 % 1 July 2023; 3.62 % 1 Jan 2024; 3.37 % 1 July 2024; 2.27 %
 * 1 Jan 2025; 1.27 % 1 July 2025; 1.27 % unchanged 1 Jan 2026, Bundesanzeiger 24 Dec 2025).
 * 2026-07-01 (1.52 %): from secondary sources only (a public calculator citing the Bundesbank,
 * checked 21.09.2026; it matches the ECB rate moving 2.15 → 2.40). Verify before relying on it.
 */
export const DE_BASE_RATES: readonly RateEntry[] = [
  { from: '2016-07-01', rate: -0.88 },
  { from: '2017-01-01', rate: -0.88 },
  { from: '2017-07-01', rate: -0.88 },
  { from: '2018-01-01', rate: -0.88 },
  { from: '2018-07-01', rate: -0.88 },
  { from: '2019-01-01', rate: -0.88 },
  { from: '2019-07-01', rate: -0.88 },
  { from: '2020-01-01', rate: -0.88 },
  { from: '2020-07-01', rate: -0.88 },
  { from: '2021-01-01', rate: -0.88 },
  { from: '2021-07-01', rate: -0.88 },
  { from: '2022-01-01', rate: -0.88 },
  { from: '2022-07-01', rate: -0.88 },
  { from: '2023-01-01', rate: 1.62 },
  { from: '2023-07-01', rate: 3.12 },
  { from: '2024-01-01', rate: 3.62 },
  { from: '2024-07-01', rate: 3.37 },
  { from: '2025-01-01', rate: 2.27 },
  { from: '2025-07-01', rate: 1.27 },
  { from: '2026-01-01', rate: 1.27 },
  { from: '2026-07-01', rate: 1.52 }, // secondary sources only, see above
];
