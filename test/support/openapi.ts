import { execFileSync } from 'node:child_process';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { openApiDocument } from '../../src/rest/openapi/document';
import { REST_ROUTES } from '../../src/rest/routes';

/**
 * Validates a document against the official OpenAPI schema with @seriousme/openapi-schema-validator.
 * That package is ESM-only (import.meta): it runs in a child Node process, not inside jest.
 */
export function validateOpenApi(doc: unknown): { valid: boolean; version?: string; errors?: unknown } {
  const script = `
    import { Validator } from '@seriousme/openapi-schema-validator';
    let input = '';
    for await (const chunk of process.stdin) input += chunk;
    const v = new Validator();
    const res = await v.validate(JSON.parse(input));
    process.stdout.write(JSON.stringify({ valid: res.valid, version: v.version, errors: res.errors }));
  `;
  const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], {
    input: JSON.stringify(doc),
    cwd: `${__dirname}/../..`,
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

const pointer = (s: string): string => s.replace(/~/g, '~0').replace(/\//g, '~1');

/**
 * Checks REST answers against the document's response schemas, so the document and the
 * handlers cannot drift apart: `expectMatchesSchema('PUT', '/user/users/{id}/membership', res)`
 * throws with Ajv's errors when the body does not fit the schema of that operation and status.
 */
export class ResponseChecker {
  private readonly ajv = new Ajv2020({ strict: false, allErrors: true });
  private readonly doc = openApiDocument(REST_ROUTES) as { paths: Record<string, Record<string, any>> };

  constructor() {
    addFormats(this.ajv);
    this.ajv.addSchema(this.doc, 'openapi');
  }

  check(method: string, pathTemplate: string, res: { status: number; body: unknown; headers: Headers }): void {
    const op = this.doc.paths[pathTemplate]?.[method.toLowerCase()];
    if (!op) {
      throw new Error(`The OpenAPI document has no operation ${method} ${pathTemplate}`);
    }
    const status = String(res.status);
    let response = op.responses[status];
    if (!response) {
      throw new Error(`${method} ${pathTemplate} answered ${status}, which the document does not list`);
    }
    let responsePointer = `#/paths/${pointer(pathTemplate)}/${method.toLowerCase()}/responses/${status}`;
    if (response.$ref) {
      responsePointer = response.$ref;
      response = this.doc as any;
      for (const part of responsePointer.slice(2).split('/')) {
        response = response[part];
      }
    }
    if (!response.content) {
      if (res.body !== undefined) {
        throw new Error(`${method} ${pathTemplate} ${status} has no body in the document but answered one`);
      }
      return;
    }
    const type = (res.headers.get('content-type') ?? '').split(';')[0].trim();
    if (!response.content[type]) {
      throw new Error(
        `${method} ${pathTemplate} ${status} answered ${type}, the document lists ${Object.keys(response.content).join(', ')}`,
      );
    }
    if (type !== 'application/json') {
      return;
    }
    const validate = this.ajv.getSchema(`openapi${responsePointer}/content/application~1json/schema`);
    if (!validate) {
      throw new Error(`no schema at ${responsePointer}`);
    }
    if (!validate(res.body)) {
      throw new Error(
        `${method} ${pathTemplate} ${status}: the body does not match the document: ${this.ajv.errorsText(validate.errors)}\n${JSON.stringify(res.body).slice(0, 2000)}`,
      );
    }
  }
}
