// The aging fast path's second thread: reads the second part of a large CSV ledger (from a record
// boundary that fastaging.ts chose to the end of the file) with its own FastReader and sends back
// what it learnt (fastreader.ts PartData; the typed arrays are transferred, not copied). The main
// thread reads the first part meanwhile and joins the two. Started before the spec is known (the
// thread's start-up overlaps the opening of the file): it says when it is ready, and waits for one
// `WorkerJob` message.
import { parentPort } from 'node:worker_threads';
import { readPart, type WorkerJob } from './fastpart.js';

const port = parentPort;
if (port) {
  // Loaded: the main thread cuts the file now (in the middle of what it has not read yet).
  port.postMessage({ type: 'ready' });
  // `on`, not `once`: after the reply the thread idles (a port with a listener keeps it) until the
  // main thread terminates it, once the report is built. A worker that ended itself tore its
  // isolate down while the main thread joined the parts, and slowed that by ~0.1 s on 1M rows.
  port.on('message', (job: WorkerJob) => {
    void readPart(job, (done, rows) => port.postMessage({ type: 'progress', done, rows })).then(({ reply, transfer }) => port.postMessage(reply, transfer));
  });
}
