// Deliverability: per sending domain, authentication, sent, bounce and complaint rates; admins and managers read it.
import { deliverabilityReport } from '../reports/deliverability.ts';
import { roleProcedure, router } from './trpc.ts';

export const deliverabilityRouter = router({
  report: roleProcedure('manager').query(({ ctx }) => deliverabilityReport(ctx.db, ctx.clock.now().getTime())),
});
