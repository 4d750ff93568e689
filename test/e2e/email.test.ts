// Email end to end in Chromium against the real server with its development mail: subscribe through the hosted form,
// confirm from the Inbox, edit a template with live preview, test-send it and find it in the Inbox; the starter
// templates and sending settings as screenshots at desktop and mobile width.
import type { Browser, Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { screenshot, type RunningServer, createOwnerThroughSetup, serverAndBrowserPerFile } from './harness.ts';

let server: RunningServer;
let browser: Browser;

serverAndBrowserPerFile((running) => ({ server, browser } = running));

async function createOwner(page: Page): Promise<void> {
  await createOwnerThroughSetup(page, server.url, { name: 'Mara Marketer', email: 'mara@example.com' });
}

async function openInbox(page: Page): Promise<void> {
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Inbox' }).click();
  await page.getByRole('heading', { name: 'Inbox', level: 1 }).waitFor();
}

test('subscribe, confirm from the Inbox, edit a template with live preview, test-send it', { timeout: 180_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1440, height: 1000 } });
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  await createOwner(page);

  // A visitor subscribes through the hosted form (a separate browser context: no session, no cookie).
  const visitorContext = await browser.newContext({ viewport: { width: 420, height: 800 } });
  const visitor = await visitorContext.newPage();
  await visitor.goto(`${server.url}/subscribe`);
  await screenshot(visitor, 'email-01-subscribe-form');
  await visitor.getByLabel('Email address').fill('not-an-email');
  await visitor.getByRole('button', { name: 'Subscribe' }).click();
  await visitor.getByText('Email must be an email address').waitFor();
  await visitor.getByLabel('Email address').fill('lena@example.com');
  await visitor.getByLabel(/First name/).fill('Lena');
  await visitor.getByRole('button', { name: 'Subscribe' }).click();
  await visitor.getByRole('heading', { name: 'Check your inbox' }).waitFor();
  await screenshot(visitor, 'email-02-check-inbox');

  // The confirmation is in the Inbox at once; the recipient is pending.
  await openInbox(page);
  const recipients = page.getByRole('navigation', { name: 'Recipients' });
  await recipients.getByText('lena@example.com').waitFor();
  await recipients.getByText('pending').waitFor();
  await page.getByRole('list', { name: 'Emails' }).getByText('Please confirm your subscription to Kairos Shop').click();
  const email = page.frameLocator('iframe[title^="Email: Please confirm"]');
  await email.getByText('Hi Lena, someone (hopefully you)').waitFor();
  await screenshot(page, 'email-03-inbox-confirmation');

  // The headers tab shows a real message: Message-ID, Date, no List-Unsubscribe on this transactional email.
  await page.getByRole('tab', { name: 'Headers' }).click();
  const headers = page.getByRole('table', { name: 'Headers' });
  await headers.getByText('Message-ID', { exact: true }).waitFor();
  expect(await headers.getByText('List-Unsubscribe', { exact: true }).count()).toBe(0);
  await page.getByRole('tab', { name: 'Text' }).click();
  await page.getByLabel('Text part').getByText(/Yes, subscribe me \[http/).waitFor();
  await page.getByRole('tab', { name: 'HTML' }).click();

  // Clicking the button in the email opens the confirmation page.
  const [confirmPage] = await Promise.all([context.waitForEvent('page'), email.getByRole('link', { name: 'Yes, subscribe me' }).click()]);
  await confirmPage.getByRole('heading', { name: 'You are subscribed' }).waitFor();
  await screenshot(confirmPage, 'email-04-confirmed');
  await confirmPage.close();

  // Back in the Inbox, the contact is subscribed.
  await recipients.getByText('subscribed', { exact: true }).waitFor({ timeout: 10_000 });

  // Edit a template: the preview follows the subject and the body as they are typed.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Templates' }).click();
  await page.getByRole('heading', { name: 'Templates', level: 1 }).waitFor();
  await page.getByRole('table', { name: 'Opt-in templates' }).waitFor();
  await screenshot(page, 'email-05-templates');
  // Layout badges and subjects read whole: no badge cut to "MARKETI…", no raw Liquid in the subject column.
  const cut = await page.locator('table .mantine-Badge-label').evaluateAll((els) => els.filter((e) => e.scrollWidth > e.clientWidth).map((e) => e.textContent));
  expect(cut).toEqual([]);
  await page.getByRole('table', { name: 'Opt-in templates' }).getByText('Welcome to Kairos Shop, Alex').waitFor();
  await page.getByRole('link', { name: 'Welcome', exact: true }).click();
  await page.getByRole('heading', { name: 'Welcome', level: 1 }).waitFor();
  const preview = page.frameLocator('iframe[title="Email preview"]');
  await preview.getByText('Hi Alex, good to have you with us').waitFor();
  await expect(page.getByTestId('preview-subject').innerText()).resolves.toBe('Welcome to Kairos Shop, Alex');

  await page.getByLabel('Subject', { exact: true }).fill('Lovely to meet you, {{ contact.first_name }}');
  await expect.poll(() => page.getByTestId('preview-subject').innerText(), { timeout: 10_000 }).toBe('Lovely to meet you, Alex');

  const body = page.getByRole('textbox', { name: 'Body (MJML with Liquid)' });
  await body.click();
  await page.keyboard.press('Control+A');
  const { content } = await page.evaluate(async () => {
    const res = await fetch('/trpc/templates.get?input=' + encodeURIComponent(JSON.stringify({ id: 'welcome' })));
    return (await res.json()).result.data as { content: { body: string } };
  });
  await page.keyboard.insertText(content.body.replace('good to have you with us', 'the kettle is on'));
  await preview.getByText('Hi Alex, the kettle is on').waitFor();
  await screenshot(page, 'email-06-editor-desktop');

  // A mistake is named with its line, in the problems list and the editor's gutter.
  await page.keyboard.press('Control+End');
  await page.keyboard.insertText('\n<mj-section><mj-column><mj-txt>oops</mj-txt></mj-column></mj-section>');
  const problems = page.getByRole('alert', { name: /problems? in the template/ });
  await problems.getByText(/Body, line \d+:/).waitFor();
  await expect(problems.innerText()).resolves.toContain('mj-txt');
  await screenshot(page, 'email-07-editor-problem');
  await page.keyboard.press('Control+Z');
  await problems.waitFor({ state: 'detached' });

  await page.getByRole('radiogroup', { name: 'Preview width' }).getByText('Mobile').click();
  await screenshot(page, 'email-08-editor-mobile-preview');

  // Test send of the unsaved content, then find it in the Inbox.
  await page.getByRole('button', { name: 'Test send' }).click();
  const dialog = page.getByRole('dialog', { name: 'Send a test email' });
  await dialog.getByLabel('Send to').fill('qa@agency.example');
  await dialog.getByRole('button', { name: 'Send test' }).click();
  await page.getByText('Test email sent').waitFor();

  // Save makes version 2.
  await page.getByRole('button', { name: 'Save' }).click();
  await page.getByText('Saved as version 2.').waitFor();
  await page.getByText('version 2', { exact: true }).waitFor();

  await openInbox(page);
  await recipients.getByText('qa@agency.example').click();
  await page.getByRole('list', { name: 'Emails' }).getByText('[Test] Lovely to meet you, Alex').click();
  await page.frameLocator('iframe[title^="Email: [Test]"]').getByText('Hi Alex, the kettle is on').waitFor();
  await screenshot(page, 'email-09-inbox-test-send');

  // Sending settings.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('tab', { name: 'Sending' }).click();
  await page.getByRole('table', { name: 'Senders' }).getByText('hello@shop.example.com', { exact: false }).waitFor();
  await page.getByText('Development: caught in the Inbox').waitFor();
  await screenshot(page, 'email-10-settings-sending');

  await visitorContext.close();
  await context.close();
});

