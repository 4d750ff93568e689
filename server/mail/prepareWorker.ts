// The email preparation worker thread (started by preparer.ts): prepares each job it is sent and answers with its id.
import { parentPort, workerData } from 'node:worker_threads';
import { createPreparation, UnknownTemplateError, type PrepareJob } from './outgoing.ts';

const { secret, publicUrl } = workerData as { secret: string; publicUrl: string };
const preparation = createPreparation(secret, publicUrl);
const port = parentPort!;

port.on('message', ({ id, job }: { id: number; job: PrepareJob }) => {
  preparation.prepare(job).then(
    (result) => port.postMessage({ id, result }),
    (error: unknown) => {
      if (error instanceof UnknownTemplateError) port.postMessage({ id, unknownTemplate: true });
      else port.postMessage({ id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
    },
  );
});
