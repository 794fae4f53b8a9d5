// `npm run bench`: generates its data (bench/data/, git-ignored), times the CLI against the floor
// (wc -l, a node newline count) and the peers that are installed, and prints one table.
// Whole-process wall time, median of 3 (one run for the 5M-row file); CPU time (user + sys) and
// peak RSS from /usr/bin/time — on a shared machine the CPU time moves less than the wall time.
// No assertion anywhere: `npm test` has none either; this prints numbers for people.
//
//   node bench/run.mjs [--quick] [--write bench/RESULTS.md]
//   --quick   skips the 5M-row file and the csv-parse peer (about a minute instead of several)
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, totalmem } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeLedgerCsv, writeLedgerXlsx } from './generate.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const DATA = join(ROOT, 'bench', 'data');
const BIN = join(ROOT, 'bin', 'dunning.js');
const AS_OF = '2024-12-31';
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const writeTo = args.includes('--write') ? args[args.indexOf('--write') + 1] : null;
const require = createRequire(import.meta.url);
const TIME = existsSync('/usr/bin/time') ? '/usr/bin/time' : null;

function log(s) {
  process.stderr.write(`${s}\n`);
}

async function dataset(name, make) {
  const path = join(DATA, name);
  if (!existsSync(path)) {
    log(`generating ${name}…`);
    await make(path);
  }
  return path;
}

/** Runs a command once: wall seconds, CPU seconds and peak RSS (MB), the last two when /usr/bin/time is there. */
function runOnce(cmd, argv, env = {}, cwd = ROOT) {
  const full = TIME ? [TIME, ['-f', '__BENCH__ %e %M %U %S', cmd, ...argv]] : [cmd, argv];
  const t0 = process.hrtime.bigint();
  const r = spawnSync(full[0], full[1], { cwd, env: { ...process.env, ...env }, encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'ignore', 'pipe'] });
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} exited ${r.status}: ${r.stderr.slice(-500)}`);
  const m = /__BENCH__ ([\d.]+) (\d+) ([\d.]+) ([\d.]+)/.exec(r.stderr ?? '');
  return { seconds: m ? Number(m[1]) : wall, rssMb: m ? Number(m[2]) / 1024 : null, cpu: m ? Number(m[3]) + Number(m[4]) : null };
}

function median(runs) {
  const s = [...runs].sort((a, b) => a.seconds - b.seconds);
  const mid = s[Math.floor(s.length / 2)];
  return { seconds: mid.seconds, rssMb: Math.max(...runs.map((r) => r.rssMb ?? 0)) || null, cpu: mid.cpu ?? null };
}

function measure(cmd, argv, { runs = 3, env = {}, cwd } = {}) {
  const out = [];
  for (let i = 0; i < runs; i++) out.push(runOnce(cmd, argv, env, cwd));
  return median(out);
}

const rows = [];
function row(task, what, result, note = '') {
  rows.push({ task, what, seconds: result?.seconds ?? null, cpu: result?.cpu ?? null, rssMb: result?.rssMb ?? null, note });
  log(`${task.padEnd(28)} ${what.padEnd(44)} ${result ? `${result.seconds.toFixed(2)} s` : 'skipped'} ${result?.cpu != null ? `(cpu ${result.cpu.toFixed(2)} s)` : ''} ${result?.rssMb ? `${Math.round(result.rssMb)} MB` : ''} ${note}`);
}

function skip(task, what, why) {
  row(task, what, null, `skipped: ${why}`);
}

function has(mod) {
  try {
    require.resolve(mod);
    return true;
  } catch {
    return false;
  }
}

function pythonWithPandas() {
  for (const py of ['python3', '/usr/bin/python3']) {
    const r = spawnSync(py, ['-c', 'import pandas'], { stdio: 'ignore' });
    if (r.status === 0) return py;
  }
  return null;
}

const aging = (file, extra = []) => [BIN, 'aging', file, '--as-of', AS_OF, '--format', 'json', '--currency', 'MXN', ...extra];

// ---------------------------------------------------------------------------------------------

if (!existsSync(join(ROOT, 'dist', 'cli.js'))) throw new Error('dist/ is missing: run `npm run build` first (npm run bench does)');
mkdirSync(DATA, { recursive: true });
const sizes = quick ? [10_000, 100_000, 1_000_000] : [10_000, 100_000, 1_000_000, 5_000_000];
const csv = {};
for (const n of sizes) csv[n] = await dataset(`ledger-${n}.csv`, (p) => writeLedgerCsv(p, { rows: n, seed: 1 }));
const xlsx = await dataset('ledger-100000.xlsx', (p) => writeLedgerXlsx(p, { rows: 100_000, seed: 1 }));
const one = csv[1_000_000];
const mb = (p) => `${(statSync(p).size / 1e6).toFixed(0)} MB`;

// The floor: reading the bytes and nothing else.
row('1M-row CSV', `floor: wc -l (${mb(one)})`, measure('wc', ['-l', one]));
row('1M-row CSV', 'floor: node start-up + stream newline count', measure(process.execPath, [join(ROOT, 'bench', 'newlines.mjs'), one]));

// The CLI.
for (const n of sizes) {
  const label = n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`;
  row(`${label}-row CSV`, 'dunning aging --format json', measure(process.execPath, aging(csv[n]), { runs: n >= 5e6 ? 1 : 3 }));
}
row('1M-row CSV', 'dunning aging --format json, one thread (DUNNING_THREADS=1)', measure(process.execPath, aging(one), { env: { DUNNING_THREADS: '1' } }));
row('100k-row CSV', 'dunning aging, general path (DUNNING_FAST=0)', measure(process.execPath, aging(csv[100_000]), { env: { DUNNING_FAST: '0' } }));

