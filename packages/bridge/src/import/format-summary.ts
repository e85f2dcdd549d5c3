import type { ImportSummary } from './run-import.js';

/** The warning of the guide's extension 4, printed with every import. */
export const CARD_WINDOW_WARNING =
  "note: amoCRM shows a chat's history in the lead card only from 24 hours before the lead was created; older imported messages stay in the chat but do not show in the card.";

/** The summary a person reads at the end of `amojo-bridge import`. */
export function formatSummary(s: ImportSummary): string {
  const lines = [
    `${s.dryRun ? 'dry run (nothing sent)' : `import run ${s.runId}`}: ${s.format}, ${s.chats} chat(s), ${s.total} message(s)`,
    `  ${s.dryRun ? 'would send' : 'sent'}: ${s.sent}`,
    `  already in amojo (sent before a crash, not posted twice): ${s.duplicates}`,
    `  already imported by an earlier run: ${s.alreadyImported}`,
    `  failed: ${s.failed}`,
    `  skipped (not importable, see the report): ${s.skipped}`,
  ];
  if (s.outOfOrder > 0)
    lines.push(
      `  warning: ${s.outOfOrder} message(s) are older than the message before them in their chat (sent in file order)`,
    );
  if (s.matchedByName.length > 0)
    lines.push(`  managers matched to amoCRM users by name: ${s.matchedByName.slice(0, 10).join(', ')}`);
  if (s.nameMatching === 'no-tokens') {
    lines.push('  note: the bridge holds no OAuth tokens of this account: managers were matched by the map file only');
  }
  if (s.unmappedManagers.length > 0) {
    lines.push(
      `  sent as the channel bot (not in the map file): ${s.unmappedManagers.slice(0, 10).join(', ')}${s.unmappedManagers.length > 10 ? ', ...' : ''}`,
    );
  }
  if (s.chatsEndingOutgoing > 0) {
    lines.push(
      `  note: ${s.chatsEndingOutgoing} chat(s) end with an outgoing message; amoCRM creates an unsorted lead only for an incoming one`,
    );
  }
  if (s.olderThanCardWindow > 0) {
    lines.push(`  ${s.olderThanCardWindow} message(s) are more than 24 h older than their chat's newest message`);
  }
  lines.push(CARD_WINDOW_WARNING);
  return `${lines.join('\n')}\n`;
}
