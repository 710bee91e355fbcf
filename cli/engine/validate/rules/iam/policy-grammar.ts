// The IAM policy grammar (docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_grammar.html)
// checked by hand rather than by a JSON schema: a gateway has one session
// policy per user, so this runs 10,000 times a build, and a direct check is
// ~10× faster than the generated validator and says precisely what is wrong.
// Intrinsic values are computed at deploy time: their shape is not judged here.
import { isIntrinsic, isObj, type Obj } from '../../values.js';

export interface GrammarProblem {
  /** Path inside the document, e.g. `/Statement/1/Effect`. */
  at: string;
  message: string;
  hint: string;
}

const DOCUMENT_KEYS = new Set(['Version', 'Id', 'Statement']);
const STATEMENT_KEYS = new Set([
  'Sid',
  'Effect',
  'Principal',
  'NotPrincipal',
  'Action',
  'NotAction',
  'Resource',
  'NotResource',
  'Condition',
]);
const PRINCIPAL_KEYS = new Set(['AWS', 'Service', 'Federated', 'CanonicalUser']);
const VERSIONS = new Set(['2012-10-17', '2008-10-17']);

export function policyGrammarProblems(doc: unknown): GrammarProblem[] {
  const out: GrammarProblem[] = [];
  const bad = (at: string, message: string, hint: string) => out.push({ at, message, hint });
  if (!isObj(doc)) {
    bad(
      '',
      'a policy document must be an object',
      'write { Version: "2012-10-17", Statement: [...] }',
    );
    return out;
  }
  for (const k in doc)
    if (!DOCUMENT_KEYS.has(k))
      bad(`/${k}`, `unknown policy key ${k}`, 'a policy has Version, Id and Statement');
  if (doc.Version !== undefined && !VERSIONS.has(doc.Version as string))
    bad(
      '/Version',
      `Version ${JSON.stringify(doc.Version)} is not a policy language version`,
      'use "2012-10-17"',
    );
  if (doc.Id !== undefined && typeof doc.Id !== 'string')
    bad('/Id', 'Id must be a string', 'write Id as a string or drop it');
  const s = doc.Statement;
  if (s === undefined)
    bad('', 'the policy has no Statement', 'add Statement: [{ Effect, Action, Resource }]');
  else if (Array.isArray(s)) {
    if (s.length === 0) bad('/Statement', 'Statement is empty', 'add at least one statement');
    for (let i = 0; i < s.length; i++)
      if (!isIntrinsic(s[i])) statement(s[i], `/Statement/${i}`, bad);
  } else if (!isIntrinsic(s)) statement(s, '/Statement', bad);
  return out;
}

function statement(st: unknown, at: string, bad: (at: string, m: string, h: string) => void): void {
  if (!isObj(st))
    return bad(at, 'a statement must be an object', 'write { Effect, Action, Resource }');
  for (const k in st)
    if (!STATEMENT_KEYS.has(k))
      bad(
        `${at}/${k}`,
        `unknown statement key ${k}`,
        `a statement has ${[...STATEMENT_KEYS].join(', ')}`,
      );
  if (st.Sid !== undefined && (typeof st.Sid !== 'string' || !/^[A-Za-z0-9 ]*$/.test(st.Sid)))
    bad(
      `${at}/Sid`,
      `Sid ${JSON.stringify(st.Sid)} may hold only letters, digits and spaces`,
      'rename the Sid',
    );
  if (st.Effect !== 'Allow' && st.Effect !== 'Deny')
    bad(
      `${at}/Effect`,
      st.Effect === undefined
        ? 'the statement has no Effect'
        : `Effect ${JSON.stringify(st.Effect)} is neither Allow nor Deny`,
      'set Effect: Allow or Deny',
    );
  exactlyOne(st, at, 'Action', 'NotAction', true, bad);
  exactlyOne(st, at, 'Resource', 'NotResource', false, bad);
  exactlyOne(st, at, 'Principal', 'NotPrincipal', false, bad);
  for (const k of ['Action', 'NotAction', 'Resource', 'NotResource'])
    if (st[k] !== undefined) stringList(st[k], `${at}/${k}`, k, bad);
  for (const k of ['Principal', 'NotPrincipal'])
    if (st[k] !== undefined) principal(st[k], `${at}/${k}`, bad);
  const c = st.Condition;
  if (c !== undefined && !isIntrinsic(c)) {
    if (!isObj(c))
      bad(
        `${at}/Condition`,
        'Condition must be an object of operators',
        'write Condition: { StringEquals: { key: value } }',
      );
    else
      for (const op in c)
        if (!isObj(c[op]) && !isIntrinsic(c[op]))
          bad(
            `${at}/Condition/${op}`,
            `condition operator ${op} must map keys to values`,
            `write ${op}: { <condition key>: <value> }`,
          );
  }
}

function exactlyOne(
  st: Obj,
  at: string,
  a: string,
  b: string,
  required: boolean,
  bad: (at: string, m: string, h: string) => void,
): void {
  if (st[a] !== undefined && st[b] !== undefined)
    bad(at, `the statement has both ${a} and ${b}`, `keep one of ${a} and ${b}`);
  else if (required && st[a] === undefined && st[b] === undefined)
    bad(at, `the statement has neither ${a} nor ${b}`, `add ${a}`);
}

function stringList(
  v: unknown,
  at: string,
  name: string,
  bad: (at: string, m: string, h: string) => void,
): void {
  if (typeof v === 'string') {
    if (v === '') bad(at, `${name} is empty`, `name the ${name.toLowerCase()}`);
    return;
  }
  if (isIntrinsic(v)) return;
  if (!Array.isArray(v) || v.length === 0)
    return bad(
      at,
      `${name} must be a string or a non-empty list of strings`,
      `write ${name} as a string or a list`,
    );
  for (let i = 0; i < v.length; i++) {
    if ((typeof v[i] !== 'string' || v[i] === '') && !isIntrinsic(v[i]))
      bad(
        `${at}/${i}`,
        `${name}[${i}] must be a non-empty string`,
        `write ${name} entries as strings`,
      );
  }
}

function principal(v: unknown, at: string, bad: (at: string, m: string, h: string) => void): void {
  if (v === '*' || isIntrinsic(v)) return;
  if (!isObj(v))
    return bad(
      at,
      'Principal must be "*" or an object such as { Service: … }',
      'write Principal: { AWS | Service | Federated | CanonicalUser: … }',
    );
  for (const k in v) {
    if (!PRINCIPAL_KEYS.has(k))
      bad(`${at}/${k}`, `unknown principal type ${k}`, `use ${[...PRINCIPAL_KEYS].join(', ')}`);
    else stringList(v[k], `${at}/${k}`, k, bad);
  }
}
