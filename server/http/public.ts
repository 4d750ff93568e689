// Public endpoints for contacts, no login: subscribe (API and hosted form), confirm, unsubscribe (RFC 8058 one-click), preferences, open pixel, click redirect.
import express, { type NextFunction, type Request, type Response, type Router } from 'express';
import { REFERRAL_PARAM } from '../../shared/contacts/referrals.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/client.ts';
import { log } from '../log.ts';
import { welcomeNotice } from '../mail/welcomeNotice.ts';
import { confirmFromLink, contactFromUnsubscribeToken, requestSubscription, resubscribeFromLink, subscribeInputSchema, unsubscribeFromLink } from '../mail/consent.ts';
import { PUBLIC_PATHS } from '../mail/links.ts';
import { messagePage, preferencesPage, subscribeForm } from '../mail/pages.ts';
import { createRateLimiter } from '../mail/rateLimit.ts';
import { mailRuntimeFor, type MailRuntime } from '../mail/runtime.ts';
import { readSendingSettings } from '../mail/settings.ts';
import { recordClick, recordOpen } from '../mail/tracking.ts';

/** A 1×1 transparent GIF. */
const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');

/** Per IP: a person subscribes once; a script hammering the form is held back. */
export const SUBSCRIBE_LIMIT = { perIp: 10, windowMs: 60_000 } as const;

const NO_STORE = 'no-store, max-age=0';

/** Fields of the hosted form (or a site's own form posting to it) that are not traits. */
const FORM_FIELDS = new Set(['email', 'website', REFERRAL_PARAM, 'referral_code']);
/** Top-level fields of a JSON subscribe request besides email, traits and the referral code: names, taken as traits. */
const NAME_FIELDS = ['first_name', 'last_name', 'name'] as const;
const JSON_FIELDS = new Set<string>(['email', 'traits', REFERRAL_PARAM, 'referral_code', ...NAME_FIELDS]);

/**
 * The traits of a JSON subscribe request: `traits`, plus top-level first_name / last_name / name (what a shop's
 * form sends). Any other top-level field is named back as an error rather than dropped: input is never lost silently.
 */
export function jsonSubscribeTraits(body: Record<string, unknown>): { ok: true; traits: unknown } | { ok: false; field: string; message: string } {
  const unknown = Object.keys(body).find((k) => !JSON_FIELDS.has(k));
  if (unknown !== undefined) {
    return { ok: false, field: unknown, message: `${unknown} is not a field of a subscribe request: send email, first_name, last_name, name, ${REFERRAL_PARAM}, and other details inside traits.` };
  }
  const names = Object.fromEntries(NAME_FIELDS.filter((k) => body[k] !== undefined).map((k) => [k, body[k]]));
  if (Object.keys(names).length === 0) return { ok: true, traits: body.traits };
  const traits = body.traits === undefined || body.traits === null ? {} : body.traits;
  if (typeof traits !== 'object' || Array.isArray(traits)) return { ok: true, traits };
  return { ok: true, traits: { ...names, ...(traits as Record<string, unknown>) } };
}

