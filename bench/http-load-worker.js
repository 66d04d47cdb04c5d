'use strict';
/**
 * The load generator for the HTTP figures, run in a worker thread so it has a core of its own and never shares the
 * server's event loop. Plain JavaScript on purpose: a worker cannot load TypeScript under jest or from the build.
 *
 * workerData: { url, connections, durationSec, kind: 'trivial' | 'commands' | 'queries', tag, keys, chips }
 * - trivial:  GET /catalogue/accelerators (public, static)
 * - commands: alternately a new chip manufactured (unique id per request) and a location attestation of an installed
 *             chip by the operator of its datacenter (a different chip each time): every request a valid, distinct command
 * - queries:  GET /assets/:id of installed chips, round-robin, as an investigator
 * Posts back { result } (autocannon's result, trimmed) or { error }.
 */
const { parentPort, workerData } = require('node:worker_threads');
const autocannon = require('autocannon');

const { url, connections, durationSec, kind, tag, keys, chips } = workerData;
const json = { 'content-type': 'application/json' };
const bearer = (key) => ({ authorization: `Bearer ${key}` });

let counter = 0;
const nextChip = () => chips[counter++ % chips.length];

const requests = {
  trivial: [{ method: 'GET', path: '/catalogue/accelerators' }],
  queries: [{
    method: 'GET',
    setupRequest: (request) => {
      const chip = nextChip();
      request.path = `/assets/${chip.id}`;
      request.headers = bearer(keys.inspector);
      return request;
    },
  }],
  commands: [{
    method: 'POST',
    setupRequest: (request) => {
      const n = counter++;
      if (n % 2 === 0) {
        request.path = '/assets';
        request.headers = { ...json, ...bearer(keys['formosa-semi']) };
        request.body = JSON.stringify({
          assetId: `gpu-${tag}-${n}`, kind: 'chip', model: 'nvidia-h200', serialNumber: `SN-${tag}-${n}`, facilityId: 'tw-assembly',
        });
      } else {
        const chip = chips[(n >> 1) % chips.length];
        request.path = `/assets/${chip.id}/location-attestations`;
        request.headers = { ...json, ...bearer(keys[chip.operator]) };
        request.body = JSON.stringify({ observedFacilityId: chip.facility, method: 'chip-attestation' });
      }
      return request;
    },
  }],
}[kind];

if (!requests) throw new Error(`unknown load kind ${kind}`);

// autocannon's own latency histogram counts whole milliseconds; keep every response time (float ms) instead.
const latencies = [];
const percentile = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length))) - 1] : NaN);

const instance = autocannon({ url, connections, duration: durationSec, requests }, (error, result) => {
  if (error) {
    parentPort.postMessage({ error: String(error && error.stack || error) });
    return;
  }
  parentPort.postMessage({
    result: {
      duration: result.duration,
      ok: result['2xx'],
      non2xx: result.non2xx,
      errors: result.errors,
      timeouts: result.timeouts,
      statusCodeStats: result.statusCodeStats,
      latency: (() => {
        const sorted = Float64Array.from(latencies).sort();
        const sum = latencies.reduce((a, b) => a + b, 0);
        return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), average: sum / (latencies.length || 1), max: sorted[sorted.length - 1] || 0 };
      })(),
    },
  });
});
instance.on('response', (_client, _statusCode, _bytes, responseTime) => {
  latencies.push(responseTime);
});
