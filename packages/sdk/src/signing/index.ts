export { hmacHex, md5Hex, type RawBody, safeEqualHex } from './digest.js';
export { formatRfc2822, parseHttpDate } from './format-date.js';
export { signHook, verifyHook } from './hook-signature.js';
export {
  AMOJO_CONTENT_TYPE,
  type SignedHeaders,
  type SignRequestInput,
  signRequest,
  stringToSign,
} from './sign-request.js';
export {
  type VerifyRequestFailure,
  type VerifyRequestInput,
  type VerifyRequestResult,
  verifyRequest,
} from './verify-request.js';
