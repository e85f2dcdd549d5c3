export {
  AmojoApiError,
  type AmojoApiErrorDetails,
  AmojoError,
  type AmojoErrorCode,
  AmojoInputError,
  AmojoNetworkError,
  AmojoSignatureError,
  AmojoTimeoutError,
} from './amojo-error.js';
export { type ErrorResponseInput, errorFromResponse } from './error-from-response.js';
