#!/usr/bin/env node
// Shebang shim: the program lives in dist/cli.js (built by `npm install` through `prepare`).
import { main } from '../dist/cli.js';
main(process.argv).then((code) => { process.exitCode = code; });
