import { describeOnEachStore } from '../support/ledger-stores';
import type { TestLedger } from '../support/ledger-test-app';

/** Keys are checked on every request: a new key works at once, a revoked one stops working once the read side has it. */
describeOnEachStore('API keys: issue and revoke', (on) => {
  let ledger: TestLedger;

  beforeAll(async () => {
    ledger = await on.start();
    await ledger.post('/parties', ledger.adminKey, { partyId: 'keyholder', name: 'Keyholder', roles: ['operator'], country: 'DE' }).expect(201);
  });

  afterAll(() => ledger.close());

  const issue = async () => {
    const issued = await ledger.post('/parties/keyholder/api-keys', ledger.adminKey).expect(201);
    return issued.body as { keyId: string; apiKey: string; position: string };
  };

  it('a revoked key is refused (401 problem+json) once the read side has the revocation, even after it was used; other keys still work', async () => {
    const first = await issue();
    const second = await issue();
    for (let i = 0; i < 3; i++) {
      await ledger.get('/me', first.apiKey).expect(200);
      await ledger.get('/me', second.apiKey).expect(200);
    }

    const revoked = await ledger.http().delete(`/parties/keyholder/api-keys/${first.keyId}`)
      .set({ Authorization: `Bearer ${ledger.adminKey}` }).expect(200);
    await ledger.get(`/parties/keyholder?position=${encodeURIComponent(revoked.body.position as string)}`, ledger.adminKey).expect(200);

    for (let i = 0; i < 2; i++) {
      const refused = await ledger.get('/me', first.apiKey).expect(401);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(refused.body).toMatchObject({ status: 401, code: 'unauthenticated' });
      await ledger.post('/assets', first.apiKey, { assetId: 'never-made', kind: 'chip', model: 'nvidia-b200', facilityId: 'x' }).expect(401);
    }
    const me = await ledger.get('/me', second.apiKey).expect(200);
    expect(me.body).toMatchObject({ partyId: 'keyholder', roles: ['operator'] });

    const third = await issue();
    await ledger.get('/me', third.apiKey).expect(200);
    await ledger.get('/me', first.apiKey).expect(401);
  });

  it('an unknown key is refused every time, and a key differing by one character from a valid one too', async () => {
    const valid = await issue();
    await ledger.get('/me', valid.apiKey).expect(200);
    const altered = `${valid.apiKey.slice(0, -1)}${valid.apiKey.endsWith('A') ? 'B' : 'A'}`;
    await ledger.get('/me', altered).expect(401);
    await ledger.get('/me', altered).expect(401);
    await ledger.get('/me', 'cl_not-a-key').expect(401);
  });

  it('takes the key in Authorization whatever the case of the scheme (RFC 9110), or in X-API-Key', async () => {
    const { apiKey } = await issue();
    for (const authorization of [`Bearer ${apiKey}`, `bearer ${apiKey}`, `BEARER  ${apiKey} `]) {
      const me = await ledger.http().get('/me').set('Authorization', authorization).expect(200);
      expect(me.body).toMatchObject({ partyId: 'keyholder' });
    }
    await ledger.http().get('/me').set('X-API-Key', apiKey).expect(200);
    await ledger.http().get('/me').set('Authorization', `Basic ${apiKey}`).expect(401);
    await ledger.http().get('/me').set('Authorization', 'Bearer ').expect(401);
  });
});
