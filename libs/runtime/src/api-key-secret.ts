import { createHash, randomBytes } from 'node:crypto';

/**
 * API keys are 256-bit random secrets, so a plain SHA-256 is a sound stored form (no salt or slow hash needed:
 * there is no low-entropy password to guess). Only the hash ever reaches the event log.
 */
export const generateApiKey = (): string => `cl_${randomBytes(32).toString('base64url')}`;

export const hashApiKey = (apiKey: string): string => createHash('sha256').update(apiKey, 'utf8').digest('hex');
