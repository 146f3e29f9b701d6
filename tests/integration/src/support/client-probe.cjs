// Preloaded into a service (NODE_OPTIONS="--require <this file>") by kafka-client-loading.int.spec.ts:
// records every Kafka client library the process (or its Kafka thread) asks to load, and writes
// the list to CLIENT_PROBE_DIR/<pid>-<thread>.json when it exits.
const Module = require('node:module');
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { threadId } = require('node:worker_threads');

const LIBRARIES = ['kafkajs', '@platformatic/kafka'];
const loaded = new Set();
const load = Module._load;
Module._load = function probedLoad(request, ...rest) {
  const library = LIBRARIES.find((name) => request === name || request.startsWith(`${name}/`));
  if (library) loaded.add(library);
  return load.call(this, request, ...rest);
};
process.on('exit', () => {
  writeFileSync(join(process.env.CLIENT_PROBE_DIR, `${process.pid}-${threadId}.json`), JSON.stringify([...loaded].sort()));
});
