// AWS SDK errors as the SDK shapes them, for the tests of
// cli/adapters/aws/errors.ts (test/aws/aws-errors.unit.test.ts and
// aws-errors.test.ts).
import { expect } from 'chai';
import { explainAwsError } from '../../cli/adapters/aws/errors.js';
import { SftpgwError } from '../../cli/engine/errors.js';

/** An error as the SDK throws it after AWS answered: a name, a message, $metadata (and the action our middleware adds). */
export const sdkError = (name: string, message: string, status: number, action?: string) =>
  Object.assign(new Error(message), {
    name,
    $metadata: { httpStatusCode: status, attempts: 1 },
    ...(action ? { $action: action } : {}),
  });

/** The SftpgwError explainAwsError makes of `err`, checked to keep `err` as its cause. */
export function explained(err: unknown): SftpgwError {
  const e = explainAwsError(err);
  expect(e).to.be.instanceOf(SftpgwError);
  expect((e as SftpgwError).kind).to.equal('failed');
  expect(
    (e as SftpgwError).cause,
    'the SDK error is kept as the cause (printed with --debug)',
  ).to.equal(err);
  return e as SftpgwError;
}
