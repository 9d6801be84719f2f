/**
 * The signature profile `copro-fed/1` (RFC 9421 + RFC 9530 with Ed25519): which components and
 * parameters every federation request must carry, and the time window a receiver accepts.
 */
export const PROFILE_TAG = 'copro-fed/1';
export const RECEIPT_TAG = 'copro-fed/1-receipt';
export const SIGNATURE_LABEL = 'sig1';
export const ALGORITHM = 'ed25519';

/** Covered components of a request with a body (POST). */
export const BODY_COMPONENTS = ['@method', '@target-uri', '@authority', 'content-type', 'content-digest'] as const;
/** Covered components of a GET. */
export const GET_COMPONENTS = ['@method', '@target-uri', '@authority', 'accept'] as const;
/** Covered components of a signed response (receipt), bound to the request's signature and target. */
export const RECEIPT_COMPONENTS = ['@status', 'content-digest', '"signature";req;key="sig1"', '@target-uri;req'] as const;

export const REQUIRED_PARAMS = ['created', 'expires', 'keyid', 'alg', 'nonce', 'tag'] as const;

/** Window (seconds): how old a signature may be, how far in the future, and the longest validity. */
export const MAX_AGE_SECONDS = 300;
export const MAX_FUTURE_SECONDS = 60;
export const MAX_VALIDITY_SECONDS = 300;

/** Inbox body limit (bytes), JSON nesting and array limits. */
export const MAX_BODY_BYTES = 256 * 1024;
export const MAX_JSON_DEPTH = 16;
export const MAX_JSON_ARRAY = 1000;
