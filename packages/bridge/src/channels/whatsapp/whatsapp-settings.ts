import { z } from 'zod';

/** Meta's Graph API. */
export const GRAPH_API_ROOT = 'https://graph.facebook.com';

const numericId = (what: string) =>
  z
    .string()
    .regex(/^\d{5,20}$/, `${what}: digits only, as shown in WhatsApp Manager / the App Dashboard`)
    .describe(what);

/** Settings of a `whatsapp` instance: one business phone number of one WhatsApp Business Account. */
export const whatsappSettingsSchema = z.object({
  phoneNumberId: numericId('Phone number ID (App Dashboard > WhatsApp > API Setup)'),
  businessAccountId: numericId('WhatsApp Business Account ID'),
  accessToken: z.string().min(20).describe('A system user access token with whatsapp_business_messaging (secret)'),
  appSecret: z.string().min(8).describe("The Meta app's App Secret: webhook signatures are checked with it (secret)"),
  verifyToken: z
    .string()
    .min(8)
    .describe('Any string you choose; give the same one as "Verify token" in the webhook setup (secret)'),
  templateName: z
    .string()
    .regex(/^[a-z0-9_]{1,512}$/, 'templateName: a template name, lowercase letters, digits and _')
    .optional()
    .describe('An approved template with one body parameter, sent outside the 24-hour window (manager text as {{1}})'),
  templateLanguage: z.string().min(2).default('en').describe('Language code of the template (e.g. en, ru, pt_BR)'),
  graphRoot: z.url().default(GRAPH_API_ROOT).describe('Graph API root (an emulator in tests)'),
  graphVersion: z
    .string()
    .regex(/^v\d+\.\d+$/, 'graphVersion: like v21.0')
    .default('v21.0'),
  displayPhoneNumber: z.string().optional().describe('Learnt from Meta when the instance is checked'),
});

export type WhatsAppSettings = z.output<typeof whatsappSettingsSchema>;
