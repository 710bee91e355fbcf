// Layer 2, references: every Ref, Fn::GetAtt, Fn::Sub variable, DependsOn,
// Condition and Fn::FindInMap names something that exists, GetAtt reads an
// attribute the type has, and resources do not depend on each other in a
// cycle (CloudFormation refuses the whole template for any of these).
import type { CfnTemplate } from '../../../template/types.js';
import { closest } from '../../../suggest.js';
import { pointerOf, type Finding } from '../../finding.js';
import { typeInfo } from '../../resource-types.js';
import { isObj, type Obj } from '../../values.js';

export const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

/** Resource -> the resources it depends on (Ref, GetAtt, Sub, DependsOn). */
export type DependencyGraph = Map<string, Set<string>>;

/** A string in a resource's properties that names an ARN or an AWS endpoint (for the portability rule). */
export interface LocatedString {
  logicalId: string;
  /** Path below the template root; pointerOf(...path) when reported (rarely, so not built eagerly). */
  path: (string | number)[];
  value: string;
}

/** Collected on the same walk, so the baseline need not walk the template again. */
const ARNISH = (s: string) => s.includes('arn:') || s.includes('amazonaws.com');

export function referenceFindings(template: CfnTemplate): {
  findings: Finding[];
  graph: DependencyGraph;
  arnStrings: LocatedString[];
} {
  const findings: Finding[] = [];
  const arnStrings: LocatedString[] = [];
  const resources: Obj = isObj(template.Resources) ? template.Resources : {};
  const parameters: Obj = isObj(template.Parameters) ? template.Parameters : {};
  const conditions: Obj = isObj(template.Conditions) ? template.Conditions : {};
  const mappings: Obj = isObj(template.Mappings) ? template.Mappings : {};
  const graph: DependencyGraph = new Map();
  const resourceIds = Object.keys(resources);
  const typeOf = (id: string) =>
    isObj(resources[id]) ? String((resources[id] as Obj).Type) : undefined;

  let owner: string | undefined; // resource whose properties we are walking
  const path: (string | number)[] = [];
  const report = (rule: string, message: string, hint?: string, at: (string | number)[] = path) =>
    findings.push({
      severity: 'error',
      rule,
      layer: 'semantic',
      logicalId: owner,
      resourceType: owner && typeOf(owner),
      pointer: pointerOf(...at),
      message,
      hint,
    });
  const depend = (target: string) => {
    if (owner) graph.get(owner)!.add(target);
  };
  const suggest = (name: string, names: string[]) => {
    const g = closest(name, names);
    return g ? `did you mean ${g}?` : undefined;
  };

  const ref = (name: string, how: string) => {
    if (Object.hasOwn(resources, name)) return depend(name);
    if (Object.hasOwn(parameters, name) || PSEUDO_PARAMETERS.has(name)) return;
    report(
      'semantic/missing-reference',
      `${how} names ${name}, which is not a resource, parameter or pseudo parameter in this template`,
      suggest(name, [...resourceIds, ...Object.keys(parameters)]) ??
        'add the resource or parameter, or fix the name',
    );
  };
  const getAtt = (name: string, attr: unknown, how: string) => {
    if (!Object.hasOwn(resources, name)) {
      report(
        'semantic/missing-reference',
        `${how} reads ${name}${typeof attr === 'string' ? '.' + attr : ''}, but there is no resource ${name}`,
        suggest(name, resourceIds) ?? 'add the resource or fix the name',
      );
      return;
    }
    depend(name);
    const type = typeOf(name)!;
    const info = typeInfo(type);
    if (!info || typeof attr !== 'string') return;
    const ok =
      info.attributes.includes(attr) ||
      info.attributes.some((a) => a.endsWith('.*') && attr.startsWith(a.slice(0, -1)));
    if (!ok) {
      report(
        'semantic/unknown-attribute',
        `${how} reads ${name}.${attr}, but ${type} has no attribute ${attr}`,
        info.attributes.length > 0
          ? `attributes of ${type}: ${info.attributes.join(', ')}`
          : `${type} has no attributes to read; use Ref`,
      );
    }
  };
  const condition = (name: unknown, how: string) => {
    if (typeof name !== 'string' || Object.hasOwn(conditions, name)) return;
    report(
      'semantic/missing-condition',
      `${how} names condition ${name}, which is not in Conditions`,
      suggest(name, Object.keys(conditions)) ?? 'add it to Conditions or fix the name',
    );
  };

  const walk = (v: unknown): void => {
    if (typeof v === 'string') {
      if (owner && ARNISH(v)) arnStrings.push({ logicalId: owner, path: path.slice(), value: v });
      return;
    }
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        path.push(i);
        walk(v[i]);
        path.pop();
      }
      return;
    }
    if (!isObj(v)) return;
    let k: string | undefined;
    let n = 0;
    for (const key in v) {
      if (n++ === 0) k = key;
      else break;
    }
    if (n === 1 && k !== undefined && (k === 'Ref' || k === 'Condition' || k.startsWith('Fn::'))) {
      const arg = v[k];
      path.push(k);
      switch (k) {
        case 'Ref':
          if (typeof arg === 'string') ref(arg, 'Ref');
          path.pop();
          return;
        case 'Fn::GetAtt': {
          const [name, attr] =
            typeof arg === 'string' ? splitOnce(arg) : Array.isArray(arg) ? arg : [];
          if (typeof name === 'string') getAtt(name, attr, 'Fn::GetAtt');
          if (Array.isArray(arg)) {
            path.push(1);
            walk(arg[1]);
            path.pop();
          }
          path.pop();
          return;
        }
        case 'Fn::Sub':
          sub(arg);
          path.pop();
          return;
        case 'Fn::If':
          if (Array.isArray(arg)) {
            condition(arg[0], 'Fn::If');
            for (const i of [1, 2]) {
              path.push(i);
              walk(arg[i]);
              path.pop();
            }
          }
          path.pop();
          return;
        case 'Condition':
          // inside Conditions and condition functions only; elsewhere it is an ordinary key
          if (inConditions && typeof arg === 'string') {
            condition(arg, 'Condition');
            path.pop();
            return;
          }
          break;
        case 'Fn::FindInMap':
          if (
            Array.isArray(arg) &&
            typeof arg[0] === 'string' &&
            !Object.hasOwn(mappings, arg[0])
          ) {
            report(
              'semantic/missing-mapping',
              `Fn::FindInMap names mapping ${arg[0]}, which is not in Mappings`,
              suggest(arg[0], Object.keys(mappings)),
            );
          }
          break;
      }
      path.pop();
    }
    for (const key in v) {
      path.push(key);
      walk(v[key]);
      path.pop();
    }
  };

  const sub = (arg: unknown) => {
    const [text, vars] =
      typeof arg === 'string'
        ? [arg, {}]
        : Array.isArray(arg)
          ? [arg[0], isObj(arg[1]) ? arg[1] : {}]
          : [undefined, {}];
    if (Array.isArray(arg) && isObj(arg[1])) {
      path.push(1);
      walk(arg[1]);
      path.pop();
    }
    if (typeof text !== 'string') return;
    if (owner && ARNISH(text))
      arnStrings.push({ logicalId: owner, path: path.slice(), value: text });
    if (!text.includes('${')) return;
    for (const m of text.matchAll(/\$\{([^}]*)\}/g)) {
      const name = m[1];
      if (name.startsWith('!')) continue; // ${!Literal}
      if (Object.hasOwn(vars, name)) continue;
      const dot = name.indexOf('.');
      if (dot > 0 && !PSEUDO_PARAMETERS.has(name))
        getAtt(name.slice(0, dot), name.slice(dot + 1), `Fn::Sub variable \${${name}}`);
      else if (Object.hasOwn(resources, name)) depend(name);
      else if (!Object.hasOwn(parameters, name) && !PSEUDO_PARAMETERS.has(name)) {
        report(
          'semantic/missing-reference',
          `Fn::Sub variable \${${name}} is not a resource, parameter, pseudo parameter or a name in the variable map`,
          suggest(name, [...resourceIds, ...Object.keys(parameters), ...Object.keys(vars)]) ??
            `define ${name} in the Fn::Sub variable map, or write \${!${name}} for a literal`,
        );
      }
    }
  };

  let inConditions = false;
  for (const id of resourceIds) {
    graph.set(id, new Set());
    const r = resources[id];
    if (!isObj(r)) continue;
    owner = id;
    path.push('Resources', id);
    if (r.Properties !== undefined) {
      path.push('Properties');
      walk(r.Properties);
      path.pop();
    }
    for (const attr of [
      'UpdatePolicy',
      'CreationPolicy',
      'DeletionPolicy',
      'UpdateReplacePolicy',
    ]) {
      if (r[attr] !== undefined) {
        path.push(attr);
        walk(r[attr]);
        path.pop();
      }
    }
    if (r.Condition !== undefined) {
      path.push('Condition');
      condition(r.Condition, 'Condition');
      path.pop();
    }
    const deps =
      typeof r.DependsOn === 'string'
        ? [r.DependsOn]
        : Array.isArray(r.DependsOn)
          ? r.DependsOn
          : [];
    deps.forEach((d, i) => {
      if (typeof d !== 'string') return;
      path.push('DependsOn', ...(Array.isArray(r.DependsOn) ? [i] : []));
      if (Object.hasOwn(resources, d)) depend(d);
      else
        report(
          'semantic/missing-reference',
          `DependsOn names ${d}, which is not a resource in this template`,
          suggest(d, resourceIds) ?? 'remove it or fix the name',
        );
      path.length = 2;
    });
    path.length = 0;
  }
  owner = undefined;
  if (isObj(template.Outputs)) {
    for (const [name, o] of Object.entries(template.Outputs)) {
      path.push('Outputs', name);
      if (isObj(o)) {
        walk(o.Value);
        if (o.Export !== undefined) {
          path.push('Export');
          walk(o.Export);
          path.pop();
        }
        if (o.Condition !== undefined) {
          path.push('Condition');
          condition(o.Condition, 'Condition');
          path.pop();
        }
      }
      path.length = 0;
    }
  }
  inConditions = true;
  for (const [name, c] of Object.entries(conditions)) {
    path.push('Conditions', name);
    walk(c);
    path.length = 0;
  }
  findings.push(...cycleFindings(graph, typeOf));
  return { findings, graph, arnStrings };
}

