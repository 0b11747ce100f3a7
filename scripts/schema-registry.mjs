#!/usr/bin/env node
// A small schema registry speaking the Confluent Schema Registry REST API (the endpoints that
// @kafkajs/confluent-schema-registry and @confluentinc/schemaregistry call), for Avro schemas.
// Compatibility levels are enforced with avsc resolvers; state is a JSON file on disk.
//
//   node scripts/schema-registry.mjs [--host 127.0.0.1] [--port 8081] [--store .services/schema-registry/store.json]
//
// Not implemented: JSON Schema and Protobuf, schema references, contexts, modes, metadata/rules.
import { randomUUID } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { dirname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import avro from 'avsc';

export const LEVELS = [
  'NONE',
  'BACKWARD',
  'BACKWARD_TRANSITIVE',
  'FORWARD',
  'FORWARD_TRANSITIVE',
  'FULL',
  'FULL_TRANSITIVE',
];
const CONTENT_TYPE = 'application/vnd.schemaregistry.v1+json';

class RegistryError extends Error {
  constructor(status, code, message) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

/** Parses an Avro schema string into an avsc Type; throws a 422 RegistryError when invalid. */
export function parseAvro(schema) {
  try {
    return avro.Type.forSchema(typeof schema === 'string' ? JSON.parse(schema) : schema);
  } catch (err) {
    throw new RegistryError(422, 42201, `Invalid schema: ${err.message}`);
  }
}

/** Can data written with `writer` be read with `reader`? Returns an error message or null. */
function readProblem(reader, writer) {
  try {
    reader.createResolver(writer);
    return null;
  } catch (err) {
    return err.message;
  }
}

/**
 * Checks `candidate` (schema string) against `previous` (schema strings, oldest first) under a
 * compatibility level. BACKWARD: the new schema reads data written with the old one; FORWARD: the
 * old schema reads data written with the new one; FULL: both. Non-transitive levels check only the
 * last of `previous`. Returns `{ compatible, messages }`.
 */
export function checkCompatibility(candidate, previous, level = 'BACKWARD') {
  if (!LEVELS.includes(level)) throw new RegistryError(422, 42203, `Invalid compatibility level ${level}`);
  if (level === 'NONE' || previous.length === 0) return { compatible: true, messages: [] };
  const next = parseAvro(candidate);
  const against = level.endsWith('_TRANSITIVE') ? previous : previous.slice(-1);
  const messages = [];
  for (const old of against) {
    const prev = parseAvro(old);
    if (level.startsWith('BACKWARD') || level.startsWith('FULL')) {
      const p = readProblem(next, prev);
      if (p) messages.push(`BACKWARD: new schema cannot read data written with ${old}: ${p}`);
    }
    if (level.startsWith('FORWARD') || level.startsWith('FULL')) {
      const p = readProblem(prev, next);
      if (p) messages.push(`FORWARD: ${old} cannot read data written with the new schema: ${p}`);
    }
  }
  return { compatible: messages.length === 0, messages };
}

/** The registry state and its operations, persisted to `storePath` (or in memory if omitted). */
export function createRegistry(storePath) {
  let state = { nextId: 1, compatibility: 'BACKWARD', schemas: [], subjects: {} };
  if (storePath) {
    try {
      state = JSON.parse(readFileSync(storePath, 'utf8'));
    } catch (err) {
      if (err.code !== 'ENOENT') throw err;
    }
  }
  const save = () => {
    if (!storePath) return;
    mkdirSync(dirname(storePath), { recursive: true });
    writeFileSync(`${storePath}.tmp`, JSON.stringify(state, null, 1));
    renameSync(`${storePath}.tmp`, storePath);
  };
  const canonical = (schema, schemaType = 'AVRO', references = []) => {
    if (references?.length) throw new RegistryError(422, 42201, 'Schema references are not supported by this registry');
    if (schemaType !== 'AVRO') throw new RegistryError(422, 42201, `Unsupported schema type ${schemaType}: this registry stores AVRO only`);
    if (typeof schema !== 'string') throw new RegistryError(422, 42201, 'Invalid schema: "schema" must be a string');
    parseAvro(schema);
    return JSON.stringify(JSON.parse(schema));
  };
  const subjectOf = (name, { deleted = false } = {}) => {
    const s = state.subjects[name];
    const live = s ? s.versions.filter((v) => deleted || !v.deleted) : [];
    if (!s || live.length === 0) throw new RegistryError(404, 40401, `Subject '${name}' not found.`);
    return { s, live };
  };
  const byId = (id) => {
    const found = state.schemas.find((x) => x.id === Number(id));
    if (!found) throw new RegistryError(404, 40403, `Schema ${id} not found`);
    return found;
  };
  const versionOf = (name, version, opts) => {
    const { live } = subjectOf(name, opts);
    if (version === 'latest' || version === '-1') return live[live.length - 1];
    if (!/^\d+$/.test(String(version)) || Number(version) < 1) {
      throw new RegistryError(422, 42202, `The specified version '${version}' is not a valid version id.`);
    }
    const v = live.find((x) => x.version === Number(version));
    if (!v) throw new RegistryError(404, 40402, `Version ${version} not found.`);
    return v;
  };
  const levelOf = (name) => state.subjects[name]?.compatibility ?? state.compatibility;
  const view = (name, v) => ({ subject: name, version: v.version, id: v.id, guid: byId(v.id).guid, schema: byId(v.id).schema });

  return {
    register(name, { schema, schemaType, references } = {}) {
      const text = canonical(schema, schemaType, references);
      const existing = state.schemas.find((x) => x.schema === text);
      const s = (state.subjects[name] ??= { versions: [] });
      const live = s.versions.filter((v) => !v.deleted);
      const same = existing && live.find((v) => v.id === existing.id);
      if (same) return { id: same.id, version: same.version, guid: existing.guid };
      const level = levelOf(name);
      const result = checkCompatibility(text, live.map((v) => byId(v.id).schema), level);
      if (!result.compatible) {
        throw new RegistryError(
          409,
          409,
          `Schema being registered is incompatible with an earlier schema for subject "${name}", details: [${result.messages.join('; ')}] (compatibility ${level})`,
        );
      }
      const entry = existing ?? { id: state.nextId++, guid: randomUUID(), schema: text };
      if (!existing) state.schemas.push(entry);
      const version = Math.max(0, ...s.versions.map((v) => v.version)) + 1;
      s.versions.push({ version, id: entry.id });
      save();
      return { id: entry.id, version, guid: entry.guid };
    },
    lookup(name, { schema, schemaType, references } = {}, deleted = false) {
      const text = canonical(schema, schemaType, references);
      const { live } = subjectOf(name, { deleted });
      const v = live.find((x) => byId(x.id).schema === text);
      if (!v) throw new RegistryError(404, 40403, 'Schema not found');
      return view(name, v);
    },
    schemaById: (id) => ({ schema: byId(id).schema, guid: byId(id).guid }),
    schemaByGuid(guid) {
      const found = state.schemas.find((x) => x.guid === guid);
      if (!found) throw new RegistryError(404, 40403, `Schema ${guid} not found`);
      return { schema: found.schema, id: found.id };
    },
    subjects: (deleted = false) => Object.keys(state.subjects).filter((n) => state.subjects[n].versions.some((v) => deleted || !v.deleted)),
    versions: (name, deleted = false) => subjectOf(name, { deleted }).live.map((v) => v.version),
    version: (name, version, deleted = false) => view(name, versionOf(name, version, { deleted })),
    deleteSubject(name, permanent = false) {
      const { s, live } = subjectOf(name, { deleted: permanent });
      if (permanent) delete state.subjects[name];
      else for (const v of live) v.deleted = true;
      if (!permanent && s.compatibility) delete s.compatibility;
      save();
      return live.map((v) => v.version);
    },
    deleteVersion(name, version, permanent = false) {
      const v = versionOf(name, version, { deleted: permanent });
      const s = state.subjects[name];
      if (permanent) s.versions = s.versions.filter((x) => x !== v);
      else v.deleted = true;
      save();
      return v.version;
    },
    getConfig(name) {
      if (name === undefined) return { compatibilityLevel: state.compatibility };
      const level = state.subjects[name]?.compatibility;
      if (!level) throw new RegistryError(404, 40408, `Subject '${name}' does not have subject-level compatibility configured`);
      return { compatibilityLevel: level };
    },
    setConfig(name, level) {
      if (!LEVELS.includes(level)) throw new RegistryError(422, 42203, `Invalid compatibility level ${level}`);
      if (name === undefined) state.compatibility = level;
      else (state.subjects[name] ??= { versions: [] }).compatibility = level;
      save();
      return { compatibility: level };
    },
    deleteConfig(name) {
      const level = this.getConfig(name).compatibilityLevel;
      delete state.subjects[name].compatibility;
      save();
      return { compatibilityLevel: level };
    },
    testCompatibility(name, version, { schema, schemaType, references } = {}) {
      const text = canonical(schema, schemaType, references);
      const level = levelOf(name);
      const previous =
        version === undefined
          ? subjectOf(name).live.map((v) => byId(v.id).schema)
          : [byId(versionOf(name, version).id).schema];
      const base = version === undefined ? level : level.replace('_TRANSITIVE', '');
      const { compatible, messages } = checkCompatibility(text, previous, base);
      return { is_compatible: compatible, messages };
    },
  };
}

/** Routes one request to the registry; returns [status, body]. */
function route(reg, method, path, query, body) {
  const seg = path.split('/').filter(Boolean).map(decodeURIComponent);
  const flag = (k) => query.get(k) === 'true';
  const [a, b, c, d, e] = seg;
  const n = seg.length;
  if (n === 0) return [200, {}];
  if (a === 'schemas' && b === 'types' && n === 2) return [200, ['AVRO']];
  if (a === 'schemas' && b === 'ids' && n === 3 && method === 'GET') return [200, { schema: reg.schemaById(c).schema }];
  if (a === 'schemas' && b === 'ids' && d === 'schema' && n === 4) return [200, JSON.parse(reg.schemaById(c).schema)];
  if (a === 'schemas' && b === 'ids' && d === 'subjects' && n === 4) {
    return [200, reg.subjects().filter((s) => reg.versions(s).some((v) => reg.version(s, v).id === Number(c)))];
  }
  if (a === 'schemas' && b === 'guids' && n === 3) return [200, { schema: reg.schemaByGuid(c).schema }];
  if (a === 'subjects') {
    if (n === 1 && method === 'GET') return [200, reg.subjects(flag('deleted'))];
    if (n === 2 && method === 'POST') return [200, reg.lookup(b, body, flag('deleted'))];
    if (n === 2 && method === 'DELETE') return [200, reg.deleteSubject(b, flag('permanent'))];
    if (n === 3 && c === 'versions' && method === 'GET') return [200, reg.versions(b, flag('deleted'))];
    if (n === 3 && c === 'versions' && method === 'POST') {
      const { id, guid } = reg.register(b, body);
      return [200, { id, guid }];
    }
    if (n === 4 && c === 'versions' && method === 'GET') return [200, reg.version(b, d, flag('deleted'))];
    if (n === 4 && c === 'versions' && method === 'DELETE') return [200, reg.deleteVersion(b, d, flag('permanent'))];
    if (n === 5 && c === 'versions' && e === 'schema' && method === 'GET') return [200, JSON.parse(reg.version(b, d).schema)];
  }
  if (a === 'config' && n <= 2) {
    if (method === 'GET') {
      if (b !== undefined && flag('defaultToGlobal')) {
        try {
          return [200, reg.getConfig(b)];
        } catch {
          return [200, reg.getConfig()];
        }
      }
      return [200, reg.getConfig(b)];
    }
    if (method === 'PUT') return [200, reg.setConfig(b, body?.compatibility ?? body?.compatibilityLevel)];
    if (method === 'DELETE' && b !== undefined) return [200, reg.deleteConfig(b)];
  }
  if (a === 'compatibility' && b === 'subjects' && d === 'versions' && method === 'POST' && (n === 4 || n === 5)) {
    const { is_compatible, messages } = reg.testCompatibility(c, e, body);
    return [200, flag('verbose') ? { is_compatible, messages } : { is_compatible }];
  }
  throw new RegistryError(404, 404, `HTTP 404 Not Found: ${method} ${path}`);
}

/** Creates (does not start) the HTTP server. */
export function createRegistryServer(storePath) {
  const reg = createRegistry(storePath);
  return createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      let status;
      let body;
      try {
        const url = new URL(req.url, 'http://localhost');
        const raw = Buffer.concat(chunks).toString('utf8');
        let input;
        try {
          input = raw ? JSON.parse(raw) : undefined;
        } catch {
          throw new RegistryError(422, 42201, 'Invalid JSON body');
        }
        [status, body] = route(reg, req.method, url.pathname, url.searchParams, input);
      } catch (err) {
        if (!(err instanceof RegistryError)) console.error(err);
        status = err instanceof RegistryError ? err.status : 500;
        body = { error_code: err instanceof RegistryError ? err.code : 50001, message: err.message };
      }
      res.writeHead(status, { 'content-type': CONTENT_TYPE });
      res.end(JSON.stringify(body));
    });
  });
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  const arg = (name, fallback) => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : fallback;
  };
  const host = arg('host', '127.0.0.1');
  const port = Number(arg('port', '8081'));
  const store = resolve(arg('store', '.services/schema-registry/store.json'));
  const server = createRegistryServer(store);
  server.listen(port, host, () => console.log(`schema registry listening on http://${host}:${port} (store ${store})`));
  for (const sig of ['SIGTERM', 'SIGINT']) process.on(sig, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
