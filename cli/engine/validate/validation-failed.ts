// The error build, validate and users add fail with: every blocking finding,
// as problems (file, line, field) and as findings.
import { SftpgwError, type Problem } from '../errors.js';
import { blocking, countFindings, summarize, type Finding } from './finding.js';

export function validationFailed(findings: Finding[]): SftpgwError {
  const errors = blocking(findings);
  const problems: Problem[] = errors.map((f) => ({
    file: f.source?.file,
    line: f.source?.line,
    field:
      f.source?.field ??
      (f.logicalId
        ? `${f.logicalId}${f.pointer.replace(/^\/Resources\/[^/]+/, '')}`
        : f.pointer || undefined),
    message: `${f.message} [${f.rule}]`,
    hint: f.hint,
  }));
  return new SftpgwError(
    'invalid-input',
    `the template is not valid: ${summarize(countFindings(findings))}`,
    { problems, findings },
  );
}
