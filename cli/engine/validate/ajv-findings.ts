// ajv's errors -> findings with messages a person can act on. ajv reports
// every branch of an anyOf/oneOf and the `if` of each intrinsic-or-value
// wrapper; we keep the error that says what is wrong and drop the noise.
import type { ErrorObject } from 'ajv';
import { closest } from '../suggest.js';
import { looksLikePrivateKey } from '../users/keys.js';
import type { Finding, Layer } from './finding.js';

type Schema = Record<string, unknown>;

export interface AjvContext {
  /** Pointer of the validated value in the template, e.g. `/Resources/Bucket/Properties`. */
  base: string;
  layer: Layer;
  logicalId?: string;
  resourceType?: string;
  /** Top-level read-only property names (setting one gets its own message). */
  readOnly?: readonly string[];
  /** Rule prefix; default `schema`. */
  prefix?: string;
}

export function ajvFindings(
  errors: readonly ErrorObject[] | null | undefined,
  ctx: AjvContext,
): Finding[] {
  if (!errors) return [];
  // An anyOf/oneOf error stands for all of its branches' errors.
  const branches = errors
    .filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf')
    .map((e) => e.schemaPath + '/');
  // Errors inside propertyNames repeat the propertyNames error itself.
  const kept = errors.filter(
    (e) =>
      e.keyword !== 'if' &&
      e.propertyName === undefined &&
      !branches.some((b) => e.schemaPath.startsWith(b)),
  );
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const e of kept) {
    const f = toFinding(e, ctx);
    // Several messages quote the value: never a private key's text.
    if (typeof e.data === 'string' && looksLikePrivateKey(e.data))
      f.message = `${lastName(f.pointer)} holds a private key (not shown); ${f.rule} failed`;
    const key = `${f.pointer}|${f.rule}|${f.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    f.hint ??=
      GENERIC_HINTS[f.rule.slice(f.rule.indexOf('/') + 1)] ??
      'fix the value (see the CloudFormation resource reference)';
    out.push(f);
  }
  // A value of the wrong type fails its enum/pattern/length too; say it once.
  const wrongType = new Set(out.filter((f) => f.rule.endsWith('/type')).map((f) => f.pointer));
  return out.filter((f) => f.rule.endsWith('/type') || !wrongType.has(f.pointer));
}

const GENERIC_HINTS: Record<string, string> = {
  type: 'write a value of that type (or an intrinsic function that yields one)',
  enum: 'use one of the allowed values',
  pattern: 'change the value to match the pattern',
  length: 'change the length to fit the limits',
  range: 'use a value within the range',
  unique: 'remove the duplicate',
  shape: 'fix the number of keys',
  exclusive: 'keep one of them',
  required: 'add the missing property',
};

function toFinding(e: ErrorObject, ctx: AjvContext): Finding {
  const parent = (e.parentSchema ?? {}) as Schema;
  const at = ctx.base + e.instancePath;
  const name = lastName(at);
  const base = {
    severity: 'error' as const,
    layer: ctx.layer,
    logicalId: ctx.logicalId,
    resourceType: ctx.resourceType,
    pointer: at,
  };
  const rule = (r: string) => `${ctx.prefix ?? 'schema'}/${r}`;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const prop = String(p.additionalProperty);
      const pointer = `${at}/${prop.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      const known = Object.keys((parent.properties as Schema | undefined) ?? {});
      if (e.instancePath === '' && ctx.readOnly?.includes(prop)) {
        return {
          ...base,
          pointer,
          rule: rule('read-only-property'),
          message: `${prop} is read-only: CloudFormation sets it`,
          hint: `remove it; read it with Fn::GetAtt ${ctx.logicalId ?? '<id>'}.${prop}`,
        };
      }
      const guess = closest(prop, known);
      return {
        ...base,
        pointer,
        rule: rule('unknown-property'),
        message: `unknown property ${prop}${ctx.resourceType && e.instancePath === '' ? ` for ${ctx.resourceType}` : ''}`,
        hint: guess
          ? `did you mean ${guess}?`
          : known.length > 0
            ? `allowed: ${known.sort().join(', ')}`
            : 'remove it',
      };
    }
    case 'required':
      return {
        ...base,
        pointer: `${at}`,
        rule: rule('required'),
        message: `missing required property ${String(p.missingProperty)}`,
        hint: `set ${String(p.missingProperty)}`,
      };
    case 'type': {
      const want =
        (parent['x-cfn-type'] as string | undefined) ?? String(p.type).replace(/,/g, ' or ');
      return {
        ...base,
        rule: rule('type'),
        message: `${name} must be ${article(want)}, not ${describe(e.data)}`,
      };
    }
    case 'enum': {
      const allowed = (p.allowedValues as unknown[]).filter(
        (v) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean',
      );
      const shown = [...new Set(allowed.map(String))];
      const guess = typeof e.data === 'string' ? closest(e.data, shown) : undefined;
      return {
        ...base,
        rule: rule('enum'),
        message: `${name} is ${JSON.stringify(e.data)}; allowed: ${shown.length > 12 ? shown.slice(0, 12).join(', ') + `, … (${shown.length})` : shown.join(', ')}`,
        hint: guess ? `did you mean ${guess}?` : undefined,
      };
    }
    case 'const':
      return {
        ...base,
        rule: rule('enum'),
        message: `${name} must be ${JSON.stringify(p.allowedValue)}`,
      };
    case 'pattern':
      // a lenient number/boolean: the string form did not parse
      if (
        parent['x-cfn-type'] &&
        typeof e.data === 'string' &&
        !String(parent['x-cfn-type']).includes('string')
      ) {
        return {
          ...base,
          rule: rule('type'),
          message: `${name} must be ${article(String(parent['x-cfn-type']))}, not ${describe(e.data)}`,
        };
      }
      return {
        ...base,
        rule: rule('pattern'),
        message: `${name} ${JSON.stringify(e.data)} does not match the pattern ${String(p.pattern)}`,
      };
    case 'minLength':
    case 'maxLength':
      return {
        ...base,
        rule: rule('length'),
        message: `${name} is ${String((e.data as string).length)} characters; ${e.keyword === 'minLength' ? 'the minimum is' : 'the limit is'} ${String(p.limit)}`,
      };
    case 'minItems':
    case 'maxItems':
      return {
        ...base,
        rule: rule('length'),
        message: `${name} has ${String((e.data as unknown[]).length)} items; ${e.keyword === 'minItems' ? 'the minimum is' : 'the limit is'} ${String(p.limit)}`,
      };
    case 'minProperties':
    case 'maxProperties':
      return {
        ...base,
        rule: rule('shape'),
        message: `${name} ${e.message ?? 'has the wrong number of keys'}`,
      };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return {
        ...base,
        rule: rule('range'),
        message: `${name} is ${JSON.stringify(e.data)}; it ${e.message ?? 'is out of range'}`,
      };
    case 'uniqueItems':
      return {
        ...base,
        rule: rule('unique'),
        message: `${name} has duplicate items (${String(p.j)} and ${String(p.i)})`,
        hint: 'remove the duplicate',
      };
    case 'propertyNames': {
      const key = String(p.propertyName);
      const hint =
        ctx.layer === 'template'
          ? 'logical ids and section keys use letters and digits only (A-Z, a-z, 0-9), at most 255'
          : undefined;
      return {
        ...base,
        pointer: `${at}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`,
        rule: rule('name'),
        message: `${JSON.stringify(key)} is not an allowed name in ${name}`,
        hint,
      };
    }
    case 'oneOf':
    case 'anyOf':
    case 'not':
      return combination(e, parent, base, rule, name);
    default:
      return { ...base, rule: rule(e.keyword), message: `${name} ${e.message ?? 'is invalid'}` };
  }
}

