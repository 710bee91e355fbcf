// The engine's flows: one function a command, each taking an options object
// and its adapters (jsonnet, cfn-lint, AWS, a Reporter) and returning a typed
// result; none prints. A command imports the module of its flow directly, so
// `sftpgw build` never loads what deploy needs; this index is the map.
export { build, type BuildOptions, type BuildResult } from './build.js';
export {
  validate,
  type ValidateOptions,
  type ValidationResult,
} from './validate/validate.js';
export {
  packageGateway,
  type PackageGatewayOptions,
  type PackageGatewayResult,
} from './flows/package-gateway.js';
export { deploy, type DeployOptions, type DeployResult } from './flows/deploy.js';
export { diff, type DiffResult } from './flows/diff.js';
export { info, type GatewayInfo, type InfoOptions } from './flows/info.js';
export type { StackAdapters, StackOptions } from './flows/stack.js';
export type { AwsContext, AwsFactory } from './flows/aws.js';
