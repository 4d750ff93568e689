// The lifecycle dashboard's figures (server/reports/lifecycle.ts), for any signed-in user.
import { TRPCError } from '@trpc/server';
import { lifecycleReportInput } from '../../shared/reports/lifecycle.ts';
import { lifecycleReport, UnknownPersonaError } from '../reports/lifecycle.ts';
import { authedProcedure, router } from './trpc.ts';

export const reportsRouter = router({
  lifecycle: authedProcedure.input(lifecycleReportInput).query(({ ctx, input }) => {
    try {
      return lifecycleReport(ctx.db, input);
    } catch (error) {
      if (error instanceof UnknownPersonaError) throw new TRPCError({ code: 'BAD_REQUEST', message: error.message, cause: error });
      throw error;
    }
  }),
});
