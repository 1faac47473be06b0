// Validates the OpenAPI document with @apidevtools/swagger-parser (the
// OpenAPI 3.1 schema, then every $ref resolved), and checks what that
// schema cannot: operation ids unique, every path parameter declared, each
// operation's responses in tick's envelope. Usage: node lint.mjs FILE.
// Prints "openapi: N passed, M failed" last.
import fs from 'node:fs';
import SwaggerParser from '@apidevtools/swagger-parser';

const file = process.argv[2];
let passed = 0;
let failed = 0;
function check(name, fn) {
  return Promise.resolve().then(fn).then(() => {
    passed += 1;
    console.log(`ok   ${name}`);
  }, (e) => {
    failed += 1;
    console.log(`FAIL ${name}\n     ${String(e && e.message ? e.message : e).split('\n').slice(0, 20).join('\n     ')}`);
  });
}
function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

const raw = JSON.parse(fs.readFileSync(file, 'utf8'));
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'];
const ops = [];
for (const [p, item] of Object.entries(raw.paths || {})) {
  for (const m of METHODS) if (item[m]) ops.push({ path: p, method: m, op: item[m] });
}

await check('the document is OpenAPI 3.1 and valid (swagger-parser)', async () => {
  assert(/^3\.1\.\d+$/.test(raw.openapi), `openapi is ${raw.openapi}`);
  // validate() changes what it is given: a copy.
  await SwaggerParser.validate(structuredClone(raw));
});

await check('operation ids are unique and every path parameter is declared', () => {
  const seen = new Set();
  const bad = [];
  for (const { path, method, op } of ops) {
    if (!op.operationId || seen.has(op.operationId)) bad.push(`${method} ${path}: operationId ${op.operationId}`);
    seen.add(op.operationId);
    const declared = new Set((op.parameters || []).filter((x) => x.in === 'path').map((x) => x.name));
    for (const [, name] of path.matchAll(/\{([^}]+)\}/g)) {
      if (!declared.has(name)) bad.push(`${method} ${path}: {${name}} not declared`);
    }
  }
  assert(bad.length === 0, bad.join('\n'));
});

await check('every JSON answer is the envelope: Ok for 2xx, Error for 4xx and 5xx', () => {
  const bad = [];
  const schemaOf = (r) => {
    if (r.$ref) r = raw.components.responses[r.$ref.split('/').pop()];
    return r.content && r.content['application/json'] ? r.content['application/json'].schema : null;
  };
  for (const { path, method, op } of ops) {
    const statuses = Object.keys(op.responses);
    if (op['x-tick-responder'] !== 'nginx' && op['x-tick-permission'] !== 'public') {
      for (const s of ['401', '403', '500']) if (!statuses.includes(s)) bad.push(`${method} ${path}: no ${s}`);
    }
    if (op.requestBody) for (const s of ['400', '413', '422']) if (!statuses.includes(s)) bad.push(`${method} ${path}: no ${s}`);
    for (const [status, r] of Object.entries(op.responses)) {
      const s = schemaOf(r);
      if (!s || op['x-tick-responder'] === 'nginx') continue;
      const text = JSON.stringify(s);
      if (/^2/.test(status) && !text.includes('#/components/schemas/Ok')) bad.push(`${method} ${path} ${status}: not Ok`);
      if (/^[45]/.test(status) && !text.includes('#/components/schemas/Error')) bad.push(`${method} ${path} ${status}: not Error`);
    }
  }
  assert(bad.length === 0, bad.join('\n'));
});

await check('every operation says who answers it, what it needs, and the same in its security', () => {
  const bad = [];
  for (const { path, method, op } of ops) {
    const perm = op['x-tick-permission'];
    if (!op['x-tick-responder'] || !perm) bad.push(`${method} ${path}: x-tick-responder or x-tick-permission missing`);
    const sec = op.security;
    if (perm === 'public') {
      if (!Array.isArray(sec) || sec.length !== 0) bad.push(`${method} ${path}: public, but security is not []`);
      continue;
    }
    const token = (sec || []).find((s) => s.apiToken);
    if (!token) bad.push(`${method} ${path}: no apiToken`);
    else if (perm !== 'signed_in' && !(token.apiToken.length === 1 && token.apiToken[0] === perm)) {
      bad.push(`${method} ${path}: apiToken scope ${token.apiToken} for ${perm}`);
    }
    const cookie = (sec || []).find((s) => s.sessionCookie);
    if (!cookie || (method !== 'get') !== Boolean(cookie.csrfHeader)) bad.push(`${method} ${path}: cookie without CSRF on a change, or with it on a read`);
  }
  assert(bad.length === 0, bad.join('\n'));
});

console.log(`openapi: ${passed} passed, ${failed} failed`);
process.exitCode = failed ? 1 : 0;
