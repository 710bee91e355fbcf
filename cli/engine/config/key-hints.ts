// What to say about an unknown key in sftpgw.yaml: the key it was probably
// meant to be at the same level ("did you mean usersDir?"), or the level it
// belongs to when it is a real key written in the wrong place (alarmEmail at
// the top level belongs under outbound:).
import { suggestName } from '../suggest.js';
import { configSchema } from './schema.js';

interface SchemaNode {
  properties?: Record<string, SchemaNode>;
}

/** Every key path of the settings (what the top level and each environment may hold). */
const SETTING_PATHS: string[][] = (() => {
  const out: string[][] = [];
  const walk = (node: SchemaNode, at: string[]) => {
    for (const [key, child] of Object.entries(node.properties ?? {})) {
      if (key === 'environments') continue;
      out.push([...at, key]);
      walk(child, [...at, key]);
    }
  };
  walk(configSchema as unknown as SchemaNode, []);
  return out;
})();

/**
 * `key` is not allowed in the map at `segments` (the instance path of the
 * map, e.g. ['environments', 'prod', 'outbound']), whose keys are `known`.
 */
export function unknownKeyHint(
  key: string,
  segments: readonly string[],
  known: readonly string[],
): string {
  if (key === 'environments' && segments[0] === 'environments')
    return 'environments do not nest: an environment holds the top-level keys it overrides; move this one up to environments:';
  const here = suggestName(key, known);
  if (here) return `did you mean ${here}? (keys here: ${known.join(', ')})`;
  // Relative to the settings: an environment holds the same keys as the top level.
  const envPrefix =
    segments[0] === 'environments' && segments.length >= 2 ? ['environments', segments[1]] : [];
  const level = segments.slice(envPrefix.length).join('.');
  const elsewhere = SETTING_PATHS.filter(
    (p) =>
      p[p.length - 1].toLowerCase() === key.toLowerCase() && p.slice(0, -1).join('.') !== level,
  );
  if (elsewhere.length > 0) {
    const where = elsewhere.map((p) => [...envPrefix, ...p].join('.'));
    const parents = elsewhere.map((p) =>
      p.length > 1
        ? `under ${p.slice(0, -1).join('.')}:`
        : envPrefix.length
          ? `directly in environments.${segments[1]}`
          : 'at the top level',
    );
    return `${key} belongs ${parents.join(' or ')} (${where.join(' or ')}): move it there`;
  }
  return known.length ? `remove it, or use one of: ${known.join(', ')}` : 'remove it';
}