test('starter templates look right at desktop and mobile width', { timeout: 180_000 }, async () => {
  const context = await browser.newContext({ viewport: { width: 1000, height: 900 } });
  const page = await context.newPage();
  // The owner exists from the test above; sign in.
  await page.goto(`${server.url}/sign-in`);
  await page.getByRole('textbox', { name: 'Email' }).fill('mara@example.com');
  await page.getByRole('textbox', { name: 'Password' }).fill('correct horse battery');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Lifecycle', level: 1 }).waitFor();

  const rendered = await page.evaluate(async () => {
    const call = async (path: string, input: unknown, method: 'GET' | 'POST' = 'GET') => {
      const res = method === 'GET'
        ? await fetch(`/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`)
        : await fetch(`/trpc/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(input) });
      return (await res.json()).result.data;
    };
    const { templates } = await call('templates.list', undefined);
    const out: Array<{ id: string; html: string; ok: boolean }> = [];
    for (const t of templates as Array<{ id: string }>) {
      const { template, content } = await call('templates.get', { id: t.id });
      const preview = await call('templates.preview', { content, layout: template.layout, event: template.previewEvent }, 'POST');
      out.push({ id: t.id, html: preview.ok ? preview.html : '', ok: preview.ok });
    }
    return out;
  });
  expect(rendered.length).toBeGreaterThanOrEqual(13);
  for (const t of rendered) {
    expect({ id: t.id, ok: t.ok }).toEqual({ id: t.id, ok: true });
    for (const [width, label] of [[1000, 'desktop'], [375, 'mobile']] as const) {
      await page.setViewportSize({ width, height: 900 });
      await page.setContent(t.html, { waitUntil: 'load' });
      // Nothing overflows sideways on a phone.
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect({ id: t.id, label, overflow }).toEqual({ id: t.id, label, overflow: 0 });
      await screenshot(page, `starter-${t.id}-${label}`);
    }
  }
  await context.close();
});
