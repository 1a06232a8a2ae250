#!/usr/bin/env node
// schemaguard's Sequelize exporter: load an app's models with the app's own `sequelize` package and
// print, as one JSON document on stdout, what each model declares for a target dialect.
//
//   node export.js <models entry file> <target dialect: sqlite|postgres|mysql|mariadb>
//
// Nothing here connects to a database: every method that would (query, authenticate, sync, drop,
// the connection manager's getConnection) is replaced before the models are loaded, and the target
// dialect's instance gets a stub driver, so neither a server nor the driver package is needed.
// Whatever the models print goes to stderr; stdout carries only the document. Errors are written as
// {"error": {"kind", "message", "stack"}} with exit status 3, so the caller never parses a Node stack.
"use strict";

const fs = require("fs");
const path = require("path");
const url = require("url");

const FORMAT = 1;
const realStdoutWrite = process.stdout.write.bind(process.stdout);

function emit(doc, status) {
  realStdoutWrite(JSON.stringify(doc) + "\n", () => process.exit(status));
}

function fail(kind, message, err, extra) {
  emit({ error: { kind, message: String(message), stack: err && err.stack ? String(err.stack) : null, ...extra } }, 3);
}

// The models' own output must not corrupt the document.
process.stdout.write = process.stderr.write.bind(process.stderr);
for (const name of ["log", "info", "debug", "dir", "table"]) {
  console[name] = (...args) => process.stderr.write(require("util").format(...args) + "\n");
}

const [entryArg, dialectArg] = process.argv.slice(2);
if (!entryArg || !dialectArg) {
  fail("usage", "usage: node export.js <models entry file> <sqlite|postgres|mysql|mariadb>");
  return;
}
const entry = path.resolve(entryArg);
const targetDialect = { postgresql: "postgres", pg: "postgres" }[dialectArg] || dialectArg;

if (!fs.existsSync(entry)) {
  fail("entry_missing", `models file ${entryArg} does not exist`);
  return;
}

// --- The app's own sequelize ------------------------------------------------------------------
let sequelizePath;
try {
  sequelizePath = require.resolve("sequelize", { paths: [path.dirname(entry)] });
} catch (err) {
  fail("sequelize_missing", `cannot find the sequelize package from ${path.dirname(entry)}`, err);
  return;
}
const sequelizeDir = packageRoot(sequelizePath);
let SequelizePkg;
try {
  SequelizePkg = require(sequelizePath);
} catch (err) {
  fail("sequelize_broken", `the app's sequelize package (${sequelizeDir}) cannot be loaded: ${err.message}`, err);
  return;
}
const Sequelize = SequelizePkg.Sequelize || SequelizePkg;
const Model = SequelizePkg.Model || Sequelize.Model;
const DataTypes = SequelizePkg.DataTypes || Sequelize.DataTypes;
const version = readVersion(sequelizeDir);
if (!Model || !DataTypes || typeof Sequelize !== "function") {
  fail("sequelize_unsupported", `the package at ${sequelizeDir} does not look like Sequelize (version ${version})`);
  return;
}
if (!/^[56]\./.test(version)) {
  fail("sequelize_unsupported", `Sequelize ${version} is not supported (schemaguard reads Sequelize 5 and 6)`);
  return;
}

function packageRoot(file) {
  let dir = path.dirname(file);
  while (dir !== path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, "package.json")) && path.basename(dir) === "sequelize") return dir;
    dir = path.dirname(dir);
  }
  return path.dirname(path.dirname(file));
}

function readVersion(dir) {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8")).version || "unknown";
  } catch (err) {
    return "unknown";
  }
}

// --- Never connect --------------------------------------------------------------------------
// Calls that would reach a database resolve to nothing (so that a models file awaiting them still
// loads) and say so on stderr; a query that slips through anyway fails without a connection.
const skipped = [];
function noConnect(owner, name, result) {
  if (!owner || typeof owner[name] !== "function") return;
  owner[name] = async function () {
    skipped.push(name);
    process.stderr.write(`schemaguard: skipped ${name}() while reading the models (no database connection)\n`);
    return result === "this" ? this : result;
  };
}
noConnect(Sequelize.prototype, "authenticate");
noConnect(Sequelize.prototype, "sync", "this");
noConnect(Sequelize.prototype, "drop");
noConnect(Sequelize.prototype, "query", []);
noConnect(Sequelize.prototype, "transaction");
noConnect(Sequelize.prototype, "close");
noConnect(Model, "sync", "this");
noConnect(Model, "drop");
try {
  const AbstractConnectionManager = require(path.join(sequelizeDir, "lib/dialects/abstract/connection-manager"));
  AbstractConnectionManager.prototype.getConnection = async function () {
    throw new Error("schemaguard's exporter never connects to a database");
  };
} catch (err) {
  // Another layout of the package: the replaced methods above are the guard.
}

