// A template as written to disk (and as cfn-lint and CloudFormation read it).
import { stringify as toYaml } from 'yaml';
import type { CfnTemplate } from './types.js';

export type OutputFormat = 'json' | 'yaml';

export function serializeTemplate(template: CfnTemplate, format: OutputFormat): string {
  if (format === 'yaml') return toYaml(template, { lineWidth: 0, aliasDuplicateObjects: false });
  return JSON.stringify(template, null, 2) + '\n';
}
