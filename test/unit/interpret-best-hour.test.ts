// The email node's "send at the contact's best hour within N hours": its config (bounds, old configs), and the effect the pure interpreter hands the executor.
import { describe, expect, it } from 'vitest';
import { emailConfigSchema } from '../../shared/journey/nodes/email.ts';
import { BEST_HOUR_WITHIN } from '../../shared/mail/bestHour.ts';
import { compile, enrolAndAdvance, exitNode, manualTrigger, path, sendEmail, utc } from './interpret-builders.ts';

const NOW = utc('2025-05-05T12:00');

describe('the best-hour option of an email step', () => {
  it('is absent from configs saved before it, which still parse and send now', () => {
    const parsed = emailConfigSchema.parse({ templateId: 'welcome' });
    expect(parsed).toEqual({ templateId: 'welcome', category: 'marketing', whenCapped: 'delay' });
    expect(parsed.sendAt).toBeUndefined();
  });

  it('takes a whole number of hours within the bounds of bestSendHour', () => {
    const within = (withinHours: unknown) => emailConfigSchema.safeParse({ templateId: 'welcome', sendAt: { mode: 'best_hour', withinHours } });
    expect(within(BEST_HOUR_WITHIN.min).success).toBe(true);
    expect(within(BEST_HOUR_WITHIN.max).success).toBe(true);
    expect(within(BEST_HOUR_WITHIN.min - 1).error?.issues[0]?.message).toBe('At least 1 hour.');
    expect(within(BEST_HOUR_WITHIN.max + 1).error?.issues[0]?.message).toBe('At most 168 hours (a week).');
    expect(within(2.5).error?.issues[0]?.message).toBe('Use a whole number of hours.');
    expect(emailConfigSchema.safeParse({ templateId: 'welcome', sendAt: { mode: 'tomorrow' } }).success).toBe(false);
    expect(emailConfigSchema.parse({ templateId: 'welcome', sendAt: { mode: 'now' } }).sendAt).toEqual({ mode: 'now' });
  });

  it('rides on the send_email effect of a marketing email, for the executor to time', () => {
    const graph = compile([manualTrigger(), sendEmail('news', 'nurture', { sendAt: { mode: 'best_hour', withinHours: 24 } }), exitNode()], path('start', 'news', 'end'));
    const [effect] = enrolAndAdvance(graph, NOW).effects;
    expect(effect).toEqual({ type: 'send_email', nodeId: 'news', visit: 1, templateId: 'nurture', category: 'marketing', whenCapped: 'delay', sendAt: { mode: 'best_hour', withinHours: 24 } });
  });

  it('is left off a transactional email and an email that sends now: a receipt goes at once', () => {
    const graph = compile(
      [
        manualTrigger(),
        sendEmail('receipt', 'receipt', { category: 'transactional', sendAt: { mode: 'best_hour', withinHours: 24 } }),
        sendEmail('news', 'nurture', { sendAt: { mode: 'now' } }),
        exitNode(),
      ],
      path('start', 'receipt', 'news', 'end'),
    );
    const effects = enrolAndAdvance(graph, NOW).effects;
    expect(effects.map((e) => 'sendAt' in e)).toEqual([false, false]);
  });
});