// Peers on the 1M-row file.
const py = pythonWithPandas();
if (py) row('1M-row CSV', 'pandas read_csv + aging groupby', measure(py, [join(ROOT, 'bench', 'peer_pandas.py'), one, AS_OF]));
else skip('1M-row CSV', 'pandas read_csv + aging groupby', 'pandas is not installed (Debian: python3-pandas)');
if (quick) skip('1M-row CSV', 'csv-parse, parse only', '--quick');
else if (has('csv-parse')) row('1M-row CSV', 'csv-parse, parse only', measure(process.execPath, [join(ROOT, 'bench', 'peer_csvparse.mjs'), one], { runs: 1 }));
else skip('1M-row CSV', 'csv-parse, parse only', 'not installed');
for (const peer of ['papaparse', 'udsv']) skip('1M-row CSV', `${peer}, parse only`, 'not installed (not a dependency)');
if (spawnSync('duckdb', ['--version'], { stdio: 'ignore' }).status === 0) {
  row('1M-row CSV', 'DuckDB read_csv + group by', measure('duckdb', ['-c', `select Cliente, Moneda, sum(Saldo) from read_csv_auto('${one}') group by all`]));
} else skip('1M-row CSV', 'DuckDB read_csv + group by', 'duckdb is not installed');

// xlsx.
row('100k-row xlsx', `dunning aging --format json (${mb(xlsx)})`, measure(process.execPath, aging(xlsx)));
row('100k-row xlsx', 'exceljs streaming reader, rows only', measure(process.execPath, [join(ROOT, 'bench', 'peer_exceljs.mjs'), xlsx], { runs: quick ? 1 : 3 }));

