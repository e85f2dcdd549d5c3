export type { Conversation } from './conversation.js';
export type { FindConversationBy } from './find-conversation.js';
export { findConversation } from './find-conversation.js';
export type { FindOrCreateConversationInput, FoundConversation } from './find-or-create-conversation.js';
export { findOrCreateConversation } from './find-or-create-conversation.js';
export type { UpdateConversationInput } from './update-conversation.js';
export { updateConversation } from './update-conversation.js';
