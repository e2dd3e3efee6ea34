/**
 * @module test/conformance/run-store-concurrency-child
 * Child process of the SQLite concurrency test: opens the store at argv[2] (run argv[3] and its escalation `esc-1`
 * already exist), waits for `{ go: true }`, then records argv[4] checkpoints with body `{ writer, i }` (writer =
 * argv[5]), tries to answer `esc-1`, and sends `{ seqs, answered, error }` to the parent.
 */
import { SqliteRunStore } from '../../src/store/index.js';

const [file, runId, countText, writer] = process.argv.slice(2);
if (file === undefined || runId === undefined || countText === undefined || writer === undefined || process.send === undefined) {
  throw new Error('usage: fork(child, [file, runId, count, writer])');
}
const send = process.send.bind(process);
const store = await SqliteRunStore.open({ path: file, synchronous: 'normal' });
await new Promise<void>((resolve) => {
  process.on('message', (message: { go?: boolean }) => {
    if (message.go === true) resolve();
  });
  send({ ready: true });
});
const seqs: number[] = [];
for (let i = 0; i < Number(countText); i += 1) {
  seqs.push(await store.recordCheckpoint(runId, { kind: 'step', body: { writer, i }, createdAt: Date.now() }));
}
let answered = false;
let error: string | null = null;
try {
  await store.answerEscalation(runId, 'esc-1', { answer: { writer }, answeredBy: writer, answeredAt: Date.now() });
  answered = true;
} catch (caught) {
  error = (caught as { code?: string }).code ?? String(caught);
}
await store.close();
send({ seqs, answered, error }, () => process.exit(0));