// --- Where each model is defined -------------------------------------------------------------
const definedAt = new WeakMap();
const associatedAt = new Map(); // "Model.attribute" -> {file, line} of the association call

function callerOutsideSequelize() {
  const saved = Error.prepareStackTrace;
  const savedLimit = Error.stackTraceLimit;
  Error.stackTraceLimit = 60;
  Error.prepareStackTrace = (_e, frames) => frames;
  const holder = {};
  Error.captureStackTrace(holder, callerOutsideSequelize);
  const frames = holder.stack;
  Error.prepareStackTrace = saved;
  Error.stackTraceLimit = savedLimit;
  if (!Array.isArray(frames)) return null;
  for (const frame of frames) {
    let file = frame.getFileName && frame.getFileName();
    if (!file) continue;
    if (file.startsWith("file://")) file = url.fileURLToPath(file);
    if (file === __filename || file.startsWith(sequelizeDir + path.sep) || file.startsWith("node:")) continue;
    if (!path.isAbsolute(file)) continue;
    return { file, line: frame.getLineNumber() };
  }
  return null;
}

const originalInit = Model.init;
Model.init = function (...args) {
  const where = callerOutsideSequelize();
  const result = originalInit.apply(this, args);
  if (where) definedAt.set(this, where);
  return result;
};

// --- Load the entry ----------------------------------------------------------------------------
function isInstance(obj) {
  return !!obj && typeof obj === "object" && typeof obj.define === "function" && typeof obj.getQueryInterface === "function" && obj.models && typeof obj.models === "object";
}

function stubDriver() {
  // Enough of a driver for a Sequelize instance to be constructed: it is never asked to connect.
  const types = { getTypeParser: () => (v) => v, setTypeParser: () => {}, arrayParser: { create: () => ({ parse: () => [] }) }, builtins: {} };
  const fn = function () {
    throw new Error("schemaguard's exporter never connects to a database");
  };
  return Object.assign(fn, { types, native: null, Database: fn, Client: fn, Pool: fn, OPEN_READWRITE: 2, OPEN_CREATE: 4, verbose: () => fn });
}

function instanceFor(dialect) {
  return new Sequelize({ dialect, dialectModule: stubDriver(), logging: false, pool: { max: 1, min: 0 } });
}

function runAssociate(models) {
  for (const model of Object.values(models)) {
    if (typeof model.associate === "function") model.associate(models);
  }
}

async function loadEntry() {
  let exported;
  try {
    exported = require(entry);
  } catch (err) {
    if (err && (err.code === "ERR_REQUIRE_ESM" || err.code === "ERR_REQUIRE_ASYNC_MODULE")) {
      exported = await import(url.pathToFileURL(entry).href);
    } else {
      throw err;
    }
  }
  if (exported && typeof exported.then === "function") exported = await exported;
  if (exported && exported.__esModule && exported.default !== undefined) exported = exported.default;
  if (exported && typeof exported === "object" && !isInstance(exported) && exported[Symbol.toStringTag] === "Module") {
    exported = exported.default !== undefined ? exported.default : exported;
  }
  if (isInstance(exported)) return { shape: "instance", sequelize: exported };
  if (exported && typeof exported === "object" && isInstance(exported.sequelize)) {
    return { shape: "models-index", sequelize: exported.sequelize };
  }
  if (typeof exported === "function" && !(exported.prototype instanceof Model)) {
    const instance = instanceFor(targetDialect);
    let result = exported(instance, DataTypes);
    if (result && typeof result.then === "function") result = await result;
    // A model file in sequelize-cli's style defines one model and leaves associating to the index.
    runAssociate(instance.models);
    return { shape: "function", sequelize: instance };
  }
  if (exported && typeof exported === "object") {
    const models = Object.values(exported).filter((v) => typeof v === "function" && v.prototype instanceof Model);
    if (models.length && models[0].sequelize) return { shape: "models", sequelize: models[0].sequelize };
  }
  const what = exported === null ? "null" : Array.isArray(exported) ? "an array" : typeof exported;
  throw Object.assign(new Error(`${entryArg} exports ${what}, not Sequelize models`), { kind: "bad_shape" });
}

// --- Describe the models ------------------------------------------------------------------------
function tableOf(ref, target) {
  // references.model: a table name (verbatim), a model class, or {tableName, schema}.
  if (typeof ref === "string") return { table: ref, schema: null };
  if (typeof ref === "function" && typeof ref.getTableName === "function") {
    const t = ref.getTableName();
    return typeof t === "string" ? { table: t, schema: null } : { table: t.tableName, schema: t.schema || null };
  }
  if (ref && typeof ref === "object") return { table: ref.tableName, schema: ref.schema || null };
  return { table: String(ref), schema: null };
}

