import { ChannelSettingsError, defineChannelPlugin } from '../channel-plugin.js';
import { GraphApi, GraphApiRefusal } from './graph-api.js';
import { registerWhatsAppRoutes, whatsappWebhookPath } from './register-whatsapp-routes.js';
import { createWhatsAppAdapter } from './whatsapp-adapter.js';
import { whatsappSettingsSchema } from './whatsapp-settings.js';
import { settingsMismatch, templateShapeOf } from './whatsapp-template.js';

/** The `whatsapp` channel: one business phone number of Meta's WhatsApp Cloud API per instance. */
export const whatsappChannelPlugin = defineChannelPlugin({
  kind: 'whatsapp',
  title: 'WhatsApp Business (Cloud API)',
  description:
    "One WhatsApp business number per instance on Meta's Cloud API (--set phoneNumberId=... businessAccountId=... " +
    'accessToken=... appSecret=... verifyToken=...; optional templateName=... [templateParameters=... templateHeader=...] ' +
    'for messages outside the 24-hour window).',
  settings: whatsappSettingsSchema,
  secretSettings: ['accessToken', 'appSecret', 'verifyToken'],
  // Signs the media URLs the bridge re-serves; never shown.
  instanceSecret: 'internal',
  async check(candidate, context) {
    const api = new GraphApi(candidate.settings, context.fetch);
    let number: Awaited<ReturnType<GraphApi['phoneNumber']>>;
    try {
      number = await api.phoneNumber();
    } catch (error) {
      if (error instanceof GraphApiRefusal && (error.status === 401 || error.graphCode === 190)) {
        throw new ChannelSettingsError(
          'accessToken',
          `Meta refused the access token (${error.graphCode}): create a new one`,
        );
      }
      if (error instanceof GraphApiRefusal && error.graphCode === 100) {
        throw new ChannelSettingsError(
          'phoneNumberId',
          'Meta does not know this phone number id for this token: copy it from WhatsApp > API Setup',
        );
      }
      throw new ChannelSettingsError(
        'phoneNumberId',
        `the phone number could not be checked: ${(error as Error).message}`,
      );
    }
    const notes = [
      `number ${number.display_phone_number ?? 'unknown'} (${number.verified_name ?? 'no verified name'})`,
    ];
    const { templateName, templateLanguage } = candidate.settings;
    if (templateName) {
      let templates: Awaited<ReturnType<GraphApi['templates']>>;
      try {
        templates = await api.templates();
      } catch (error) {
        throw new ChannelSettingsError(
          'businessAccountId',
          `the templates of this WhatsApp Business Account could not be listed: ${(error as Error).message}`,
        );
      }
      const found = templates.data?.find((t) => t.name === templateName && t.language === templateLanguage);
      if (found?.status !== 'APPROVED') {
        throw new ChannelSettingsError(
          'templateName',
          found
            ? `template ${templateName} (${templateLanguage}) is ${found.status}, not APPROVED`
            : `no template ${templateName} in language ${templateLanguage} in this WhatsApp Business Account`,
        );
      }
      const mismatch = settingsMismatch(templateShapeOf(found.components), candidate.settings);
      if (mismatch) throw new ChannelSettingsError(mismatch.field, mismatch.message);
      notes.push(`template ${templateName} (${templateLanguage}) for messages outside the 24-hour window`);
    }
    return {
      notes,
      ...(number.display_phone_number ? { settings: { displayPhoneNumber: number.display_phone_number } } : {}),
    };
  },
  connectionInfo: (instance) => ({
    number: instance.settings.displayPhoneNumber ?? 'unknown',
    // A path: Meta's "Callback URL" is PUBLIC_URL + this (https), with the instance's verifyToken.
    callbackUrl: whatsappWebhookPath(instance.key),
    outsideWindow: instance.settings.templateName
      ? `template ${instance.settings.templateName} (${instance.settings.templateLanguage})`
      : 'refused (-1): set templateName',
  }),
  createAdapter: (instance, runtime) => createWhatsAppAdapter(instance, runtime),
  routes: (app, runtime) => registerWhatsAppRoutes(app, runtime),
});
