import { generateApiKey, hashApiKey } from './api-key-secret';

describe('hashApiKey: the stored form of a key is its SHA-256 in hex, as in every log written so far', () => {
  it('matches the SHA-256 test vectors (FIPS 180-2), so hashes already in an event log still find their keys', () => {
    expect(hashApiKey('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(hashApiKey('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  });

  it('hashes the key as UTF-8 (é is the bytes c3 a9)', () => {
    expect(hashApiKey('\u00e9')).toBe('4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c');
  });

  it('gives different hashes to different generated keys', () => {
    expect(hashApiKey(generateApiKey())).not.toBe(hashApiKey(generateApiKey()));
  });
});
