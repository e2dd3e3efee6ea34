import { describe, expect, it } from 'vitest';
import { perStepErrorTarget } from '../../vote/adaptive-margin.js';
import { buildTaskAdaptive, buildTaskBound, parseBuildRequest } from './build-request.js';

describe('build request: the vote rule', () => {
  it('defaults to plain first-to-ahead-by-k, and names a bad vote or target', () => {
    const request = parseBuildRequest({ requirements: 'A library that counts words.' });
    expect(request).toMatchObject({ vote: 'first-to-ahead-by-k', target: 0.95, k: 3 });
    expect(buildTaskAdaptive(request, 12)).toBeUndefined();
    expect(() => parseBuildRequest({ requirements: 'x', vote: 'majority' })).toThrow(/request\.vote/);
    expect(() => parseBuildRequest({ requirements: 'x', vote: 'adaptive', target: 1 })).toThrow(/request\.target/);
  });

  it('adaptive k splits the build\'s target over the most tasks its depth allows, whatever exists when a task is solved', () => {
    expect(buildTaskBound({ maxDepth: 2 }, 12)).toBe(1728);
    expect(buildTaskBound({ maxDepth: 0 }, 12)).toBe(12);
    const request = parseBuildRequest({ requirements: 'x', vote: 'adaptive', target: 0.9, maxDepth: 1 });
    expect(buildTaskAdaptive(request, 12)).toEqual({ errorTarget: perStepErrorTarget({ target: 0.9, steps: 144 }) });
    // A request recorded before the vote rule existed (no `vote`): plain, as it was built.
    expect(buildTaskAdaptive({ maxDepth: 2 }, 12)).toBeUndefined();
  });
});
