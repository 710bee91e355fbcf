// The function's environment (the wiring round sets it in the template):
//   DIRECTORY_BUCKET, DIRECTORY_KEY   where the directory object is (required)
//   DIRECTORY_VERSION                 optional: a version id to pin
//   DIRECTORY_CACHE_SECONDS           how often a warm container re-checks (default 30)
//   USER_ROLE_ARN                     the Role every answer names (required)
//   BUCKET_NAME, KEY_ARN              ${Bucket}, ${KeyArn} in policies and homes (required)
//   AWS_PARTITION                     ${AWS::Partition} (default aws)
import type { AnswerSettings } from './decide.js';
import type { DirectoryLocation } from './aws.js';

export interface IdentitySettings {
  location: DirectoryLocation;
  cacheMs: number;
  answer: AnswerSettings;
}

export type SettingsCheck = { settings: IdentitySettings } | { problem: string };

export const DEFAULT_CACHE_SECONDS = 30;

export function identitySettings(env: NodeJS.ProcessEnv): SettingsCheck {
  const missing = ['DIRECTORY_BUCKET', 'DIRECTORY_KEY', 'USER_ROLE_ARN', 'BUCKET_NAME', 'KEY_ARN']
    .filter((name) => !env[name])
    .map((name) => name);
  if (missing.length > 0)
    return { problem: `${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} not set` };
  const rawCache = env.DIRECTORY_CACHE_SECONDS;
  const cacheSeconds =
    rawCache === undefined || rawCache === '' ? DEFAULT_CACHE_SECONDS : Number(rawCache);
  if (!Number.isFinite(cacheSeconds) || cacheSeconds < 0)
    return {
      problem: `DIRECTORY_CACHE_SECONDS must be a number of seconds ≥ 0, not "${rawCache}"`,
    };
  return {
    settings: {
      location: {
        bucket: env.DIRECTORY_BUCKET as string,
        key: env.DIRECTORY_KEY as string,
        versionId: env.DIRECTORY_VERSION || undefined,
      },
      cacheMs: cacheSeconds * 1000,
      answer: {
        role: env.USER_ROLE_ARN as string,
        bucket: env.BUCKET_NAME as string,
        keyArn: env.KEY_ARN as string,
        partition: env.AWS_PARTITION || 'aws',
      },
    },
  };
}
