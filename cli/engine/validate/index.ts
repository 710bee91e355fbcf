// What the rest of the engine uses of validation. The pipeline
// (./pipeline.ts) is the one way a gateway is validated: its input from
// synthesis (./input-from-synthesis.ts) or from files
// (./input-from-files.ts), through the layers (./layers.ts, cfn-lint beside
// them: ./template-checks.ts; rules by area under ./rules/), to findings.
export type { Counts, Finding, Layer, Severity, SourceLocation } from './finding.js';
export { blocking, countFindings, summarize } from './finding.js';
export type { SourceLocator } from './finding-locator.js';
export type { ChildInput, GatewayInput, TemplateInput } from './input.js';
export { templateFileInput } from './input-from-files.js';
export { synthesizedInput } from './input-from-synthesis.js';
export { validateGateway, type ValidationRun } from './pipeline.js';
export type { LintSettings } from './template-checks.js';
export { validate, type ValidateOptions, type ValidationResult } from './validate.js';
export { validationFailed } from './validation-failed.js';
