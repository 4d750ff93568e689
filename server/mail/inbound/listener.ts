// The inbound SMTP listener for production (INBOUND_SMTP_PORT): the bounce domains' MX hands it delivery status
// notifications and feedback-loop complaints. No auth (mail servers do not log in), a size limit, and only recipients
// on a configured bounce domain (or one of a domain removed in the last 30 days, for mail sent before): anything else
// is refused at RCPT TO, so it is no open relay and no mailbox.
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerAddress, type SMTPServerSession } from 'smtp-server';
import type { Clock } from '../../clock.ts';
import type { Db } from '../../db/client.ts';
import { log as defaultLog, type Logger } from '../../log.ts';
import { bounceDomainsOf, receiveInbound } from './process.ts';
import { MAX_REPORT_BYTES } from './reports.ts';

export interface InboundListenerOptions {
  db: Db;
  clock: Clock;
  secret: string;
  port: number;
  /** Where to listen: every interface by default (the MX must reach it); tests pass 127.0.0.1. */
  host?: string;
  log?: Logger;
  /** The name the listener greets with. */
  hostname?: string;
  /** The largest message taken, MAX_REPORT_BYTES by default (tests pass a small one). */
  maxMessageBytes?: number;
}

export interface InboundListener {
  port: number;
  /** Bytes of messages still being received or stored, held in memory right now: never more than the limit each. */
  bytesHeld(): number;
  close(): Promise<void>;
}

/** Recipients per message: a report goes to one Return-Path; a few more cost nothing, hundreds mean abuse. */
const MAX_RECIPIENTS = 20;

/**
 * Connections at once: the MX of a few bounce domains sends a handful; more is someone holding sockets (and, with a
 * message each, up to this many times the size limit in memory).
 */
const MAX_CLIENTS = 50;

function smtpError(code: number, message: string): Error {
  return Object.assign(new Error(message), { responseCode: code });
}

/** The domain of an address, lower-cased, without a trailing dot; '' when it has none. */
function domainOf(address: string): string {
  const at = address.lastIndexOf('@');
  return at > 0 ? address.slice(at + 1).trim().toLowerCase().replace(/\.$/, '') : '';
}

export async function startInboundListener(options: InboundListenerOptions): Promise<InboundListener> {
  const { db, clock, secret } = options;
  const log = options.log ?? defaultLog;
  const maxBytes = options.maxMessageBytes ?? MAX_REPORT_BYTES;
  let held = 0;
  const server = new SMTPServer({
    name: options.hostname,
    banner: 'Kairos bounce and complaint reports',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: maxBytes,
    maxClients: MAX_CLIENTS,
    logger: false,
    // A stranger's connection must not hold a socket for ever.
    socketTimeout: 60_000,
    closeTimeout: 5_000,
    onRcptTo(address: SMTPServerAddress, session: SMTPServerSession, callback) {
      try {
        if (session.envelope.rcptTo.length >= MAX_RECIPIENTS) return callback(smtpError(452, 'Too many recipients'));
        const domain = domainOf(address.address);
        if (!bounceDomainsOf(db, clock.now().getTime()).includes(domain)) {
          log.info({ to: address.address.slice(0, 200) }, 'inbound SMTP: recipient refused, not on a bounce domain');
          return callback(smtpError(550, `5.1.1 <${address.address.slice(0, 200)}>: this server takes only bounces and complaints for its bounce domains`));
        }
        callback();
      } catch (error) {
        log.error({ err: error }, 'inbound SMTP: could not read the bounce domains');
        callback(smtpError(451, '4.3.0 Try again later'));
      }
    },
    onData(stream, session, callback) {
      // Kept only up to the limit: past it the rest is read and dropped (SMTP needs the whole of DATA before it can
      // answer), so a stranger's endless message costs a count, not memory.
      const chunks: Buffer[] = [];
      let size = 0;
      let kept = 0;
      let answered = false;
      const answer = (error: Error | null) => {
        if (answered) return;
        answered = true;
        held -= kept;
        chunks.length = 0;
        callback(error);
      };
      stream.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          if (kept > 0) {
            held -= kept;
            kept = 0;
            chunks.length = 0;
          }
          return;
        }
        chunks.push(chunk);
        kept += chunk.length;
        held += chunk.length;
      });
      stream.on('error', (error) => answer(smtpError(451, `4.3.0 ${error.message}`)));
      stream.on('end', () => {
        if (size > maxBytes) {
          log.info({ size, from: (session.envelope.mailFrom ? session.envelope.mailFrom.address : '').slice(0, 200) }, 'inbound SMTP: message refused, larger than the limit');
          answer(smtpError(552, `5.3.4 Message larger than ${Math.round((maxBytes / 1024 / 1024) * 100) / 100} MB`));
          return;
        }
        const envelope = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
        };
        void receiveInbound(db, clock, Buffer.concat(chunks), envelope, { bounceDomains: bounceDomainsOf(db, clock.now().getTime()), secret }, log)
          .then((result) => answer(result.ok ? null : smtpError(451, `4.3.0 ${result.message}`)))
          .catch((error: unknown) => {
            log.error({ err: error }, 'inbound SMTP: report not stored');
            answer(smtpError(451, '4.3.0 Try again later'));
          });
      });
    },
  });
  // A client that misbehaves ends its own connection, never the listener.
  server.on('error', (error) => log.warn({ err: error }, 'inbound SMTP: connection error'));
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error) => reject(error);
    server.once('error', onError);
    server.listen(options.port, options.host, () => {
      server.off('error', onError);
      resolve();
    });
  });
  const port = (server as unknown as { server: { address(): AddressInfo } }).server.address().port;
  log.info({ port }, 'inbound SMTP listener started: bounces and complaints for the bounce domains');
  return {
    port,
    bytesHeld: () => held,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
