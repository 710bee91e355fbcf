// Every IAM policy document in a template, with what kind of policy it is:
// identity policies must not name a Principal, resource policies must.
// Used by the semantic layer (well-formed) and the baseline (least privilege).
import type { CfnTemplate } from '../../../template/types.js';
import { pointerOf, type Finding } from '../../finding.js';
import { policyGrammarProblems } from './policy-grammar.js';
import { isIntrinsic, isObj, type Obj } from '../../values.js';

export type PolicyKind = 'identity' | 'trust' | 'resource' | 'key' | 'session';

export interface PolicyDoc {
  logicalId: string;
  resourceType: string;
  kind: PolicyKind;
  pointer: string;
  /** The document, parsed when the template holds it as a JSON string. */
  document: unknown;
  /** The template holds the document as JSON text (pointers cannot go inside it). */
  fromText: boolean;
  /** JSON text that does not parse. */
  parseError?: string;
}

/** Where each type keeps its policy documents. */
const LOCATIONS: Record<string, { path: (string | '*')[]; kind: PolicyKind }[]> = {
  'AWS::IAM::Role': [
    { path: ['AssumeRolePolicyDocument'], kind: 'trust' },
    { path: ['Policies', '*', 'PolicyDocument'], kind: 'identity' },
  ],
  'AWS::IAM::User': [{ path: ['Policies', '*', 'PolicyDocument'], kind: 'identity' }],
  'AWS::IAM::Group': [{ path: ['Policies', '*', 'PolicyDocument'], kind: 'identity' }],
  'AWS::IAM::Policy': [{ path: ['PolicyDocument'], kind: 'identity' }],
  'AWS::IAM::ManagedPolicy': [{ path: ['PolicyDocument'], kind: 'identity' }],
  'AWS::S3::BucketPolicy': [{ path: ['PolicyDocument'], kind: 'resource' }],
  'AWS::SQS::QueuePolicy': [{ path: ['PolicyDocument'], kind: 'resource' }],
  'AWS::SNS::TopicPolicy': [{ path: ['PolicyDocument'], kind: 'resource' }],
  'AWS::SecretsManager::ResourcePolicy': [{ path: ['ResourcePolicy'], kind: 'resource' }],
  'AWS::KMS::Key': [{ path: ['KeyPolicy'], kind: 'key' }],
  'AWS::Transfer::User': [{ path: ['Policy'], kind: 'session' }],
};

export function policyDocuments(template: CfnTemplate): PolicyDoc[] {
  const out: PolicyDoc[] = [];
  for (const [id, r] of Object.entries(template.Resources ?? {})) {
    const locations = r && LOCATIONS[r.Type];
    if (!locations || !isObj(r.Properties)) continue;
    for (const loc of locations) {
      const visit = (v: unknown, i: number, at: (string | number)[]) => {
        if (i === loc.path.length) return collect(v, at);
        const step = loc.path[i];
        if (step === '*') {
          if (Array.isArray(v)) v.forEach((x, j) => visit(x, i + 1, [...at, j]));
          return;
        }
        if (isObj(v) && v[step] !== undefined) visit(v[step], i + 1, [...at, step]);
      };
      const collect = (v: unknown, at: (string | number)[]) => {
        const doc: PolicyDoc = {
          logicalId: id,
          resourceType: r.Type,
          kind: loc.kind,
          pointer: pointerOf('Resources', id, 'Properties', ...at),
          document: v,
          fromText: false,
        };
        const text = typeof v === 'string' ? v : subText(v);
        if (text !== undefined) {
          doc.fromText = true;
          try {
            doc.document = JSON.parse(text);
          } catch (err) {
            doc.parseError = (err as Error).message;
          }
        } else if (!isObj(v) || isIntrinsic(v)) {
          return; // computed at deploy time: nothing to check here
        }
        out.push(doc);
      };
      visit(r.Properties, 0, []);
    }
  }
  return out;
}

/** The text of an Fn::Sub (its ${…} variables sit inside JSON strings, so it parses as is). */
function subText(v: unknown): string | undefined {
  const sub = isObj(v) ? v['Fn::Sub'] : undefined;
  if (typeof sub === 'string') return sub;
  if (Array.isArray(sub) && typeof sub[0] === 'string') return sub[0];
  return undefined;
}

export interface Statement {
  statement: Obj;
  /** Pointer to the statement (to the document when it came from text). */
  pointer: string;
  /** Index in Statement, for messages about text documents. */
  index: number;
}

/** A document's literal statements (statements computed by Fn::If are skipped). */
export function statementsOf(doc: PolicyDoc): Statement[] {
  const d = doc.document;
  if (!isObj(d)) return [];
  const s = d.Statement;
  const list = Array.isArray(s) ? s : [s];
  const out: Statement[] = [];
  list.forEach((st, i) => {
    if (!isObj(st) || isIntrinsic(st)) return;
    out.push({
      statement: st,
      index: i,
      pointer: doc.fromText
        ? doc.pointer
        : Array.isArray(s)
          ? `${doc.pointer}/Statement/${i}`
          : `${doc.pointer}/Statement`,
    });
  });
  return out;
}

/** A statement field as a list of its literal strings (intrinsic values are left out). */
export function strings(v: unknown): string[] {
  if (typeof v === 'string') return [v];
  if (Array.isArray(v)) return v.filter((x): x is string => typeof x === 'string');
  return [];
}

/** IAM documents are well formed, and Principal is where it belongs. */
export function policyFindings(docs: readonly PolicyDoc[]): Finding[] {
  const out: Finding[] = [];
  for (const doc of docs) {
    const base = {
      severity: 'error' as const,
      layer: 'semantic' as const,
      logicalId: doc.logicalId,
      resourceType: doc.resourceType,
    };
    if (doc.parseError) {
      out.push({
        ...base,
        rule: 'iam/policy-document',
        pointer: doc.pointer,
        message: `the policy is not valid JSON: ${doc.parseError}`,
        hint: 'fix the JSON text (or write the policy as an object)',
      });
      continue;
    }
    const grammar = policyGrammarProblems(doc.document);
    if (grammar.length > 0) {
      for (const g of grammar) {
        out.push(
          doc.fromText
            ? {
                ...base,
                rule: 'iam/policy-document',
                pointer: doc.pointer,
                message: `in the policy text at ${g.at || '/'}: ${g.message}`,
                hint: g.hint,
              }
            : {
                ...base,
                rule: 'iam/policy-document',
                pointer: doc.pointer + g.at,
                message: g.message,
                hint: g.hint,
              },
        );
      }
      continue;
    }
    const wantsPrincipal = doc.kind === 'trust' || doc.kind === 'resource' || doc.kind === 'key';
    for (const st of statementsOf(doc)) {
      const has = 'Principal' in st.statement || 'NotPrincipal' in st.statement;
      if (wantsPrincipal && !has) {
        out.push({
          ...base,
          rule: 'iam/policy-document',
          pointer: st.pointer,
          message: `statement ${label(st)} of a ${doc.kind} policy has no Principal`,
          hint: 'name who the statement applies to (Principal)',
        });
      } else if (!wantsPrincipal && has) {
        out.push({
          ...base,
          rule: 'iam/policy-document',
          pointer: st.pointer,
          message: `statement ${label(st)} of an ${doc.kind} policy names a Principal; IAM rejects it`,
          hint: 'remove Principal: an identity policy applies to whoever holds it',
        });
      }
    }
  }
  return out;
}

export function label(st: Statement): string {
  const sid = st.statement.Sid;
  return typeof sid === 'string' && sid ? `"${sid}"` : `#${st.index + 1}`;
}