function combination(
  e: ErrorObject,
  parent: Schema,
  base: Omit<Finding, 'rule' | 'message'>,
  rule: (r: string) => string,
  name: string,
): Finding {
  const names = parent['x-cfn-names'] as string[] | undefined;
  const present =
    names?.filter((n) => typeof e.data === 'object' && e.data !== null && n in e.data) ?? [];
  switch (parent['x-cfn-rule']) {
    case 'requiredXor':
      return present.length === 0
        ? { ...base, rule: rule('required'), message: `${name}: set one of ${names!.join(', ')}` }
        : {
            ...base,
            rule: rule('exclusive'),
            message: `${name}: set only one of ${names!.join(', ')} (found ${present.join(' and ')})`,
          };
    case 'requiredOr':
      return {
        ...base,
        rule: rule('required'),
        message: `${name}: set at least one of ${names!.join(', ')}`,
      };
    case 'dependentExcluded':
      return {
        ...base,
        rule: rule('exclusive'),
        message: `${name}: ${names![0]} cannot be combined with ${
          names!
            .slice(1)
            .filter((n) => present.includes(n))
            .join(', ') || names!.slice(1).join(', ')
        }`,
      };
  }
  const want = parent['x-cfn-type'] as string | undefined;
  return {
    ...base,
    rule: rule('type'),
    message: want
      ? `${name} must be ${want}, not ${describe(e.data)}`
      : `${name} does not match any allowed form`,
  };
}

function lastName(pointer: string): string {
  const parts = pointer.split('/');
  const last = parts[parts.length - 1];
  if (/^\d+$/.test(last) && parts.length > 1) return `${parts[parts.length - 2]}[${last}]`;
  return last.replace(/~1/g, '/').replace(/~0/g, '~') || 'value';
}

function article(type: string): string {
  return /^(a |an |")/.test(type) ? type : /^[aeio]/.test(type) ? `an ${type}` : `a ${type}`;
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  if (typeof v === 'object') {
    const keys = Object.keys(v);
    return keys.length === 1 && /^(Ref|Fn::|Condition)/.test(keys[0])
      ? `${keys[0]} (not allowed here)`
      : 'an object';
  }
  if (typeof v === 'string')
    return `the string ${JSON.stringify(v.length > 40 ? v.slice(0, 40) + '…' : v)}`;
  return `${typeof v} ${JSON.stringify(v)}`;
}
