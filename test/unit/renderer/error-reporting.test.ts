import { describe, expect, it } from 'vitest';
import { ProblemReporter } from '../../../renderer/src/api/error-reporting';

describe('problem reporter', () => {
  it('keeps catalog keys and raw faults, not sentences, so the banner words them in the language of the moment', () => {
    const reporter = new ProblemReporter();
    reporter.report('shell.problem.window.title', { fault: 'x is undefined' });
    reporter.report('shell.lost.title', { id: 'shell.lost.message' });
    expect(reporter.current().map((p) => [p.title, p.message])).toEqual([
      ['shell.problem.window.title', { fault: 'x is undefined' }],
      ['shell.lost.title', { id: 'shell.lost.message' }],
    ]);
  });

  it('folds identical repeats, keeps different faults apart, and holds at most five', () => {
    const reporter = new ProblemReporter();
    const seen: number[] = [];
    reporter.subscribe((problems) => seen.push(problems.length));
    reporter.report('shell.problem.window.title', { fault: 'a' });
    reporter.report('shell.problem.window.title', { fault: 'a' });
    reporter.report('shell.problem.window.title', { fault: 'b' });
    expect(reporter.current()).toHaveLength(2);
    for (const f of ['c', 'd', 'e', 'f']) reporter.report('shell.problem.window.title', { fault: f });
    expect(reporter.current().map((p) => (p.message as { fault: string }).fault)).toEqual(['b', 'c', 'd', 'e', 'f']);
    reporter.dismiss(reporter.current()[0].id);
    expect(reporter.current()).toHaveLength(4);
    expect(seen).toEqual([1, 2, 3, 4, 5, 5, 4]);
  });
});
