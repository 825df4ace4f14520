import { insertFeedback } from '@tradehits/db';
import { z } from 'zod';
import { authedProcedure, router } from '../trpc';

export const feedbackRouter = router({
  submit: authedProcedure
    .input(
      z.object({
        rating: z
          .number()
          .int('Rating is a whole number')
          .min(1, 'Rating is 1 to 5')
          .max(5, 'Rating is 1 to 5'),
        text: z.string().trim().min(1, 'Tell us something').max(4000, 'At most 4000 characters'),
      }),
    )
    .mutation(({ ctx, input }) => insertFeedback(ctx.db, { userId: ctx.user.id, ...input })),
});
