import { z } from 'zod';

/** Query fields shared by every paginated admin list: `limit` (1-200, default 50) and `before` (a row id). */
export const pageQuery = {
  limit: z.coerce.number().int().min(1).max(200).default(50),
  before: z.coerce.number().int().positive().optional(),
};