function splitOnce(s: string): [string, string | undefined] {
  const i = s.indexOf('.');
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

/** Strongly connected components (Tarjan, iterative) with a cycle: one finding each. */
export function cycleFindings(
  graph: DependencyGraph,
  typeOf: (id: string) => string | undefined = () => undefined,
): Finding[] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const out: Finding[] = [];
  let next = 0;
  for (const root of graph.keys()) {
    if (index.has(root)) continue;
    const work: { node: string; edges: Iterator<string> }[] = [];
    const open = (n: string) => {
      index.set(n, next);
      low.set(n, next);
      next++;
      stack.push(n);
      onStack.add(n);
      work.push({ node: n, edges: (graph.get(n) ?? new Set<string>()).values() });
    };
    open(root);
    while (work.length > 0) {
      const top = work[work.length - 1];
      const e = top.edges.next();
      if (!e.done) {
        const m = e.value;
        if (!graph.has(m)) continue;
        if (!index.has(m)) open(m);
        else if (onStack.has(m)) low.set(top.node, Math.min(low.get(top.node)!, index.get(m)!));
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(top.node)!));
      }
      if (low.get(top.node) === index.get(top.node)) {
        const scc: string[] = [];
        let m: string;
        do {
          m = stack.pop()!;
          onStack.delete(m);
          scc.push(m);
        } while (m !== top.node);
        if (scc.length > 1 || graph.get(top.node)!.has(top.node))
          out.push(cycleFinding(graph, new Set(scc), typeOf));
      }
    }
  }
  return out;
}

