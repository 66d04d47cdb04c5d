import { hash, randomBytes } from 'node:crypto';

/**
 * API keys are 256-bit random secrets, so a plain SHA-256 is a sound stored form (no salt or slow hash needed:
 * there is no low-entropy password to guess). Only the hash ever reaches the event log.
 */
export const generateApiKey = (): string => `cl_${randomBytes(32).toString('base64url')}`;

/** Every authenticated request hashes its key: node:crypto's one-shot hash, not a Hash object per request. */
export const hashApiKey = (apiKey: string): string => hash('sha256', apiKey, 'hex');
