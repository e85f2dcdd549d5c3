import { z } from 'zod';

/** An amojo account id (UUID): how the admin API names an account, in paths, queries and bodies. */
export const amojoAccountIdSchema = z
  .string()
  .trim()
  .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'expected an amojo account id (UUID)');
