// tRPC set-up: the context, and the procedure bases that hold all access control in one middleware.
import { initTRPC, TRPCError } from '@trpc/server';
import { z } from 'zod';
import type { ValidationIssue } from '../../shared/journey/validate.ts';
import { roleSchema, type Role } from '../../shared/roles.ts';
import type { Auth } from '../auth/auth.ts';
import type { Clock } from '../clock.ts';
import type { Db } from '../db/client.ts';

export interface SessionUser {
  id: string;
  email: string;
  name: string;
  role: Role;
}

export interface Context {
  db: Db;
  auth: Auth;
  clock: Clock;
  user: SessionUser | null;
}

/** Turns a better-auth user into the session user; an unknown role gets no rights at all. */
export function toSessionUser(u: { id: string; email: string; name: string; role?: string | null }): SessionUser | null {
  const role = roleSchema.safeParse(u.role);
  return role.success ? { id: u.id, email: u.email, name: u.name, role: role.data } : null;
}

/** Builds the context of one request from its headers; tests build Context directly. */
export async function createContext(deps: { db: Db; auth: Auth; clock: Clock }, headers: Headers): Promise<Context> {
  const session = await deps.auth.api.getSession({ headers });
  return { ...deps, user: session ? toSessionUser(session.user) : null };
}

const t = initTRPC.context<Context>().create({
  // Stack traces stay on the server; users get the message.
  isDev: process.env.NODE_ENV === 'development',
  errorFormatter({ shape, error }) {
    const cause = error.cause;
    return {
      ...shape,
      data: {
        ...shape.data,
        // Field-level problems for forms: { "email": ["must be an email address"] }.
        fieldErrors: cause instanceof z.ZodError ? z.flattenError(cause).fieldErrors : null,
        // Every problem of a refused publish, each with its node id, for the editor's validation list.
        validationIssues: cause && 'validationIssues' in cause && Array.isArray(cause.validationIssues) && cause.validationIssues.length > 0
          ? (cause.validationIssues as ValidationIssue[])
          : null,
      },
    };
  },
});

export const router = t.router;
export const createCallerFactory = t.createCallerFactory;
export const publicProcedure = t.procedure;

export const authedProcedure = t.procedure.use(({ ctx, next }) => {
  if (!ctx.user) throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Please sign in to continue.' });
  return next({ ctx: { ...ctx, user: ctx.user } });
});

/** A procedure open to the given roles; admins may do everything. */
export function roleProcedure(...roles: Role[]) {
  return authedProcedure.use(({ ctx, next }) => {
    if (ctx.user.role !== 'admin' && !roles.includes(ctx.user.role)) {
      const allowed = ['admin', ...roles].join(' or ');
      throw new TRPCError({
        code: 'FORBIDDEN',
        message: `This needs the ${allowed} role; you are signed in as ${ctx.user.role}.`,
      });
    }
    return next();
  });
}

export const adminProcedure = roleProcedure('admin');
