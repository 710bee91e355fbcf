// --since of the operations commands (outbound status, uploads): a span back
// from now or a UTC date or time; anything else is a usage error naming the
// forms (commander turns InvalidArgumentError into exit 2 with the flag).
import { expect } from 'chai';
import { InvalidArgumentError } from 'commander';
import { sinceTime, sinceValue } from '../../cli/flag-values.js';

describe('--since values', () => {
  const now = new Date('2026-12-07T10:00:00Z');
  const at = (v: string) => sinceTime(sinceValue(v), now).toISOString();

  it('counts a span back from now', () => {
    expect(at('90s')).to.equal('2026-12-07T09:58:30.000Z');
    expect(at('30m')).to.equal('2026-12-07T09:30:00.000Z');
    expect(at('6h')).to.equal('2026-12-07T04:00:00.000Z');
    expect(at('7d')).to.equal('2026-11-30T10:00:00.000Z');
    expect(at('2w')).to.equal('2026-11-23T10:00:00.000Z');
  });

  it('reads a date or a time without a zone as UTC, and honours a given zone', () => {
    expect(at('2026-12-01')).to.equal('2026-12-01T00:00:00.000Z');
    expect(at('2026-12-01T08:00')).to.equal('2026-12-01T08:00:00.000Z');
    expect(at('2026-12-01T08:00:00Z')).to.equal('2026-12-01T08:00:00.000Z');
    expect(at('2026-12-01T08:00:00+01:00')).to.equal('2026-12-01T07:00:00.000Z');
  });

  it('refuses anything else, saying which forms it takes', () => {
    for (const bad of ['', '0m', '5', '5y', 'yesterday', '2026-13-01', '-5m', '1.5h']) {
      expect(() => sinceValue(bad), bad)
        .to.throw(InvalidArgumentError)
        .with.property('message')
        .that.matches(/30m.*2026-12-01/);
    }
  });
});
