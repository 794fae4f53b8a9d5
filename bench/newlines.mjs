// The floor for `npm run bench`: node start-up plus streaming the file and counting newlines.
import { createReadStream } from 'node:fs';
let n = 0;
for await (const chunk of createReadStream(process.argv[2], { highWaterMark: 1 << 20 })) {
  for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) n++;
}
process.stdout.write(`${n}\n`);
