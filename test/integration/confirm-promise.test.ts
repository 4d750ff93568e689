// The confirmation page promises only what will happen: a welcome email "on its way" when a live journey sends one and
// quiet hours do not hold it; its arrival after quiet hours (in the contact's time) when they do; nothing without one.
import { afterEach, expect, it } from 'vitest';
import { createJourney, publishJourney } from '../../server/journeys/service.ts';
import { mailWorld, PUBLIC_URL, serveWorld, until, type MailWorld } from './mail-helpers.ts';

const worlds: { world: MailWorld; stop: () => Promise<void> }[] = [];
afterEach(async () => {
  for (const { world, stop } of worlds.splice(0)) {
    await stop();
    await world.cleanup();
  }
});

async function confirmPageAt(now: string, options: { liveOptIn: boolean }): Promise<string> {
  const world = await mailWorld({ now });
  const { base, stop } = await serveWorld(world);
  worlds.push({ world, stop });
  if (options.liveOptIn) {
    const { id } = createJourney(world.db, world.clock, { moment: 'opt_in', personaKey: null, name: 'Welcome series' });
    publishJourney(world.db, world.clock, { id, publishedBy: 'test' });
  }
  const subscribed = await fetch(`${base}/v1/subscribe`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ email: 'ola@example.com' }) });
  expect(subscribed.status).toBe(202);
  const mail = await until(() => world.smtp.to('ola@example.com')[0], 'the confirmation email');
  const link = [...String(mail.parsed.html).matchAll(/href="([^"]+)"/g)].map((m) => m[1]!).find((h) => h.startsWith(`${PUBLIC_URL}/confirm/`))!;
  const page = await fetch(link.replace(PUBLIC_URL, base));
  expect(page.status).toBe(200);
  return page.text();
}

it('says the welcome email is on its way in the daytime', async () => {
  const page = await confirmPageAt('2026-12-03T12:00:00Z', { liveOptIn: true });
  expect(page).toContain('Our welcome email is on its way.');
});

it('says when the welcome email will arrive when quiet hours hold it (21:30 in the contact’s zone, UTC)', async () => {
  const page = await confirmPageAt('2026-12-03T21:30:00Z', { liveOptIn: true });
  expect(page).toContain('our welcome email will reach you after 08:00 your time');
  expect(page).not.toContain('on its way');
});

it('promises no email when no live journey sends one', async () => {
  const page = await confirmPageAt('2026-12-03T12:00:00Z', { liveOptIn: false });
  expect(page).toContain('Thank you for confirming.');
  expect(page).not.toContain('welcome email');
});