function cycleFinding(
  graph: DependencyGraph,
  scc: Set<string>,
  typeOf: (id: string) => string | undefined,
): Finding {
  // A shortest cycle through the alphabetically first member, for a message that reads well.
  const start = [...scc].sort()[0];
  const parent = new Map<string, string>();
  const queue = [start];
  let closing: string | undefined;
  while (queue.length > 0 && closing === undefined) {
    const n = queue.shift()!;
    for (const m of graph.get(n)!) {
      if (!scc.has(m)) continue;
      if (m === start) {
        closing = n;
        break;
      }
      if (!parent.has(m)) {
        parent.set(m, n);
        queue.push(m);
      }
    }
  }
  const cycle = [start];
  for (let n = closing; n !== undefined && n !== start; n = parent.get(n)) cycle.splice(1, 0, n);
  cycle.push(start);
  return {
    severity: 'error',
    rule: 'semantic/dependency-cycle',
    layer: 'semantic',
    logicalId: start,
    resourceType: typeOf(start),
    pointer: pointerOf('Resources', start),
    message: `resources depend on each other in a cycle: ${cycle.join(' → ')}`,
    hint: 'break the cycle: drop a DependsOn, or move one reference into a separate resource (e.g. a policy resource instead of an inline policy)',
  };
}
