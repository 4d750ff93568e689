// A small SMTP server on loopback (smtp-server): Kairos's development mail catcher, and the real server that tests send to.
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';

export interface ReceivedMail {
  raw: Buffer;
  from: string;
  recipients: string[];
}

export interface SmtpServerOptions {
  /** Called for each accepted message; the server answers 250 once it resolves. */
  onMessage(mail: ReceivedMail): Promise<void> | void;
  /**
   * Decides a recipient: return null to accept, or an SMTP reply such as [450, 'try later'] or
   * [550, 'no such user'] (tests use this to act as a failing provider).
   */
  onRecipient?(address: string): [code: number, message: string] | null | Promise<[code: number, message: string] | null>;
  port?: number;
}

export interface RunningSmtpServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

const MAX_SIZE = 25 * 1024 * 1024;

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

export async function startSmtpServer(options: SmtpServerOptions): Promise<RunningSmtpServer> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    size: MAX_SIZE,
    logger: false,
    banner: 'Kairos development mail',
    onRcptTo(address: SMTPServerAddress, _session: SMTPServerSession, callback) {
      // A reply may take its time, as a slow provider's does (tests hold a recipient this way).
      void Promise.resolve(options.onRecipient?.(address.address.toLowerCase())).then(
        (reply) => callback(reply ? smtpError(reply[0], reply[1]) : null),
        (error: unknown) => callback(smtpError(451, error instanceof Error ? error.message : 'try again later')),
      );
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (chunk: Buffer) => chunks.push(chunk));
      stream.on('end', () => {
        if ((stream as unknown as { sizeExceeded?: boolean }).sizeExceeded) {
          callback(smtpError(552, 'Message exceeds the size limit'));
          return;
        }
        const from = session.envelope.mailFrom ? session.envelope.mailFrom.address : '';
        const recipients = session.envelope.rcptTo.map((r) => r.address.toLowerCase());
        Promise.resolve(options.onMessage({ raw: Buffer.concat(chunks), from, recipients })).then(
          () => callback(null),
          (error: unknown) => callback(smtpError(451, `Could not store the message: ${error instanceof Error ? error.message : String(error)}`)),
        );
      });
    },
  });
  server.on('error', () => undefined);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = ((server as unknown as { server: { address(): AddressInfo } }).server.address()).port;
  return {
    port,
    url: `smtp://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
