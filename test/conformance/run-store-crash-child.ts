/**
 * @module test/conformance/run-store-crash-child
 * Child process of the SQLite crash test: opens the store at argv[2], creates run argv[3], then records samples
 * (with a red flag and a vote each) in a loop forever, sending `{ acked: i }` to the parent after each sample's
 * promise resolved. The parent SIGKILLs it mid-way.
 */
import { SqliteRunStore } from '../../src/store/index.js';
import { redFlag, sample, vote, newRun } from './run-store-fixtures.js';

const [file, runId] = process.argv.slice(2);
if (file === undefined || runId === undefined || process.send === undefined) throw new Error('usage: fork(child, [file, runId])');
const send = process.send.bind(process);
const store = await SqliteRunStore.open({ path: file });
await store.createRun(newRun({ id: runId }));
send({ ready: true });
for (let i = 0; ; i += 1) {
  await store.recordSample(runId, sample('t1', i, { text: `sample ${i} ${'x'.repeat(2000)}` }));
  await store.recordRedFlag(runId, redFlag('t1', i));
  await store.recordVote(runId, vote('t1', i));
  send({ acked: i });
}
