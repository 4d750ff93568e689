// The email preparation worker thread (started by preparer.ts): prepares each job it is sent and answers with its id.
import { parentPort, workerData } from 'node:worker_threads';
import { createPreparation, UnknownTemplateError, type PrepareJob } from './outgoing.ts';

const { secret, publicUrl } = workerData as { secret: string; publicUrl: string };
const preparation = createPreparation(secret, publicUrl);
const port = parentPort!;

port.on('message', ({ id, job }: { id: number; job: PrepareJob }) => {
  preparation.prepare(job).then(
    (result) => {
      // The MIME message is moved, not copied, when it has its memory to itself (Buffer.concat of more than 4 kB gives it that).
      const own = result.ok && result.raw.byteOffset === 0 && result.raw.byteLength === result.raw.buffer.byteLength;
      port.postMessage({ id, result }, own ? [result.raw.buffer as ArrayBuffer] : []);
    },
    (error: unknown) => {
      if (error instanceof UnknownTemplateError) port.postMessage({ id, unknownTemplate: true });
      else port.postMessage({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    },
  );
});