// Letters: 10,000 previews (10,132 from this ledger: the bench's rows-per-customer, scaled so the
// target "10,000 letters" is really measured), and 1,000 sent to a local SMTP server with the journal on.
{
  const dir = join(DATA, 'remind');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await writeLedgerCsv(join(dir, 'ledger.csv'), { rows: 150_000, customers: 34_000, seed: 3 });
  writeFileSync(join(dir, 'dunning.config.json'), JSON.stringify({ currency: 'MXN', from: 'Cobranza <cobranza@example.mx>', skipLevels: true }));
  // Three runs, each into a new folder (removing 20,000 files just before a run would have that
  // run wait for the file system's clean-up), removed at the end.
  const diskRuns = [];
  for (let i = 1; i <= 3; i++) diskRuns.push(runOnce(process.execPath, [BIN, 'remind', 'ledger.csv', '--as-of', AS_OF, '--out', `previews-${i}`], {}, dir));
  const letters = spawnSync('sh', ['-c', `ls ${join(dir, 'previews-1')} | grep -c '\\.eml$'`], { encoding: 'utf8' }).stdout.trim();
  for (let i = 2; i <= 3; i++) rmSync(join(dir, `previews-${i}`), { recursive: true, force: true });
  row('letters', `dunning remind: ${letters} previews`, median(diskRuns), `to this disk, median of 3 (${diskRuns.map((r) => r.seconds.toFixed(1)).join(', ')} s)`);
  // The same run with the previews written to a RAM disk: what the program costs, without the
  // disk's file creation (on this machine anywhere from 0.5 s to 13 s for 20,000 files).
  const ram = '/dev/shm';
  if (existsSync(ram)) {
    const out = mkdtempSync(join(ram, 'dunning-bench-'));
    try {
      const runs = [];
      for (let i = 0; i < 3; i++) {
        rmSync(join(out, 'previews'), { recursive: true, force: true });
        runs.push(runOnce(process.execPath, [BIN, 'remind', 'ledger.csv', '--as-of', AS_OF, '--out', join(out, 'previews')], {}, dir));
      }
      row('letters', `dunning remind: ${letters} previews`, median(runs), 'to a RAM disk (/dev/shm), median of 3');
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  } else skip('letters', `dunning remind: ${letters} previews`, 'no RAM disk (/dev/shm)');
}
{
  const { SMTPServer } = await import('smtp-server');
  let received = 0;
  const server = new SMTPServer({ authOptional: true, disabledCommands: ['STARTTLS'], logger: false, onData(stream, _s, cb) { stream.on('data', () => {}); stream.on('end', () => { received++; cb(); }); } });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  const port = server.server.address().port;
  const dir = join(DATA, 'send');
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  await writeLedgerCsv(join(dir, 'ledger.csv'), { rows: 7_500, customers: 1_750, seed: 4 });
  writeFileSync(join(dir, 'dunning.config.json'), JSON.stringify({ currency: 'MXN', from: 'Cobranza <cobranza@example.mx>', skipLevels: true }));
  const t0 = process.hrtime.bigint();
  const child = spawn(process.execPath, [BIN, 'remind', 'ledger.csv', '--as-of', AS_OF, '--send', '--yes', '--out', 'sent'], { cwd: dir, env: { ...process.env, DUNNING_SMTP_URL: `smtp://127.0.0.1:${port}` }, stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  child.stderr.on('data', (b) => (err += b));
  const code = await new Promise((r) => child.on('close', r));
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  server.close();
  if (code !== 0 && code !== 1) log(`remind --send exited ${code}: ${err.slice(-300)}`);
  row('letters', `dunning remind --send: ${received} letters, journal fsynced`, { seconds, rssMb: null }, 'local smtp-server');
}

// ---------------------------------------------------------------------------------------------

const date = new Date().toISOString().slice(0, 10);
const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`;
const table = [
  '| data | what | time | CPU (user+sys) | peak RSS | note |',
  '|---|---|---:|---:|---:|---|',
  ...rows.map((r) => `| ${r.task} | ${r.what} | ${r.seconds === null ? '—' : `${r.seconds.toFixed(2)} s`} | ${r.cpu == null ? '—' : `${r.cpu.toFixed(2)} s`} | ${r.rssMb ? `${Math.round(r.rssMb)} MB` : '—'} | ${r.note} |`),
].join('\n');
process.stdout.write(`\ndunning benchmark, ${date} — ${machine}\n\n${table}\n`);
if (writeTo) {
  writeFileSync(isAbsolute(writeTo) ? writeTo : join(ROOT, writeTo), `# Benchmark results\n\nRun on ${date}: ${machine}. \`npm run bench\` (whole process, median of 3; one run for 5M rows and for sending).\n\n${table}\n`);
  log(`written to ${writeTo}`);
}
void dirname;
