import { z } from 'zod';
import { TEMPLATE_SOURCE } from './whatsapp-template.js';

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
    .describe('An approved template sent outside the 24-hour window and for "write first" (see templateParameters)'),
  templateParameters: z
    .string()
    .refine(
      (v) => v.split(',').every((s) => s.trim() === '' || TEMPLATE_SOURCE.test(s.trim())),
      'templateParameters: comma-separated sources of {{1}}, {{2}}...: text, text.1, text.2..., customer_name, manager_name',
    )
    .optional()
    .describe(
      'Sources of the template body parameters {{1}}, {{2}}..., comma-separated (default: text): text (the whole message), text.N (the Nth |-separated part of it), customer_name, manager_name',
    ),
  templateHeader: z
    .string()
    .refine((v) => v === 'media' || TEMPLATE_SOURCE.test(v), 'templateHeader: media, or a source like customer_name')
    .optional()
    .describe("Source of the template header's parameter: a text source, or media (the manager's file)"),
  templateLanguage: z.string().min(2).default('en').describe('Language code of the template (e.g. en, ru, pt_BR)'),
  mediaSending: z
    .enum(['upload', 'link'])
    .default('upload')
    .describe(
      "How a manager's file goes to WhatsApp: upload (the bridge downloads it, checks Meta's type and size limits and uploads it with POST /{phone-number-id}/media) or link (Meta downloads the amoCRM file URL itself)",
    ),
  graphRoot: z.url().default(GRAPH_API_ROOT).describe('Graph API root (an emulator in tests)'),
  graphVersion: z
    .string()
    .regex(/^v\d+\.\d+$/, 'graphVersion: like v21.0')
    .default('v21.0'),
  displayPhoneNumber: z.string().optional().describe('Learnt from Meta when the instance is checked'),
});

export type WhatsAppSettings = z.output<typeof whatsappSettingsSchema>;
