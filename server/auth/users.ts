// Creating workspace users, shared by the owner set-up, Settings and the CLI.
import { count, eq } from 'drizzle-orm';
import type { Role } from '../../shared/roles.ts';
import type { Db } from '../db/client.ts';
import { user } from '../db/schema.ts';
import type { Auth } from './auth.ts';

export interface NewUser {
  email: string;
  password: string;
  name: string;
  role: Role;
}

export class UserInputError extends Error {}

export function countUsers(db: Db): number {
  return db.select({ n: count() }).from(user).get()?.n ?? 0;
}

export function findUserByEmail(db: Db, email: string) {
  return db.select().from(user).where(eq(user.email, email.trim().toLowerCase())).get();
}

function isUniqueViolation(error: unknown): boolean {
  return error instanceof Error && /UNIQUE constraint failed: user\.email/.test(error.message);
}

/** Creates a user with a hashed password through better-auth; a taken email is a UserInputError. */
export async function createUser(db: Db, auth: Auth, input: NewUser) {
  const email = input.email.trim().toLowerCase();
  const taken = () => new UserInputError(`A user with the email ${email} already exists.`);
  if (findUserByEmail(db, email)) throw taken();
  try {
    const result = await auth.api.createUser({
      body: { email, password: input.password, name: input.name.trim() || email, role: input.role },
    });
    return result.user;
  } catch (error) {
    // Two creations of one email can both pass the check above (another request, or the CLI); the index decides.
    if (isUniqueViolation(error) || findUserByEmail(db, email)) throw taken();
    throw error;
  }
}
