import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import request from 'supertest';
import type { Server } from 'node:http';
import { mockCredentials } from '@backstage/backend-test-utils';
import { spec } from '../schema/openapi';

/*
 * Every response an API test receives is checked against openapi.yaml: the schema of the
 * operation's documented status (or its `default` response). A response that the spec does not
 * describe fails the test, so the spec and the server cannot drift apart.
 */

const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
ajv.addSchema({ ...(spec as object), $id: 'llm-ops-spec' });

type Operation = { responses: Record<string, any> };
const operations: Array<{
  method: string;
  template: string;
  regex: RegExp;
  operation: Operation;
}> = [];
for (const [template, item] of Object.entries(
  spec.paths as Record<string, any>,
)) {
  const regex = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
  for (const method of ['get', 'post', 'put', 'patch', 'delete']) {
    if (item[method])
      operations.push({ method, template, regex, operation: item[method] });
  }
}

const validators = new Map<string, ValidateFunction>();
const pointer = (...parts: string[]) =>
  parts.map(p => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

function validatorFor(
  method: string,
  template: string,
  status: number,
  responses: Record<string, any>,
) {
  const code = responses[String(status)] ? String(status) : 'default';
  const key = `${method} ${template} ${code}`;
  let validate = validators.get(key);
  if (!validate) {
    let response = responses[code];
    let ref = `llm-ops-spec#/${pointer(
      'paths',
      template,
      method,
      'responses',
      code,
      'content',
      'application/json',
      'schema',
    )}`;
    if (response?.$ref) {
      const name = response.$ref.split('/').pop();
      response = (spec as any).components.responses[name];
      ref = `llm-ops-spec#/${pointer(
        'components',
        'responses',
        name,
        'content',
        'application/json',
        'schema',
      )}`;
    }
    if (!response?.content?.['application/json']?.schema) {
      throw new Error(`openapi.yaml documents no JSON body for ${key}`);
    }
    validate = ajv.compile({ $ref: ref });
    validators.set(key, validate);
  }
  return validate;
}

/** Throws when a response does not match the spec for its request. */
export function assertMatchesSpec(
  method: string,
  url: string,
  status: number,
  body: unknown,
) {
  const path = url
    .split('?')[0]
    .replace(/^\/api\/llm-ops/, '')
    .replace(/^\/llm-ops/, '');
  if (path === '/v1/openapi.json') return;
  const match = operations.find(o => o.method === method && o.regex.test(path));
  if (!match) {
    if (status === 404 || status === 401) return; // unknown routes: nothing to check against
    throw new Error(`${method.toUpperCase()} ${path} is not in openapi.yaml`);
  }
  const validate = validatorFor(
    method,
    match.template,
    status,
    match.operation.responses,
  );
  if (!validate(body)) {
    throw new Error(
      `Response ${status} of ${method.toUpperCase()} ${path} violates openapi.yaml: ${ajv.errorsText(
        validate.errors,
      )}\n${JSON.stringify(body, null, 2)}`,
    );
  }
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * supertest against the llm-ops API with a user token by default; every answer is checked
 * against the spec before the test sees it.
 */
export function specCheckedClient(
  server: Server,
  authorization = mockCredentials.user.header(),
) {
  const call = async (
    method: Method,
    url: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ) => {
    let req = request(server)[method](url).set('Authorization', authorization);
    for (const [k, v] of Object.entries(headers)) req = req.set(k, v);
    const res = body === undefined ? await req : await req.send(body as object);
    assertMatchesSpec(method, url, res.status, res.body);
    return res;
  };
  return {
    get: (url: string, headers?: Record<string, string>) =>
      call('get', url, undefined, headers),
    post: (url: string, body?: unknown, headers?: Record<string, string>) =>
      call('post', url, body ?? {}, headers),
    put: (url: string, body?: unknown, headers?: Record<string, string>) =>
      call('put', url, body ?? {}, headers),
    patch: (url: string, body?: unknown, headers?: Record<string, string>) =>
      call('patch', url, body ?? {}, headers),
    delete: (url: string, headers?: Record<string, string>) =>
      call('delete', url, undefined, headers),
  };
}

export type SpecCheckedClient = ReturnType<typeof specCheckedClient>;
