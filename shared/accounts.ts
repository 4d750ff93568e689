// Input schemas for workspace accounts, used by the forms, the tRPC API and the CLI alike.
import { z } from 'zod';
import { roleSchema } from './roles.ts';

export const MIN_PASSWORD_LENGTH = 8;

export const emailSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: 'must be an email address such as ana@example.com' }));

export const passwordSchema = z
  .string()
  .min(MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .max(128, 'must be at most 128 characters');

export const personNameSchema = z.string().trim().min(1, 'is required').max(100, 'must be at most 100 characters');

export const ownerSchema = z.object({
  name: personNameSchema,
  email: emailSchema,
  password: passwordSchema,
});

export const newUserSchema = ownerSchema.extend({ role: roleSchema });
export type NewUserInput = z.infer<typeof newUserSchema>;
