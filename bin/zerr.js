#!/usr/bin/env node
// The `zerr` command. The CLI lives in dist/cli/main.js (built by `npm run build`, run by `npm ci` via `prepare`).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv);
