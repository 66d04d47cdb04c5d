import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

/**
 * No Docker engine runs here, so the deployment files are checked by reading them: the structure a three-node
 * EventStoreDB cluster needs (per the EventStoreDB 24.10 docs) and an API image that runs unprivileged.
 */

const root = join(__dirname, '..', '..');
const compose = parse(readFileSync(join(root, 'docker', 'docker-compose.yml'), 'utf8'), { merge: true }) as Compose;
const dockerfile = readFileSync(join(root, 'docker', 'Dockerfile'), 'utf8');

type Service = {
  image?: string;
  build?: { context?: string; dockerfile?: string };
  environment?: Record<string, unknown> | string[];
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: { test?: unknown };
  volumes?: (string | { source?: string; target?: string })[];
};
type Compose = { services: Record<string, Service>; volumes?: Record<string, unknown> };

const environmentOf = (service: Service): Record<string, string> => {
  const raw = service.environment ?? {};
  const pairs = Array.isArray(raw)
    ? raw.map((entry) => entry.split(/=(.*)/s).slice(0, 2) as [string, string])
    : Object.entries(raw).map(([key, value]) => [key, String(value)] as [string, string]);
  return Object.fromEntries(pairs);
};

const volumeMounts = (service: Service): { source: string; target: string }[] =>
  (service.volumes ?? []).map((volume) => {
    if (typeof volume !== 'string') return { source: volume.source ?? '', target: volume.target ?? '' };
    const [source, target] = volume.split(':');
    return { source, target };
  });

const isEventStoreImage = (image: string | undefined) => !!image && /eventstore|kurrent/i.test(image.split(':')[0]);
const nodes = Object.entries(compose.services).filter(([, service]) => isEventStoreImage(service.image));
const nodeNames = nodes.map(([name]) => name);

describe('docker-compose.yml: a three-node EventStoreDB cluster', () => {
  it('has three EventStoreDB nodes on one image pinned to a release', () => {
    expect(nodes).toHaveLength(3);
    const images = new Set(nodes.map(([, service]) => service.image));
    expect(images.size).toBe(1);
    const [image] = [...images] as string[];
    const tag = image.slice(image.lastIndexOf(':') + 1);
    expect(image).toContain(':');
    expect(tag).not.toBe('latest');
    expect(tag).toMatch(/^\d+\.\d+\.\d+/);
  });

  it.each(nodeNames)('%s: cluster size 3, insecure, projections off, gossip seeds naming the two other nodes', (name) => {
    const env = environmentOf(compose.services[name]);
    expect(env.EVENTSTORE_CLUSTER_SIZE).toBe('3');
    expect(env.EVENTSTORE_INSECURE).toBe('true');
    expect(env.EVENTSTORE_RUN_PROJECTIONS).toBe('None');
    expect(env.EVENTSTORE_DISCOVER_VIA_DNS).toBe('false');
    const seeds = (env.EVENTSTORE_GOSSIP_SEED ?? '').split(',').map((seed) => seed.trim());
    expect(seeds.sort()).toEqual(nodeNames.filter((other) => other !== name).map((other) => `${other}:2113`).sort());
    expect(env.EVENTSTORE_NODE_HOST_ADVERTISE_AS).toBe(name);
    expect(env.EVENTSTORE_REPLICATION_HOST_ADVERTISE_AS).toBe(name);
  });

  it('pins the newest 24.10 LTS patch release known (24.10.14)', () => {
    const tag = nodes[0][1].image!.split(':').pop()!;
    const [, patch] = /^24\.10\.(\d+)$/.exec(tag) ?? [];
    expect(patch).toBeDefined();
    expect(Number(patch)).toBeGreaterThanOrEqual(14);
  });

  it.each(nodeNames)('%s: healthy only in a cluster with an elected leader (/info state leader or follower)', (name) => {
    const command = JSON.stringify(compose.services[name].healthcheck?.test);
    expect(command).toContain('http://localhost:2113/info');
    // The health check's own pattern, against /info bodies as EventStoreDB 24.10 writes them (indented camelCase JSON).
    const [, pattern] = /grep -Eq '([^']+)'/.exec(JSON.parse(command)[1] as string) ?? [];
    const info = (state: string) => JSON.stringify({ esVersion: '24.10.14', state, features: {} }, null, 2);
    const healthy = (state: string) => new RegExp(pattern).test(info(state));
    expect(['leader', 'follower'].filter(healthy)).toEqual(['leader', 'follower']);
    expect(['unknown', 'discoverleader', 'preleader', 'prereplica', 'catchingup', 'clone', 'shuttingdown'].filter(healthy)).toEqual([]);
  });

  it.each(nodeNames)('%s: a health check on /health/live and a volume of its own for the data', (name) => {
    const service = compose.services[name];
    expect(JSON.stringify(service.healthcheck?.test)).toContain('/health/live');
    const data = volumeMounts(service).find((mount) => mount.target === '/var/lib/eventstore');
    expect(data).toBeDefined();
    expect(Object.keys(compose.volumes ?? {})).toContain(data!.source);
    const sources = nodeNames.map((other) => volumeMounts(compose.services[other]).find((m) => m.target === '/var/lib/eventstore')!.source);
    expect(new Set(sources).size).toBe(3);
  });
});

