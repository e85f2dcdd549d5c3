import { AmojoInputError } from '../errors/amojo-error.js';
import type {
  DeliveryErrorCode,
  DeliveryStatusCode,
  DeliveryStatusRequest,
  EditDeliveryStatus,
} from '../types/chats.js';
import type { DeliveryStatusOptions } from './chat-options.js';
import { opt, optionalText, requireObject, requireOneOf } from './validate-input.js';

interface CheckedStatus {
  readonly status: DeliveryStatusCode;
  readonly errorCode: DeliveryErrorCode | undefined;
  readonly error: string | undefined;
}

function checkDeliveryStatus(input: DeliveryStatusOptions, path: string): CheckedStatus {
  const o = requireObject(input, path);
  const status = requireOneOf(o.status, [1, 2, -1] as const, `${path}.status`);
  const error = optionalText(o.error, `${path}.error`);
  if (status !== -1) {
    if (o.errorCode !== undefined || error !== undefined) {
      throw new AmojoInputError(
        `${path}.errorCode and ${path}.error are only for status -1 (failed), got status ${status}`,
        `${path}.errorCode`,
      );
    }
    return { status, errorCode: undefined, error: undefined };
  }
  const errorCode = requireOneOf(o.errorCode, [901, 902, 903, 904, 905] as const, `${path}.errorCode`);
  if (errorCode === 905 && (error === undefined || error.trim() === '')) {
    throw new AmojoInputError(
      `${path}.error (the text shown to the manager) is required with errorCode 905`,
      `${path}.error`,
    );
  }
  return { status, errorCode, error };
}

/**
 * Validates a delivery status and returns the wire body. Sends `msgid` + `delivery_status` (the shape of the seed's
 * signed example and of the public clients) and `status_code` (the current reference) with the same value (spec 3.5, 8.1).
 */
export function buildDeliveryStatusBody(amojoMsgId: string, input: DeliveryStatusOptions): DeliveryStatusRequest {
  const s = checkDeliveryStatus(input, 'options');
  return {
    msgid: amojoMsgId,
    delivery_status: s.status,
    status_code: s.status,
    ...opt('error_code', s.errorCode),
    ...opt('error', s.error),
  };
}

/** Validates the delivery status carried inside an edit (spec 3.4.4). */
export function buildEditDeliveryStatus(input: DeliveryStatusOptions): EditDeliveryStatus {
  const s = checkDeliveryStatus(input, 'deliveryStatus');
  return { status_code: s.status, ...opt('error_code', s.errorCode), ...opt('error', s.error) };
}
