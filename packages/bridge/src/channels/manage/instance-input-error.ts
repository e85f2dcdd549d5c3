import { BridgeError } from '../../errors.js';

/**
 * A management request about channel instances cannot be done as asked: `field` names what is wrong (`kind`,
 * `name`, `key`, `accountId`, `settings.origins`, ...), `status` the HTTP answer the admin API gives (400 bad value,
 * 404 unknown instance, 409 key taken). The message never holds a setting's value: it may be a secret.
 */
export class InstanceInputError extends BridgeError {
  override readonly name = 'InstanceInputError';
  readonly field: string;
  readonly status: 400 | 404 | 409;
  constructor(field: string, message: string, status: 400 | 404 | 409 = 400, options?: { cause?: unknown }) {
    super('channel_instance_input_invalid', message, options);
    this.field = field;
    this.status = status;
  }
}
