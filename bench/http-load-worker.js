'use strict';
/**
 * The load generator for the HTTP figures, run in a worker thread so it has a core of its own and never shares the
 * server's event loop. Plain JavaScript on purpose: a worker cannot load TypeScript under jest or from the build.
 *
 * workerData: { url, connections, durationSec, kind: 'trivial' | 'commands' | 'queries', tag, keys, chips, overallRate?, amount? }
 * With amount (closed loop only): exactly that many requests, however long they take, instead of durationSec.
 * Without overallRate, autocannon: every connection sends its next request as soon as the last is answered (closed
 * loop, the server saturated). With it, requests start at evenly spaced times, overallRate a second, over a pool of
 * `connections` keep-alive sockets (open loop): latency at that load. (autocannon's own rate limit sends each
 * connection's quota for the second in a burst, which measures a saturated server half of each second.)
 * - trivial:  GET /catalogue/accelerators (public, static)
 * - commands: alternately a new chip manufactured (unique id per request) and a location attestation of an installed
 *             chip by the operator of its datacenter (a different chip each time): every request a valid, distinct command
 * - queries:  GET /assets/:id of installed chips, round-robin, as an investigator
 * Posts back { result } (autocannon's result, trimmed) or { error }.
 */
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const autocannon = require('autocannon');

const { url, connections, durationSec, kind, tag, keys, chips, overallRate, amount } = workerData;
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
const summary = () => {
  const sorted = Float64Array.from(latencies).sort();
  const sum = latencies.reduce((x, y) => x + y, 0);
  return { p50: percentile(sorted, 50), p99: percentile(sorted, 99), average: sum / (latencies.length || 1), max: sorted[sorted.length - 1] || 0 };
};

const closedLoop = () => {
  const length = amount ? { amount } : { duration: durationSec };
  const instance = autocannon({ url, connections, ...length, requests }, (error, result) => {
    if (error) {
      parentPort.postMessage({ error: String((error && error.stack) || error) });
      return;
    }
    parentPort.postMessage({
      result: {
        duration: result.duration, ok: result['2xx'], non2xx: result.non2xx, errors: result.errors, timeouts: result.timeouts,
        statusCodeStats: result.statusCodeStats, latency: summary(),
      },
    });
  });
  instance.on('response', (_client, _statusCode, _bytes, responseTime) => {
    // A long run (amount) would keep millions of samples: every 16th is as good a percentile estimate there.
    if (!amount || latencies.length < 100_000 || Math.random() < 1 / 16) latencies.push(responseTime);
  });
};

const openLoop = () => {
  const target = new URL(url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const spec = requests[0];
  const intervalMs = 1000 / overallRate;
  const durationMs = durationSec * 1000;
  const counts = { ok: 0, non2xx: 0, errors: 0 };
  const statusCodeStats = {};
  let scheduled = 0;
  let outstanding = 0;
  let stopped = false;
  const started = performance.now();
  const finish = () => {
    agent.destroy();
    parentPort.postMessage({
      result: {
        duration: (performance.now() - started) / 1000, ok: counts.ok, non2xx: counts.non2xx, errors: counts.errors, timeouts: 0,
        statusCodeStats, latency: summary(),
      },
    });
  };
  const fire = () => {
    const request = spec.setupRequest ? spec.setupRequest({ method: spec.method, path: spec.path, headers: {} }) : { ...spec, headers: {} };
    const sentAt = performance.now();
    outstanding++;
    const req = http.request({
      host: target.hostname, port: target.port, agent, method: request.method, path: request.path,
      headers: request.body ? { ...request.headers, 'content-length': Buffer.byteLength(request.body) } : request.headers,
    }, (res) => {
      res.resume();
      res.on('end', () => {
        latencies.push(performance.now() - sentAt);
        statusCodeStats[res.statusCode] = { count: (statusCodeStats[res.statusCode] ? statusCodeStats[res.statusCode].count : 0) + 1 };
        if (res.statusCode >= 200 && res.statusCode < 300) counts.ok++;
        else counts.non2xx++;
        if (--outstanding === 0 && stopped) finish();
      });
    });
    req.on('error', () => {
      counts.errors++;
      if (--outstanding === 0 && stopped) finish();
    });
    req.end(request.body);
  };
  const tick = () => {
    const elapsed = performance.now() - started;
    const due = Math.min(Math.floor(elapsed / intervalMs) + 1, Math.floor(durationMs / intervalMs));
    while (scheduled < due) {
      scheduled++;
      fire();
    }
    if (elapsed < durationMs) {
      setTimeout(tick, Math.max(0, Math.min(1, intervalMs - (elapsed % intervalMs))));
    } else {
      stopped = true;
      if (outstanding === 0) finish();
    }
  };
  tick();
};

if (overallRate) openLoop();
else closedLoop();
