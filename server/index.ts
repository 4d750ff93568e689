// Kairos server entry: validates config, prepares DATA_DIR, serves the app and stops cleanly on SIGTERM.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfigOrExit } from './config.ts';
import { startCheckpointer } from './db/checkpointer.ts';
import { databaseFile } from './db/client.ts';
import { scheduleLapseCheck } from './contacts/lapse.ts';
import { createExecutor } from './executor/executor.ts';
import { scheduleExecutor } from './executor/schedule.ts';
import { deliverWebhooks } from './executor/webhooks.ts';
import { createApp } from './http/app.ts';
import { log } from './log.ts';
import { startMail } from './mail/runtime.ts';
import { startInboundListener } from './mail/inbound/listener.ts';
import { scheduleSuppressionExpiry } from './mail/suppressions.ts';
import { openWorkspace } from './workspace.ts';

const config = loadConfigOrExit();
const workspace = openWorkspace(config);
const checkpointer = startCheckpointer(workspace.db, databaseFile(config.dataDir), log);
// KAIROS_CLIENT_DIR serves another build of the client (a developer's or a test run's own); unset, the one `npm run build` made.
const clientDir = process.env.KAIROS_CLIENT_DIR ?? path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/client');
const app = createApp({ db: workspace.db, auth: workspace.auth, clock: workspace.clock, clientDir });

const executor = createExecutor({ db: workspace.db, clock: workspace.clock, log });
const executorTask = scheduleExecutor(executor, config.executorIntervalSeconds, log, () =>
  deliverWebhooks({ db: workspace.db, clock: workspace.clock, secret: workspace.secret, log }),
);
const lapseTask = scheduleLapseCheck(workspace.db, workspace.clock, log);
const suppressionTask = scheduleSuppressionExpiry(workspace.db, workspace.clock, log);
// Without SMTP_URL this starts the development SMTP server whose mail the Inbox page shows.
const mail = await startMail({ db: workspace.db, clock: workspace.clock, secret: workspace.secret, publicUrl: config.publicUrl, smtpUrl: config.smtpUrl, dnsServers: config.dnsServers, log });
// INBOUND_SMTP_PORT: bounces and complaints for the bounce domains arrive here (the MX of each bounce domain points at it).
const inbound = config.inboundSmtpPort
  ? await startInboundListener({ db: workspace.db, clock: workspace.clock, secret: workspace.secret, port: config.inboundSmtpPort, log }).catch((error: Error) => {
      process.stderr.write(`Kairos cannot listen for bounces on INBOUND_SMTP_PORT ${config.inboundSmtpPort}: ${error.message}\n`);
      process.exit(1);
    })
  : null;

const server = app.listen(config.port, (error?: Error) => {
  if (error) {
    process.stderr.write(`Kairos cannot listen on port ${config.port}: ${error.message}\n`);
    process.exit(1);
  }
  executorTask.start();
  lapseTask.start();
  // Once at start too: a server that was down when a suppression ended sends to the address again at once.
  void suppressionTask.execute();
  suppressionTask.start();
  mail.delivery.start();
  log.info({ port: config.port, dataDir: config.dataDir, executorIntervalSeconds: config.executorIntervalSeconds }, 'kairos started');
  process.stdout.write(`\nKairos is running: open ${config.publicUrl}\n\n`);
});

function shutdown(signal: string) {
  log.info({ signal }, 'kairos stopping');
  executorTask.stop();
  lapseTask.stop();
  suppressionTask.stop();
  server.close(() => {
    // The delivery loop finishes the messages in flight before the database closes.
    void Promise.all([mail.stop(), inbound?.close()])
      .then(() => checkpointer.stop())
      .finally(() => {
        workspace.close();
        process.exit(0);
      });
  });
  server.closeAllConnections();
}
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
