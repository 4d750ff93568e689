// Templates: list, edit with versions, layouts and partials, live preview, test send.
import { TRPCError } from '@trpc/server';
import { like, or, asc } from 'drizzle-orm';
import { z } from 'zod';
import { momentKeySchema } from '../../shared/lifecycle/moments.ts';
import { emailAddressSchema, partialSourceSchema, templateContentSchema, templateIdSchema, templateMetaSchema } from '../../shared/mail/settings.ts';
import { contacts } from '../db/schema.ts';
import { previewTemplate, sampleSubject } from '../mail/preview.ts';
import { mailRuntimeFor } from '../mail/runtime.ts';
import * as store from '../mail/templates.ts';
import { authedProcedure, roleProcedure, router } from './trpc.ts';

const editProcedure = roleProcedure('marketer');

const previewEventSchema = z.record(z.string(), z.unknown());

const previewInput = z.object({
  content: templateContentSchema,
  layout: z.string().min(1).nullable(),
  contactId: z.string().min(1).nullable().optional(),
  /** A described contact (the journey simulator's) instead of a stored one. */
  contact: z
    .object({
      email: z.string().max(320),
      traits: z.record(z.string(), z.unknown()).default({}),
      phase: z.string().nullable().optional(),
      personaKey: z.string().nullable().optional(),
      timezone: z.string().nullable().optional(),
    })
    .nullable()
    .optional(),
  event: previewEventSchema.default({}),
  partialOverride: z.object({ key: z.string().min(1), source: z.string().max(200_000) }).nullable().optional(),
  senderId: z.string().min(1).nullable().optional(),
});

/** Turns the store's refusals into tRPC errors; the message lists each problem with its line. */
async function run<T>(operation: () => T | Promise<T>): Promise<T> {
  try {
    return await operation();
  } catch (error) {
    if (error instanceof store.TemplateError) throw new TRPCError({ code: error.code, message: error.message, cause: error });
    throw error;
  }
}

export const templatesRouter = router({
  list: authedProcedure.query(({ ctx }) => ({
    // Subjects as the sample contact reads them, beside the Liquid source: a list of raw {{ … }} reads like a bug.
    templates: store.listTemplates(ctx.db).map((t) => ({ ...t, sampleSubject: sampleSubject(ctx.db, t.subject, t.previewEvent) })),
    partials: store.listPartials(ctx.db),
  })),

  get: authedProcedure
    .input(z.object({ id: z.string().min(1), version: z.number().int().positive().optional() }))
    .query(({ ctx, input }) =>
      run(() => {
        const found = store.getTemplate(ctx.db, input.id, input.version);
        const layouts = store.listPartials(ctx.db).filter((p) => p.kind === 'layout').map((p) => ({ key: p.key, name: p.name }));
        return { ...found, layouts };
      }),
    ),

  create: editProcedure
    .input(
      z.object({
        id: templateIdSchema,
        name: templateMetaSchema.shape.name,
        moment: momentKeySchema.nullable().default(null),
        /** Start from a copy of this template's current version; a blank marketing email without. */
        copyFrom: z.string().min(1).nullable().default(null),
      }),
    )
    .mutation(({ ctx, input }) =>
      run(async () => {
        const source = input.copyFrom ? store.getTemplate(ctx.db, input.copyFrom) : null;
        const content = source
          ? { subject: source.content.subject, preheader: source.content.preheader, body: source.content.body, text: source.content.text }
          : {
              subject: 'A new email from {{ brand.name }}',
              preheader: '',
              body: '<mj-section>\n  <mj-column>\n    <mj-text mj-class="headline">Hello {{ contact.first_name | default: "there" }}</mj-text>\n    <mj-text>Write your message here.</mj-text>\n    <mj-button href="{{ brand.website_url }}">Visit our shop</mj-button>\n  </mj-column>\n</mj-section>\n',
              text: '',
            };
        const created = await store.createTemplate(ctx.db, ctx.clock, {
          id: input.id,
          meta: {
            name: input.name,
            description: source?.template.description ?? '',
            layout: source ? source.template.layout : 'marketing',
            moment: input.moment ?? source?.template.moment ?? null,
            previewEvent: source?.template.previewEvent ?? {},
          },
          content,
          createdBy: ctx.user.email,
        });
        return { id: created.template.id };
      }),
    ),

  save: editProcedure
    .input(
      z.object({
        id: z.string().min(1),
        baseVersion: z.number().int().positive(),
        meta: templateMetaSchema.extend({ previewEvent: previewEventSchema.optional() }),
        content: templateContentSchema,
      }),
    )
    .mutation(({ ctx, input }) =>
      run(async () => {
        const saved = await store.saveTemplate(ctx.db, ctx.clock, { ...input, createdBy: ctx.user.email });
        return { version: saved.template.currentVersion };
      }),
    ),

  remove: editProcedure.input(z.object({ id: z.string().min(1) })).mutation(({ ctx, input }) => run(() => store.deleteTemplate(ctx.db, input.id))),

  savePartial: editProcedure
    .input(partialSourceSchema.extend({ key: z.string().min(1), revision: z.number().int().positive() }))
    .mutation(({ ctx, input }) => run(() => store.savePartial(ctx.db, ctx.clock, input))),

  /** A mutation because the unsaved source is too large for a URL; it changes nothing. */
  preview: authedProcedure.input(previewInput).mutation(({ ctx, input }) => previewTemplate(ctx.db, input)),

  testSend: editProcedure.input(previewInput.extend({ to: emailAddressSchema })).mutation(async ({ ctx, input }) => {
    const mail = mailRuntimeFor(ctx.db);
    if (!mail) throw new TRPCError({ code: 'PRECONDITION_FAILED', message: 'Email is not running in this server process; test sends are unavailable.' });
    const result = await mail.testSend(input);
    if (!result.ok) {
      throw new TRPCError({ code: result.kind === 'invalid' ? 'BAD_REQUEST' : 'BAD_GATEWAY', message: result.kind === 'invalid' ? `The template has problems: ${result.message}` : `The mail server refused the test email: ${result.message}` });
    }
    return { to: input.to, mode: mail.mode };
  }),

  /** Contacts to preview with, by email or name. */
  previewContacts: authedProcedure.input(z.object({ search: z.string().trim().max(100).default('') })).query(({ ctx, input }) => {
    const pattern = `%${input.search.toLowerCase().replace(/[%_]/g, '')}%`;
    return ctx.db
      .select({ id: contacts.id, email: contacts.email, name: contacts.name, subscription: contacts.subscription })
      .from(contacts)
      .where(input.search ? or(like(contacts.email, pattern), like(contacts.name, pattern)) : undefined)
      .orderBy(asc(contacts.email))
      .limit(20)
      .all();
  }),
});
