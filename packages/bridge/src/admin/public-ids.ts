import { z } from 'zod';
import type { AmojoAccountId, ConversationId, ScopeId } from '../store/ids.js';

// The admin API is an edge where ids enter: its schemas parse to branded ids.

/** `schema` with its output typed as the id `B`: type-only, the value is the string it parsed. */
const branded = <B extends string>(schema: z.ZodType<string, string>) => schema as unknown as z.ZodType<B, string>;

/** An amojo account id (UUID): how the admin API names an account, in paths, queries and bodies. */
export const amojoAccountIdSchema = branded<AmojoAccountId>(
  z
    .string()
    .trim()
    .regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, 'expected an amojo account id (UUID)'),
);

/** Our `conversation_id`, as the conversation routes take it in their path. */
export const conversationIdSchema = branded<ConversationId>(z.string().trim().min(1).max(255));

/** An amojo scope id, as the hook log's filter takes it. */
export const scopeIdSchema = branded<ScopeId>(z.string().min(1));
