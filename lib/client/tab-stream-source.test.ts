import { describe, expect, it } from 'vitest';
import type { LifecycleSignal } from './lifecycle-signals';
import type { OwnStream } from './stream-source';
import { createTabStreamSource } from './tab-stream-source';
import { createFakeEnv } from './testing/fake-env';
import { roleListener } from './testing/role-listener';

/** One tab, its own stream: the lifecycle stops and restarts it, as the shared source does for a solo tab. */

function fakeStreams() {
  const made: { started: number; stopped: number; checks: string[]; reconnects: string[] }[] = [];
  const create = (): OwnStream => {
    const stream = { started: 0, stopped: 0, checks: [] as string[], reconnects: [] as string[] };
    made.push(stream);
    return {
      start: () => void (stream.started += 1),
      stop: () => void (stream.stopped += 1),
      reconnectNow: (intent) => void stream.reconnects.push(intent.kind),
      checkNow: (reason) => void stream.checks.push(reason),
    };
  };
  return { made, create };
}

const listener = roleListener;

describe('createTabStreamSource', () => {
  it('says solo, runs one stream, and passes reconnects and checks to it', () => {
    const streams = fakeStreams();
    let signal: ((s: LifecycleSignal) => void) | null = null;
    const source = createTabStreamSource({
      connectionEnv: createFakeEnv().env,
      createStream: streams.create,
      watchLifecycle: (on) => ((signal = on), () => (signal = null)),
    });
    const roles: string[] = [];

    source.start(listener(roles));
    source.start(listener(roles)); // a second start does nothing
    source.reconnectNow({ kind: 'user' });
    signal!({ kind: 'check', cause: 'sleep', reason: 'woke from sleep', asleepSince: null });

    expect(roles).toEqual(['solo']);
    expect(streams.made).toHaveLength(1);
    expect(streams.made[0]).toMatchObject({ started: 1, reconnects: ['user'], checks: ['woke from sleep'] });

    source.stop();
    expect(streams.made[0]!.stopped).toBe(1);
    expect(signal).toBeNull();
  });

  it('stops its stream when the page is frozen or cached, and starts a fresh one on wake', () => {
    const streams = fakeStreams();
    let signal!: (s: LifecycleSignal) => void;
    const source = createTabStreamSource({
      connectionEnv: createFakeEnv().env,
      createStream: streams.create,
      watchLifecycle: (on) => ((signal = on), () => {}),
    });
    source.start(listener([]));

    signal({ kind: 'suspend', cause: 'freeze', persisted: false });
    expect(streams.made[0]!.stopped).toBe(1);
    signal({ kind: 'wake', cause: 'resume' });
    expect(streams.made).toHaveLength(2);
    expect(streams.made[1]!.started).toBe(1);

    signal({ kind: 'suspend', cause: 'pagehide', persisted: true });
    signal({ kind: 'wake', cause: 'pageshow' });
    expect(streams.made).toHaveLength(3);
    source.stop();
  });
});
