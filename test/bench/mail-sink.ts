// An SMTP server for the mail bench, in its own process so the senders being measured do not share its CPU time.
// Accepts everything, discards the data, counts messages; prints "ready <port>" when listening.
import { startSmtpServer } from '../../server/mail/devSmtp.ts';

let received = 0;
const server = await startSmtpServer({
  onMessage: () => {
    received += 1;
  },
});
process.stdout.write(`ready ${server.port}\n`);
process.on('SIGTERM', () => {
  process.stderr.write(`sink received ${received}\n`);
  void server.close().then(() => process.exit(0));
});