function defaultOf(attr, qg) {
  const value = attr.defaultValue;
  if (value === undefined) return null;
  const Utils = require(path.join(sequelizeDir, "lib/utils"));
  const clientName = (v) => {
    for (const name of ["NOW", "UUIDV1", "UUIDV4"]) {
      const T = DataTypes[name];
      if (T && (v === T || v instanceof T)) return name;
    }
    return typeof v === "function" ? "function" : null;
  };
  if (!Utils.defaultValueSchemable(value)) {
    // Sequelize fills these in itself on insert: the column has no default in the database.
    return { kind: "client", name: clientName(value) };
  }
  try {
    return { kind: "sql", sql: String(qg.escape(value, attr)) };
  } catch (err) {
    return { kind: "sql", sql: null, error: err.message };
  }
}

// The abstract DataTypes classes (INTEGER, STRING...), of which each dialect's are subclasses.
const baseTypes = new Set(Object.values(DataTypes).filter((v) => typeof v === "function"));

function forTarget(rawType, app, target) {
  // A model defined on an instance of another dialect holds that dialect's types, and their toSql
  // drops what that dialect lacks (SQLite's: UNSIGNED, TEXT('tiny')) and may clear it from the
  // instance. Sequelize keeps what the model asked for in `options`: build the abstract type from
  // them and let the target dialect specialise it, as its own sync() would.
  if (!rawType || typeof rawType !== "object" || app.getDialect() === target.getDialect()) return rawType;
  // By key: a dialect's INTEGER may extend its own NUMBER rather than the abstract INTEGER.
  let base = baseTypes.has(DataTypes[rawType.key]) ? DataTypes[rawType.key] : rawType.constructor;
  while (base && !baseTypes.has(base)) base = Object.getPrototypeOf(base);
  if (!base || !rawType.options || typeof rawType.options !== "object") return rawType;
  try {
    return target.normalizeDataType(new base(Object.assign({}, rawType.options)));
  } catch (err) {
    return rawType;
  }
}

function typeOf(attr, target) {
  const type = attr.type;
  const key = type && (type.key || (type.constructor && type.constructor.key));
  const out = { key: key || null, sql: null, values: null };
  if (key === "ENUM" && Array.isArray(type.values)) out.values = type.values.map(String);
  if (type && type.type && type.type.key === "ENUM" && Array.isArray(type.type.values)) out.values = type.type.values.map(String);
  // The query generator's escape, as createTable passes it: MySQL's ENUM writes its labels with it.
  const qg = target.getQueryInterface().queryGenerator;
  const options = { dialect: target.getDialect(), escape: qg.escape.bind(qg) };
  try {
    out.sql = typeof type === "string" ? type : String(type.toSql ? type.toSql(options) : type.toString(options));
  } catch (err) {
    try {
      out.sql = String(type.toString());
    } catch (err2) {
      out.sql = null;
    }
  }
  return out;
}

function attributeLines(file, fromLine) {
  // The line of each `name:` after the model's definition, for findings on a column.
  const found = {};
  let lines;
  try {
    lines = fs.readFileSync(file, "utf8").split(/\r?\n/);
  } catch (err) {
    return () => null;
  }
  return (name) => {
    if (name in found) return found[name];
    const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    const re = new RegExp(`^\\s*(['"\`]?)${escaped}\\1\\s*:`);
    for (let i = Math.max(0, fromLine - 1); i < Math.min(lines.length, fromLine + 400); i++) {
      if (re.test(lines[i])) return (found[name] = i + 1);
    }
    return (found[name] = null);
  };
}