export function publicRouter({ db, clock }: { db: Db; clock: Clock }): Router {
  const router = express.Router();
  const limiter = createRateLimiter(clock, SUBSCRIBE_LIMIT.perIp, SUBSCRIBE_LIMIT.windowMs);
  const brand = () => readSendingSettings(db).brand.name;
  const ipOf = (req: Request) => req.ip ?? req.socket.remoteAddress ?? null;

  /** The mail runtime of this process; the routes answer 503 where mail is not running (a CLI process). */
  const withMail = (handler: (req: Request, res: Response, mail: MailRuntime) => void | Promise<void>) => (req: Request, res: Response, next: NextFunction) => {
    const mail = mailRuntimeFor(db);
    if (!mail) {
      res.status(503).type('text').send('Email is not running in this process.');
      return;
    }
    Promise.resolve(handler(req, res, mail)).catch(next);
  };

  const forms = express.urlencoded({ extended: false, limit: '16kb' });
  const json = express.json({ limit: '16kb' });
  const wantsHtml = (req: Request) => req.is('application/x-www-form-urlencoded') === 'application/x-www-form-urlencoded';

  // A referral link (`?ref=CODE`) keeps its code in a hidden field; whether it is valid is checked on submit, never shown.
  router.get('/subscribe', (req, res) => {
    const ref = typeof req.query[REFERRAL_PARAM] === 'string' ? String(req.query[REFERRAL_PARAM]).slice(0, 300) : '';
    res.set('Cache-Control', NO_STORE).type('html').send(subscribeForm(brand(), { ref }));
  });

  // Sites embed the subscribe call in their own pages, so any origin may post to it.
  router.options('/v1/subscribe', (_req, res) => {
    res.set({ 'Access-Control-Allow-Origin': '*', 'Access-Control-Allow-Methods': 'POST', 'Access-Control-Allow-Headers': 'Content-Type', 'Access-Control-Max-Age': '86400' }).status(204).end();
  });

  router.post(
    '/v1/subscribe',
    (req, res, next) => {
      res.set('Access-Control-Allow-Origin', '*');
      next();
    },
    json,
    forms,
    withMail(async (req, res, mail) => {
      const html = wantsHtml(req);
      const body = (req.body ?? {}) as Record<string, unknown>;
      const fail = (status: number, field: string | null, message: string) => {
        if (html) res.status(status).type('html').send(subscribeForm(brand(), { email: String(body.email ?? ''), firstName: String(body.first_name ?? ''), ref: typeof body.ref === 'string' ? body.ref : '', error: message }));
        else res.status(status).json({ error: message, ...(field ? { field } : {}) });
      };
      const retryAfter = limiter.hit(ipOf(req) ?? 'unknown');
      if (retryAfter !== null) {
        res.set('Retry-After', String(retryAfter));
        return fail(429, null, `Too many requests from this address; try again in ${retryAfter} seconds.`);
      }
      // A filled honeypot is a bot: it is told "done" and nothing happens.
      if (html && typeof body.website === 'string' && body.website !== '') {
        res.status(200).type('html').send(checkInbox(brand()));
        return;
      }
      let traits: unknown;
      if (html) {
        traits = Object.fromEntries(Object.entries(body).filter(([k, v]) => !FORM_FIELDS.has(k) && typeof v === 'string' && v.trim() !== '').map(([k, v]) => [k, String(v).trim()]));
      } else {
        const fromJson = jsonSubscribeTraits(body);
        if (!fromJson.ok) return fail(400, fromJson.field, fromJson.message);
        traits = fromJson.traits;
      }
      const parsed = subscribeInputSchema.safeParse({ email: body.email, traits: traits ?? {}, ref: body[REFERRAL_PARAM] ?? body.referral_code });
      if (!parsed.success) {
        const issue = parsed.error.issues[0]!;
        const field = issue.path.map(String).join('.') || 'body';
        return fail(400, field, `${field === 'email' ? 'Email' : field} ${issue.message}`);
      }
      const result = requestSubscription(db, clock, parsed.data, { source: html ? 'subscribe_form' : 'subscribe_api', ip: ipOf(req), referrals: mail.referrals });
      if (result.confirmationId) {
        // The confirmation goes out now, not on the next tick; a temporary failure is retried by the loop.
        void mail.delivery.sendNow(result.confirmationId).catch((error: unknown) => log.error({ err: error }, 'confirmation send failed'));
      }
      log.info({ contactId: result.contactId, queued: result.confirmationId !== null }, 'subscribe request');
      // The same answer whether or not the address was known: the form reveals nothing about who subscribed.
      if (html) res.status(200).type('html').send(checkInbox(brand()));
      else res.status(202).json({ status: 'pending', message: 'Check your inbox and confirm your subscription.' });
    }),
  );

  router.get(`${PUBLIC_PATHS.confirm}:token`, withMail((req, res, mail) => {
    res.set('Cache-Control', NO_STORE);
    const token = String(req.params.token);
    if (token === 'preview') {
      res.type('html').send(messagePage(brand(), 'This is a preview', ['In a real email this button confirms the subscription. Nothing was changed.']));
      return;
    }
    const { outcome, email } = confirmFromLink(db, clock, mail.tokens, token, ipOf(req));
    const pages: Record<typeof outcome, [number, string, string[]]> = {
      confirmed: [200, 'You are subscribed', [outcome === 'confirmed' && email ? welcomeNotice(db, email, clock.now().getTime()) : 'Thank you for confirming.']],
      already: [200, 'You are already subscribed', ['Your subscription was confirmed before; there is nothing else to do.']],
      expired: [410, 'This link has expired', ['Confirmation links work for 7 days. Subscribe again and we will send you a new one.']],
      invalid: [400, 'This link is not valid', ['It may be incomplete or changed. Copy the whole link from the email, or subscribe again.']],
    };
    const [status, title, text] = pages[outcome];
    const again = outcome === 'expired' || outcome === 'invalid' ? '<p><a href="/subscribe">Subscribe again</a></p>' : '';
    res.status(status).type('html').send(messagePage(brand(), title, text, again));
  }));

  const invalidLink = (res: Response) =>
    res.status(400).type('html').send(messagePage(brand(), 'This link is not valid', ['It may be incomplete or changed. Use the unsubscribe link of any email we sent you.']));
  const previewNotice = (res: Response) =>
    res.type('html').send(messagePage(brand(), 'This is a test email', ['In a real email this link unsubscribes or opens the preferences page. Nothing was changed.']));

  // RFC 8058: GET shows a page and changes nothing (mail scanners follow links); POST unsubscribes.
  router.get(`${PUBLIC_PATHS.unsubscribe}:token`, withMail((req, res, mail) => {
    res.set('Cache-Control', NO_STORE);
    const token = String(req.params.token);
    const contact = contactFromUnsubscribeToken(db, mail.tokens, token);
    if (!contact) return void invalidLink(res);
    res.type('html').send(preferencesPage(brand(), { email: contact.email, subscription: contact.subscription, action: `${PUBLIC_PATHS.unsubscribe}${token}` }));
  }));

  router.post(`${PUBLIC_PATHS.unsubscribe}:token`, forms, withMail((req, res, mail) => {
    res.set('Cache-Control', NO_STORE);
    const token = String(req.params.token);
    const body = (req.body ?? {}) as Record<string, unknown>;
    const oneClick = body['List-Unsubscribe'] === 'One-Click';
    if (body.action === 'resubscribe') return void resubscribe(req, res, mail, token);
    const done = unsubscribeFromLink(db, clock, mail.tokens, token, { source: oneClick ? 'list_unsubscribe' : 'unsubscribe_page', ip: ipOf(req) });
    if (!done) {
      if (oneClick) return void res.status(400).type('text').send('This unsubscribe link is not valid.');
      return void invalidLink(res);
    }
    log.info({ contactId: done.contact.id, oneClick }, 'contact unsubscribed');
    // One-click: the mail client posts in the background and shows nothing; a short text answer is enough.
    if (oneClick) return void res.status(200).type('text').send('You are unsubscribed.');
    res.type('html').send(preferencesPage(brand(), { email: done.contact.email, subscription: 'unsubscribed', action: `${PUBLIC_PATHS.unsubscribe}${token}`, notice: 'You are unsubscribed. You will not get marketing emails from us any more.' }));
  }));

  const resubscribe = (req: Request, res: Response, mail: MailRuntime, token: string) => {
    const done = resubscribeFromLink(db, clock, mail.tokens, token, ipOf(req));
    if (!done) return void invalidLink(res);
    res.type('html').send(preferencesPage(brand(), { email: done.contact.email, subscription: done.result.subscription, action: `${PUBLIC_PATHS.preferences}${token}`, notice: 'Welcome back: you are subscribed again.' }));
  };

  router.get(`${PUBLIC_PATHS.preferences}:token`, withMail((req, res, mail) => {
    res.set('Cache-Control', NO_STORE);
    const token = String(req.params.token);
    if (token === 'preview') return void previewNotice(res);
    const contact = contactFromUnsubscribeToken(db, mail.tokens, token);
    if (!contact) return void invalidLink(res);
    res.type('html').send(preferencesPage(brand(), { email: contact.email, subscription: contact.subscription, action: `${PUBLIC_PATHS.preferences}${token}` }));
  }));

  router.post(`${PUBLIC_PATHS.preferences}:token`, forms, withMail((req, res, mail) => {
    res.set('Cache-Control', NO_STORE);
    const token = String(req.params.token);
    const action = (req.body as Record<string, unknown> | undefined)?.action;
    if (action === 'resubscribe') return void resubscribe(req, res, mail, token);
    if (action !== 'unsubscribe') return void res.status(400).type('html').send(messagePage(brand(), 'Nothing was changed', ['Choose unsubscribe or subscribe again.']));
    const done = unsubscribeFromLink(db, clock, mail.tokens, token, { source: 'preferences_page', ip: ipOf(req) });
    if (!done) return void invalidLink(res);
    res.type('html').send(preferencesPage(brand(), { email: done.contact.email, subscription: 'unsubscribed', action: `${PUBLIC_PATHS.preferences}${token}`, notice: 'You are unsubscribed. You will not get marketing emails from us any more.' }));
  }));

  router.get(`${PUBLIC_PATHS.open}:token`, withMail((req, res, mail) => {
    recordOpen(db, clock, mail.tokens, String(req.params.token).replace(/\.gif$/, ''));
    res.set({ 'Cache-Control': NO_STORE, 'Content-Type': 'image/gif' }).send(PIXEL);
  }));

  router.get(`${PUBLIC_PATHS.click}:token`, withMail((req, res, mail) => {
    const target = recordClick(db, clock, mail.tokens, String(req.params.token));
    res.set('Cache-Control', NO_STORE);
    if (!target) {
      res.status(400).type('html').send(messagePage(brand(), 'This link is broken', ['It was changed or cut short, so we will not guess where it should go. Use the link from the original email.']));
      return;
    }
    res.redirect(302, target);
  }));

  // Unreadable bodies are the caller's mistake (400), never a 500 with a stack trace.
  router.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    const e = error as { status?: number; type?: string };
    if (e.status === 413) return void res.status(413).json({ error: 'The request body is too large (16 kB at most).' });
    if (e.status && e.status >= 400 && e.status < 500) return void res.status(400).json({ error: 'The request body could not be read; send JSON or a form.' });
    next(error);
  });

  return router;
}

function checkInbox(brand: string): string {
  return messagePage(brand, 'Check your inbox', [
    'We sent you an email with a confirmation link. Click it to start receiving our emails.',
    'Nothing arrived after a few minutes? Look in your spam folder, or subscribe again.',
  ]);
}
