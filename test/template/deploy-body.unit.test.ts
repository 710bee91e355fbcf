// The deploy size counted from the pretty text build writes
// (cli/engine/template/deploy-body.ts deployBytesOfPretty) is the size of the
// minified text deploy sends, over every golden template and the values
// JSON.stringify writes in its own ways.
import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { deployBytes, deployBytesOfPretty } from '../../cli/engine/template/deploy-body.js';
import { serializeTemplate } from '../../cli/engine/template/serialize.js';
import type { CfnTemplate } from '../../cli/engine/template/types.js';
import { repoRoot } from '../helpers/project.js';

function jsonFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = path.join(dir, name);
    return statSync(p).isDirectory() ? jsonFiles(p) : name.endsWith('.json') ? [p] : [];
  });
}

describe('deployBytesOfPretty: the minified size from the pretty text', () => {
  const goldens = jsonFiles(path.join(repoRoot, 'test', 'golden'));

  it(`equals deployBytes on every golden template (${goldens.length})`, () => {
    expect(goldens.length).to.be.greaterThan(10);
    for (const file of goldens) {
      const t = JSON.parse(readFileSync(file, 'utf8')) as CfnTemplate;
      expect(deployBytesOfPretty(t, serializeTemplate(t, 'json')), file).to.equal(deployBytes(t));
    }
  });

  it('equals deployBytes with escapes, non-ASCII text, empty containers and what JSON.stringify leaves out', () => {
    const t = {
      Resources: {
        'A: b': {
          Type: 'X::Y',
          Properties: {
            Text: 'line\none\t"quoted": yes \\ end\\',
            Unicode: 'Zürich ✓ 𝄞 \ud800',
            Empty: {},
            EmptyList: [],
            Nested: [[], [{}], [1, null, true, { a: [] }]],
            Skipped: undefined,
            Fn: () => 1,
            InArray: [undefined, () => 2],
            Number: -1.5e-7,
            '': '',
          },
        },
      },
    } as unknown as CfnTemplate;
    const pretty = JSON.stringify(t, null, 2);
    expect(deployBytesOfPretty(t, pretty)).to.equal(deployBytes(t));
    expect(deployBytesOfPretty(t, `${pretty}\n`)).to.equal(deployBytes(t));
    expect(deployBytesOfPretty({ Resources: {} }, '{\n  "Resources": {}\n}\n')).to.equal(
      deployBytes({ Resources: {} }),
    );
  });

  it('does not count a template holding a value with toJSON (measured instead)', () => {
    const t = { Resources: {}, When: new Date(0) } as unknown as CfnTemplate;
    expect(deployBytesOfPretty(t, JSON.stringify(t, null, 2))).to.equal(undefined);
  });
});
