// Layer 1: the template's shape (sections, logical ids, resource attributes)
// and every resource's Properties against its CloudFormation registry schema.
import { template as validateTopLevel } from '../../generated/template-validate.js';
import type { CfnTemplate } from '../template/types.js';
import { closest } from '../suggest.js';
import { ajvFindings } from './ajv-findings.js';
import { logicalIdOf, pointerOf, type Finding } from './finding.js';
import { propertiesValidator, resourceTypes, typeInfo } from './resource-types.js';

export async function schemaFindings(template: CfnTemplate): Promise<Finding[]> {
  const findings: Finding[] = [];
  if (!validateTopLevel(template)) {
    findings.push(
      ...ajvFindings(validateTopLevel.errors, {
        base: '',
        layer: 'template',
        prefix: 'template',
      }).map((f) => withLogicalId(f)),
    );
  }
  const resources =
    template &&
    typeof template === 'object' &&
    template.Resources &&
    typeof template.Resources === 'object'
      ? template.Resources
      : {};
  const types = new Set<string>();
  for (const r of Object.values(resources)) if (typeof r?.Type === 'string') types.add(r.Type);
  const validators = new Map(
    await Promise.all(
      [...types]
        .filter((t) => typeInfo(t))
        .map(async (t) => [t, await propertiesValidator(t)!] as const),
    ),
  );

  for (const [id, r] of Object.entries(resources)) {
    if (typeof r !== 'object' || r === null || typeof r.Type !== 'string') continue;
    const type = r.Type;
    const props = r.Properties ?? {};
    const base = pointerOf('Resources', id, 'Properties');
    const validate = validators.get(type);
    if (validate) {
      if (typeof props === 'object' && !validate(props)) {
        findings.push(
          ...ajvFindings(validate.errors, {
            base,
            layer: 'schema',
            logicalId: id,
            resourceType: type,
            readOnly: typeInfo(type)!.readOnly,
          }),
        );
      }
    } else if (type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource') {
      if (typeof props !== 'object' || !('ServiceToken' in props)) {
        findings.push({
          severity: 'error',
          rule: 'schema/required',
          layer: 'schema',
          logicalId: id,
          resourceType: type,
          pointer: base,
          message: 'a custom resource needs ServiceToken',
          hint: 'set ServiceToken to the ARN of the Lambda function or SNS topic that implements it',
        });
      }
    } else {
      const guess = closest(type, Object.keys(resourceTypes().types));
      findings.push({
        severity: 'warning',
        rule: 'schema/unknown-type',
        layer: 'schema',
        logicalId: id,
        resourceType: type,
        pointer: pointerOf('Resources', id, 'Type'),
        message: `sftpgw has no bundled schema for ${type}; only cfn-lint checks its properties`,
        hint: guess
          ? `did you mean ${guess}?`
          : `if the type is right, add it to RESOURCE_TYPES in scripts/resource-schemas.ts and run npm run schemas:refresh (bundled: cfn-lint ${resourceTypes().source.cfnLint} registry schemas)`,
      });
    }
  }
  return findings;
}

function withLogicalId(f: Finding): Finding {
  const logicalId = logicalIdOf(f.pointer);
  return logicalId ? { ...f, logicalId } : f;
}
