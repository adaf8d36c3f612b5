import { describe, expect, it } from 'vitest';
import { resolveClusterConfig } from '../../src/cluster/cluster-config.js';

const flags = { nats: 'nats://127.0.0.1:4222,nats://127.0.0.1:4223', node: 'node-a' };

describe('the cluster settings', () => {
  it('[CLUSTER-14] reads the leftover grace from TRUINLAG_LEFTOVER_MS (default 10 minutes) and refuses nonsense', () => {
    expect(resolveClusterConfig(flags, {})).toEqual({
      servers: ['nats://127.0.0.1:4222', 'nats://127.0.0.1:4223'],
      node: 'node-a',
      leaseMs: 5_000,
      replicas: 2,
      leftoverGraceMs: 600_000,
      ownership: 'parts',
    });
    expect(resolveClusterConfig(flags, { TRUINLAG_LEFTOVER_MS: '2000' }).leftoverGraceMs).toBe(2_000);
    expect(() => resolveClusterConfig(flags, { TRUINLAG_LEFTOVER_MS: 'soon' })).toThrow(/LEFTOVER_MS/);
    expect(() => resolveClusterConfig(flags, { TRUINLAG_LEFTOVER_MS: '999' })).toThrow(/LEFTOVER_MS/);
  });

  it('[CLUSTER-22] owns the parts apart unless --ownership (or TRUINLAG_OWNERSHIP) says engine', () => {
    expect(resolveClusterConfig(flags, {}).ownership).toBe('parts');
    expect(resolveClusterConfig({ ...flags, ownership: 'engine' }, {}).ownership).toBe('engine');
    expect(resolveClusterConfig(flags, { TRUINLAG_OWNERSHIP: 'engine' }).ownership).toBe('engine');
    expect(
      resolveClusterConfig({ ...flags, ownership: 'parts' }, { TRUINLAG_OWNERSHIP: 'engine' }).ownership,
    ).toBe('parts');
    expect(() => resolveClusterConfig({ ...flags, ownership: 'sessions' }, {})).toThrow(/--ownership/);
  });
});
