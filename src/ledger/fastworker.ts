// The aging fast path's second thread: reads the second part of a large CSV ledger (from a record
// boundary that fastaging.ts chose to the end of the file) with its own FastReader and sends back
// what it learnt (fastreader.ts PartData; the typed arrays are transferred, not copied). The main
// thread reads the first part meanwhile and joins the two. Started before the spec is known (the
// thread's start-up overlaps the opening of the file): it waits for one `WorkerJob` message.
import { parentPort } from 'node:worker_threads';
import { readPart, type WorkerJob } from './fastpart.js';

const port = parentPort;
if (port) {
  port.once('message', (job: WorkerJob) => {
    void readPart(job, (done, rows) => port.postMessage({ type: 'progress', done, rows })).then(({ reply, transfer }) => {
      port.postMessage(reply, transfer);
      port.close();
    });
  });
}
