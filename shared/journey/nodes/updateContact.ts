// update_contact: sets traits on the contact.
import { z } from 'zod';
import { scalarSchema, traitNameSchema } from '../common.ts';
import { defineKind, NEXT } from './types.ts';

export const updateContactConfigSchema = z.object({
  assignments: z
    .array(z.object({ trait: traitNameSchema, value: scalarSchema }))
    .min(1, 'Add at least one trait to set.'),
});

export const updateContact = defineKind({
  label: 'Update contact',
  description: 'Set traits on the contact.',
  configSchema: updateContactConfigSchema,
  defaultConfig: () => ({ assignments: [{ trait: '', value: '' }] }),
  outputs: () => NEXT,
  summary: (c) => `set ${c.assignments.map((a) => `${a.trait} = ${JSON.stringify(a.value)}`).join(', ')}`,
});