describe('docker-compose.yml: the API', () => {
  const api = compose.services.api;

  it('is built from docker/Dockerfile with the repository as context', () => {
    expect(api.build).toEqual(expect.objectContaining({ context: '..', dockerfile: 'docker/Dockerfile' }));
  });

  it('connects to all three nodes without TLS, as gossip seeds', () => {
    const env = environmentOf(api);
    const [, hosts, query] = /^esdb:\/\/([^/?]+)\/?\?(.*)$/.exec(env.EVENTSTORE_CONNECTION_STRING) ?? [];
    expect(hosts.split(',').sort()).toEqual(nodeNames.map((name) => `${name}:2113`).sort());
    expect(new URLSearchParams(query).get('tls')).toBe('false');
    expect(env.PORT).toBe('3000');
    expect(env.DATA_DIR).toBe('/data');
    expect(volumeMounts(api).some((mount) => mount.target === '/data')).toBe(true);
  });

  it('starts once every node is healthy', () => {
    const dependsOn = api.depends_on as Record<string, { condition?: string }>;
    for (const name of nodeNames) expect(dependsOn[name]?.condition).toBe('service_healthy');
  });
});

describe('Dockerfile', () => {
  const instructions = dockerfile
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const of = (keyword: string) => instructions.filter((line) => line.toUpperCase().startsWith(`${keyword} `));

  it('is a multi-stage build on pinned Node 20 images', () => {
    const froms = of('FROM');
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) expect(from).toMatch(/^FROM node:20[\w.-]*(\s+AS\s+\w+)?$/i);
    expect(froms.some((from) => /AS build$/i.test(from))).toBe(true);
    expect(of('COPY').some((line) => line.includes('--from=build'))).toBe(true);
  });

  it('installs with npm ci, builds, and keeps production dependencies only', () => {
    const runs = of('RUN').join('\n');
    expect(runs).toContain('npm ci');
    expect(runs).toContain('npm run build');
    expect(runs).toMatch(/npm (prune|ci) --omit=dev/);
  });

  it('runs as a non-root user, with a health check on /health, PORT=3000 and DATA_DIR=/data', () => {
    const users = of('USER');
    expect(users.length).toBeGreaterThan(0);
    const user = users[users.length - 1].split(/\s+/)[1];
    expect(['root', '0', '0:0']).not.toContain(user);
    expect(of('HEALTHCHECK').join(' ')).toContain('/health');
    const env = of('ENV').join(' ');
    expect(env).toMatch(/PORT=3000/);
    expect(env).toMatch(/DATA_DIR=\/data/);
    expect(of('CMD').join(' ')).toContain('dist/apps/api/src/main.js');
  });
});
