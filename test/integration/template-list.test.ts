// The Templates list shows each subject as a contact would read it (the sample contact), not raw Liquid.
import { expect, it } from 'vitest';
import { callerFor, makeUser, workspacePerTest } from './helpers.ts';

const open = workspacePerTest();

it('renders subjects for the sample contact and keeps the Liquid source beside them', async () => {
  const { ws } = open();
  const marketer = callerFor(ws, await makeUser(ws, 'marketer'));
  const { templates } = await marketer.templates.list();
  const welcome = templates.find((t) => t.id === 'welcome')!;
  expect(welcome.subject).toBe("Welcome to {{ brand.name }}, {{ contact.first_name | default: 'friend' }}");
  expect(welcome.sampleSubject).toBe('Welcome to Kairos Shop, Alex');
  const plain = templates.find((t) => t.id === 'review_request')!;
  expect(plain.sampleSubject).toBe(plain.subject);
});