function describeModel(model, app, target) {
  const qg = target.getQueryInterface().queryGenerator;
  const tableName = model.getTableName();
  const table = typeof tableName === "string" ? tableName : tableName.tableName;
  const schema = typeof tableName === "string" ? null : tableName.schema || null;
  const where = definedAt.get(model) || null;
  const lineOf = where ? attributeLines(where.file, where.line) : () => null;
  const raw = model.rawAttributes || model.getAttributes();
  const attributes = [];
  const pkCount = Object.values(raw).filter((a) => a.primaryKey).length;
  for (const [name, rawAttr] of Object.entries(raw)) {
    if (rawAttr.type && rawAttr.type.key === "VIRTUAL") continue; // never a column
    const attr = target.normalizeAttribute(Object.assign({}, rawAttr, { type: forTarget(rawAttr.type, app, target) }));
    const field = attr.field || name;
    const ref = attr.references ? tableOf(attr.references.model, target) : null;
    const type = typeOf(attr, target);
    let defaultValue = defaultOf(attr, qg);
    if (target.getDialect() === "sqlite" && attr.primaryKey && pkCount === 1 && /INT/.test(type.sql || "")) {
      // SQLite's query generator writes a lone integer key as `INTEGER PRIMARY KEY [AUTOINCREMENT]`
      // whatever its declared width, and drops its DEFAULT (createTableQuery).
      type.sql = "INTEGER";
      defaultValue = null;
    }
    attributes.push({
      name,
      field,
      type,
      allowNull: attr.allowNull !== false,
      primaryKey: !!attr.primaryKey,
      autoIncrement: !!attr.autoIncrement,
      unique: attr.unique === undefined || attr.unique === false ? false : typeof attr.unique === "object" ? attr.unique.name || true : attr.unique,
      default: defaultValue,
      references: ref ? { model: ref.table, schema: ref.schema, key: attr.references.key || "id" } : null,
      onDelete: attr.references && attr.onDelete ? String(attr.onDelete).toUpperCase() : null,
      onUpdate: attr.references && attr.onUpdate ? String(attr.onUpdate).toUpperCase() : null,
      autoGenerated: !!attr._autoGenerated,
      line: lineOf(name) || (where ? where.line : null),
    });
  }
  const uniqueKeys = [];
  for (const [name, uk] of Object.entries(model.uniqueKeys || {})) {
    uniqueKeys.push({ name, fields: (uk.fields || []).map(String) });
  }
  const indexes = [];
  for (const idx of model._indexes || model.options.indexes || []) {
    const fields = (idx.fields || []).map((f) => (typeof f === "string" ? f : f.name || f.attribute || (f.fn ? null : String(f))));
    indexes.push({
      name: idx.name || null,
      fields: fields.map((f) => (f === null ? null : String(f))),
      // { name, order: "DESC", collate } fields: written into CREATE INDEX after the column.
      orders: (idx.fields || []).map((f) => (f && typeof f === "object" && f.order ? String(f.order) : null)),
      collations: (idx.fields || []).map((f) => (f && typeof f === "object" && f.collate ? String(f.collate) : null)),
      unique: !!(idx.unique || idx.type === "UNIQUE"),
      where: idx.where ? true : false,
      using: idx.using || null,
    });
  }
  const options = model.options || {};
  const ts = model._timestampAttributes || {};
  const fieldOf = (attr) => (attr && raw[attr] ? raw[attr].field || attr : attr || null);
  return {
    name: model.name,
    table,
    schema,
    file: where ? where.file : null,
    line: where ? where.line : null,
    underscored: !!options.underscored,
    timestamps: options.timestamps !== false,
    paranoid: !!options.paranoid,
    timestampFields: { createdAt: fieldOf(ts.createdAt), updatedAt: fieldOf(ts.updatedAt), deletedAt: fieldOf(ts.deletedAt) },
    primaryKey: Object.entries(raw)
      .filter(([, a]) => a.primaryKey)
      .map(([n, a]) => a.field || n),
    attributes,
    uniqueKeys,
    indexes,
  };
}

(async () => {
  let loaded;
  try {
    loaded = await loadEntry();
  } catch (err) {
    const message = err instanceof Error ? `${err.name === "Error" ? "" : err.name + ": "}${err.message}` : String(err);
    // The app's own `new Sequelize(…)` for its database requires that database's driver (mysql2,
    // pg, sqlite3…) at once; describing the models does not need it (the target instance gets a
    // stub), but the app's file cannot be loaded without it.
    const driver = /^Please install (\S+) package manually/.exec(err && err.message ? err.message : "");
    if (driver) {
      fail("driver_missing", message, err, { package: driver[1] });
      return;
    }
    fail(err && err.kind ? err.kind : "models_threw", message, err);
    return;
  }
  let target;
  try {
    target = loaded.sequelize.getDialect() === targetDialect ? loaded.sequelize : instanceFor(targetDialect);
  } catch (err) {
    fail("dialect", `Sequelize ${version} cannot describe models for ${targetDialect}: ${err.message}`, err);
    return;
  }
  const models = Object.values(loaded.sequelize.models);
  const out = [];
  try {
    for (const model of models) out.push(describeModel(model, loaded.sequelize, target));
  } catch (err) {
    fail("describe", `describing the models failed: ${err.message}`, err);
    return;
  }
  emit(
    {
      schemaguard_sequelize: FORMAT,
      sequelize: version,
      sequelize_path: sequelizeDir,
      entry,
      shape: loaded.shape,
      app_dialect: loaded.sequelize.getDialect(),
      dialect: targetDialect,
      skipped,
      models: out,
    },
    0,
  );
})();
