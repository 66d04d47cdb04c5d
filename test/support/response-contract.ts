import Ajv from 'ajv';
import type { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import type { HeaderObject, OpenAPIObject, OperationObject, ResponseObject } from '@nestjs/swagger';

/** What the contract needs of a response; supertest's responses have it. */
export type ObservedResponse = {
  readonly method: string;
  /** The request path, without the query string, as sent (still %-encoded). */
  readonly path: string;
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: unknown;
  readonly text: string;
};

/** Headers that carry the API's own meaning: present in a response only where its document says they may be. */
const CONTRACT_HEADERS = ['etag', 'idempotent-replayed', 'retry-after', 'www-authenticate'];

/** The interactive docs and the document itself are served by Swagger UI, not described by the document. */
const UNDESCRIBED = /^\/docs(\/|$)/;

const PROBLEM_SCHEMA_REF = '#/components/schemas/ProblemDetails';
const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

type Route = { readonly method: string; readonly template: string; readonly pattern: RegExp; readonly operation: OperationObject };
type Json = unknown;

const isObject = (value: Json): value is Record<string, Json> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * OpenAPI 3.0 schemas as JSON Schema for Ajv: `nullable` becomes "or null", local refs point into the document
 * registered under DOCUMENT_ID, and an object that lists its properties allows no others unless it says so (so a
 * field the server sends but the document does not name is caught, not waved through).
 */
const DOCUMENT_ID = 'openapi.json';
const toJsonSchema = (node: Json): Json => {
  if (Array.isArray(node)) return node.map(toJsonSchema);
  if (!isObject(node)) return node;
  const out: Record<string, Json> = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string' && value.startsWith('#/')) out[key] = `${DOCUMENT_ID}${value}`;
    else if (key === 'properties' && isObject(value)) out[key] = Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, toJsonSchema(schema)]));
    else if (key === 'example' || key === 'examples') out[key] = value;
    else out[key] = toJsonSchema(value);
  }
  if (isObject(out.properties) && out.additionalProperties === undefined && out.allOf === undefined) out.additionalProperties = false;
  if (out.nullable === true) {
    delete out.nullable;
    return { anyOf: [{ type: 'null' }, out] };
  }
  return out;
};

const templateToPattern = (template: string): RegExp =>
  new RegExp(`^${template.split(/\{[^}]+\}/).map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('[^/]+')}$`);

const isJson = (type: string): boolean => type === 'application/json' || type.endsWith('+json');

const mediaType = (contentType: string | string[] | undefined): string | undefined =>
  (Array.isArray(contentType) ? contentType[0] : contentType)?.split(';')[0].trim().toLowerCase();

/**
 * Checks a response against the API's OpenAPI document: the status is one the route documents, the content type is
 * the documented one, the body matches its schema, and the API's own headers appear only where documented. A path
 * the document does not describe must answer 404 problem+json. Returns what disagrees (empty: it conforms).
 */
export class ResponseContract {
  private readonly routes: readonly Route[];
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();
  /** Error statuses every route documents: what any request can meet, before routing (e.g. 431). */
  private readonly everywhere: readonly number[];

  constructor(document: OpenAPIObject) {
    this.ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: DOCUMENT_ID, components: toJsonSchema(document.components ?? {}) });
    this.routes = Object.entries(document.paths)
      .flatMap(([template, item]) => Object.entries(item)
        .filter(([method]) => HTTP_METHODS.has(method))
        .map(([method, operation]) => ({ method, template, pattern: templateToPattern(template), operation: operation as OperationObject })))
      // Literal segments before parameters, so /assets/{assetId} never shadows a fixed path beside it.
      .sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0));
    const errorStatuses = this.routes.map((r) => Object.keys(r.operation.responses).map(Number).filter((status) => status >= 400));
    this.everywhere = (errorStatuses[0] ?? []).filter((status) => errorStatuses.every((statuses) => statuses.includes(status)));
  }

  disagreements(response: ObservedResponse): string[] {
    if (UNDESCRIBED.test(response.path)) return [];
    const method = response.method.toLowerCase();
    const route = this.routes.find((r) => r.method === method && r.pattern.test(response.path));
    if (!route) {
      // Not a route: the server says so (404), or refuses the request as it would anywhere, as problem+json.
      const where = `${response.method} ${response.path} (not in the document)`;
      const allowed = [404, ...this.everywhere];
      const problems = allowed.includes(response.status) ? [] : [`${where} must answer ${allowed.join(' or ')}, not ${response.status}`];
      return [
        ...problems,
        ...this.checkBody(response, { 'application/problem+json': { schema: { $ref: PROBLEM_SCHEMA_REF } } }, where),
        ...this.checkProblemStatus(response, where),
      ];
    }
    const where = `${method.toUpperCase()} ${route.template} ${response.status}`;
    const documented = route.operation.responses[String(response.status)] as ResponseObject | undefined;
    if (!documented) {
      return [`${where}: status ${response.status} is not documented (documented: ${Object.keys(route.operation.responses).join(', ')})`];
    }
    return [...this.checkHeaders(response, documented, where), ...this.checkBody(response, documented.content, where), ...this.checkProblemStatus(response, where)];
  }

  /** A problem's own status is the response's: a client reading only the body must not be told otherwise. */
  private checkProblemStatus(response: ObservedResponse, where: string): string[] {
    if (mediaType(response.headers['content-type']) !== 'application/problem+json' || !isObject(response.body)) return [];
    const { status } = response.body;
    return status === response.status ? [] : [`${where}: the problem says status ${String(status)}`];
  }

  private checkHeaders(response: ObservedResponse, documented: ResponseObject, where: string): string[] {
    const headers = new Map(Object.entries(documented.headers ?? {}).map(([name, header]) => [name.toLowerCase(), header as HeaderObject]));
    return CONTRACT_HEADERS.flatMap((name) => {
      const value = response.headers[name];
      if (value === undefined) return [];
      const header = headers.get(name);
      if (!header) return [`${where}: header ${name} is sent but not documented for this response`];
      return header.schema ? this.validate(header.schema, value, `header ${name}`).map((d) => `${where}: ${d}`) : [];
    });
  }

  /** Validators by schema: routes share most (every problem is the same $ref), so each compiles once. */
  private validate(schema: object, value: unknown, what: string): string[] {
    const key = JSON.stringify(schema);
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(toJsonSchema(schema) as object);
      this.validators.set(key, validate);
    }
    if (validate(value)) return [];
    return (validate.errors ?? []).map((error) => {
      const extra = error.keyword === 'additionalProperties' ? ` (${String(error.params.additionalProperty)})` : '';
      return `${what}${error.instancePath} ${error.message ?? error.keyword}${extra}`;
    });
  }

  private checkBody(response: ObservedResponse, content: ResponseObject['content'], where: string): string[] {
    const type = mediaType(response.headers['content-type']);
    if (!content || Object.keys(content).length === 0) {
      return response.text === '' ? [] : [`${where}: a body is sent (${type ?? 'no content type'}) but none is documented`];
    }
    if (!type || !(type in content)) return [`${where}: content type ${type ?? '(none)'} is not the documented ${Object.keys(content).join(' or ')}`];
    const schema = content[type].schema;
    if (!schema) return [];
    // supertest parses JSON bodies only; any other media type is checked as the text it is.
    return this.validate(schema, isJson(type) ? response.body : response.text, 'body')
      .map((disagreement) => `${where}: ${disagreement}`);
  }
}
