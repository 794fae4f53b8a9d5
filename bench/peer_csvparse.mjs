// Peer for `npm run bench`: csv-parse (the parser dunning used before its own scanner), parse only.
import { createReadStream } from 'node:fs';
import { parse } from 'csv-parse';
let n = 0;
for await (const _ of createReadStream(process.argv[2]).pipe(parse({ relax_column_count: true }))) n++;
process.stdout.write(`${n}\n`);
