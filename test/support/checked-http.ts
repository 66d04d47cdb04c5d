import type { Server } from 'node:http';
import request from 'supertest';
import type { OpenAPIObject } from '@nestjs/swagger';
import type { ObservedResponse } from './response-contract';
import { ResponseContract } from './response-contract';

type Agent = ReturnType<typeof request>;
type Response = Awaited<request.Test>;

/** Compiled once per distinct document: every test ledger serves the same one. */
const contracts = new Map<string, ResponseContract>();

/** The contract of the document the server itself serves at /docs/openapi.json. */
export const servedContract = async (server: Server): Promise<ResponseContract> => {
  const served = await request(server).get('/docs/openapi.json').expect(200);
  const key = served.text;
  let contract = contracts.get(key);
  if (!contract) {
    contract = new ResponseContract(served.body as OpenAPIObject);
    contracts.set(key, contract);
  }
  return contract;
};

const observed = (response: Response): ObservedResponse => ({
  method: response.request.method,
  path: new URL(response.request.url).pathname,
  status: response.status,
  headers: response.headers,
  body: response.body,
  text: response.text,
});

const REQUEST_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'head', 'options']);

/**
 * The supertest agent, with one assertion added to every request it makes: the response agrees with the API's
 * OpenAPI document (see ResponseContract). A disagreement fails the request like a failed `.expect()`.
 */
export const checkedAgainstDocument = (agent: Agent, contract: ResponseContract): Agent =>
  new Proxy(agent, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof property !== 'string' || !REQUEST_METHODS.has(property) || typeof value !== 'function') return value;
      return (...args: unknown[]) => (value.apply(target, args) as request.Test).expect((response: Response) => {
        const disagreements = contract.disagreements(observed(response));
        if (disagreements.length) {
          throw new Error([
            'The response disagrees with the OpenAPI document (/docs/openapi.json); document it (apps/api/src/openapi, the route\'s DTOs) or fix the code:',
            ...disagreements.map((line) => `  - ${line}`),
            `  body: ${response.text.slice(0, 600)}`,
          ].join('\n'));
        }
      });
    },
  });
