// Sending domains (admins): list with the DNS records to publish and the last check, add, remove, check DNS.
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { addDomainInputSchema } from '../../shared/mail/domains.ts';
import { DomainError, type DomainsService } from '../mail/domains/service.ts';
import { mailRuntimeFor } from '../mail/runtime.ts';
import type { Context } from './trpc.ts';
import { adminProcedure, router } from './trpc.ts';

/** The service of this process's mail runtime, which holds SECRET (the keys are encrypted with it) and the resolver. */
function domainsOf(ctx: Context): DomainsService {
  const mail = mailRuntimeFor(ctx.db);
  if (!mail) throw new TRPCError({ code: 'PRECONDITION_FAILED', message: 'Email is not running in this server process; sending domains are unavailable.' });
  return mail.domains;
}

/**
 * A refusal as a TRPCError: the message names the field ("domain: … is not a full domain name"), and a ZodError cause
 * puts it in data.fieldErrors (trpc.ts), without the prefix, for the form to show under that field.
 */
async function run<T>(operation: () => T | Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
    const prefix = `${error.field}: `;
    const fieldMessage = error.message.startsWith(prefix) ? error.message.slice(prefix.length) : error.message;
    // ZodRealError: the ZodError that is an Error, so tRPC keeps it as the cause instead of wrapping it.
    const cause = error.field ? new z.ZodRealError([{ code: 'custom', path: [error.field], message: fieldMessage, input: undefined }]) : error;
    throw new TRPCError({ code: error.code, message: error.message, cause });
  }
}

const byId = z.object({ id: z.string().min(1) });

export const domainsRouter = router({
  list: adminProcedure.query(({ ctx }) => domainsOf(ctx).list()),

  add: adminProcedure.input(addDomainInputSchema).mutation(({ ctx, input }) => run(() => domainsOf(ctx).add(input))),

  remove: adminProcedure.input(byId).mutation(({ ctx, input }) => run(() => domainsOf(ctx).remove(input.id))),

  check: adminProcedure.input(byId).mutation(({ ctx, input }) => run(() => domainsOf(ctx).check(input.id))),
});
