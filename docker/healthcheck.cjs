'use strict';
// Container health probe: GET http://127.0.0.1:<port>/healthz, exit 0 on 200, else 1.
// Runs with the image's own node (distroless has no shell and no curl):
//   HEALTHCHECK CMD ["/nodejs/bin/node", "/app/healthcheck.cjs"]
// Port: HEALTHCHECK_PORT if set, else the service's own variable (OPS_HTTP_PORT for ops,
// CHAIN_HTTP_PORT for a chain; GATEWAY_APP says which), else HTTP_PORT, else 8080 — so a port
// changed at `docker run -e …` time is followed.
const app = process.env.GATEWAY_APP || '';
const own = app === 'ops' ? process.env.OPS_HTTP_PORT : process.env.CHAIN_HTTP_PORT;
const port = process.env.HEALTHCHECK_PORT || own || process.env.HTTP_PORT || '8080';
const url = `http://127.0.0.1:${port}/healthz`;

fetch(url, { signal: AbortSignal.timeout(Number(process.env.HEALTHCHECK_TIMEOUT_MS) || 2500) })
  .then((res) => {
    if (res.status === 200) process.exit(0);
    process.stderr.write(`healthcheck: ${url} answered ${res.status}\n`);
    process.exit(1);
  })
  .catch((error) => {
    process.stderr.write(`healthcheck: ${url} failed: ${error && error.message ? error.message : String(error)}\n`);
    process.exit(1);
  });
