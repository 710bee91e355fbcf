// Staging keys of the outbound handler (shared/destination/staging-key.ts),
// in-process: S3 event keys decoded, and a key read as <destination>/<file>
// or refused with its reason. The handler's other units: handler-units.test.ts.
import { expect } from 'chai';
import { decodeEventKey, parseStagingKey } from '../../shared/destination/staging-key.js';

describe('handler units', function () {
  describe('staging keys', function () {
    it('decodes S3 event keys (+ is a space, %2B a plus) and refuses malformed escapes', function () {
      expect(decodeEventKey('acme/a+b%2Bc%C3%BC.csv')).to.equal('acme/a b+cü.csv');
      expect(decodeEventKey('acme/%E0%A4%A')).to.equal(undefined);
    });

    const cases: Array<[string, string | { destination: string; file: string }]> = [
      ['acme/orders.csv', { destination: 'acme', file: 'orders.csv' }],
      ['acme/a b+c ü.csv', { destination: 'acme', file: 'a b+c ü.csv' }],
      ['acme/..hidden', 'unsafe-name'],
      ['acme/..', 'unsafe-name'],
      ['acme/a\\b', 'unsafe-name'],
      ['acme/a\u0085b', 'unsafe-name'],
      ['acme/a\u007fb', 'unsafe-name'],
      ['acme/' + 'x'.repeat(256), 'unsafe-name'],
      ['acme/sub/x', 'unsafe-name'],
      ['noslash', 'layout'],
      ['/acme/x', 'layout'],
      ['acme/', 'layout'],
      ['ac me/x', 'layout'],
      ['-acme/x', 'layout'],
    ];
    for (const [key, expected] of cases) {
      it(`${printable(key)} → ${typeof expected === 'string' ? expected : 'ok'}`, function () {
        const parsed = parseStagingKey(key);
        if (typeof expected === 'string') {
          expect(parsed.ok).to.equal(false);
          if (!parsed.ok) expect(parsed.code).to.equal(expected);
        } else {
          expect(parsed).to.deep.equal({ ok: true, ...expected });
        }
      });
    }
  });
});

/** A key as a readable test title: control characters escaped, long names cut. */
function printable(key: string): string {
  const shown = key.replace(
    /[\u0000-\u001f\u007f-\u009f]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
  return shown.length > 40 ? `${shown.slice(0, 20)}… (${key.length} chars)` : shown;
}
