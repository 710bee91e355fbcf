// The custom identity provider function: Transfer Family calls it at every
// login of a server with IdentityProviderType AWS_LAMBDA ("Using AWS Lambda
// to integrate your identity provider",
// https://docs.aws.amazon.com/transfer/latest/userguide/custom-lambda-idp.html)
// and it answers from the directory (shared/identity/directory.ts) that
// `sftpgw build` renders: event.ts checks the event, decide.ts decides,
// directory-store.ts keeps the directory per warm container, login-log.ts
// writes one line per login. Bundled by scripts/bundle-handler.ts into
// dist/handler/identity.js, one file; the handler zip carries it as
// identity.mjs (Handler: identity.handler). Environment: settings.ts.
//
// Every path that is not an allow returns {} (Transfer's deny); nothing is
// thrown, so no stack trace with an event value in it reaches the log.
import type { Context } from 'aws-lambda';
import { verifyPassword } from '../../shared/identity/password-hash.js';
import { s3DirectorySource } from './aws.js';
import { decide, type IdpAnswer } from './decide.js';
import { DirectoryCache } from './directory-store.js';
import { checkEvent } from './event.js';
import { LoginLog } from './login-log.js';
import { identitySettings, type IdentitySettings } from './settings.js';

// Settings, the S3 client and the directory live as long as the (warm) container.
let shared: { settings: IdentitySettings; cache: DirectoryCache } | { problem: string } | undefined;

function wiring() {
  if (shared === undefined) {
    const check = identitySettings(process.env);
    shared =
      'problem' in check
        ? check
        : {
            settings: check.settings,
            cache: new DirectoryCache(
              s3DirectorySource(check.settings.location),
              check.settings.cacheMs,
            ),
          };
  }
  return shared;
}

const write = (line: string): void => {
  process.stdout.write(line);
};

const today = (): string => new Date().toISOString().slice(0, 10);

/** Transfer's deny: an empty response. */
export type Deny = Record<string, never>;

export async function handler(event: unknown, context: Context): Promise<IdpAnswer | Deny> {
  const started = performance.now();
  const ms = () => Math.round((performance.now() - started) * 10) / 10;
  const log = new LoginLog(write, { requestId: context?.awsRequestId });
  const checked = checkEvent(event);
  if ('invalid' in checked) {
    log.invalid(checked.invalid, ms());
    return {};
  }
  const login = checked.event;
  log.forget(login.password);
  const method = login.password === undefined ? 'key' : 'password';

  const wired = wiring();
  if ('problem' in wired) {
    log.login(login, { allow: false, reason: 'misconfigured', method }, ms(), {
      problem: wired.problem,
    });
    return {};
  }
  const current = await wired.cache.current();
  if (current.problem !== undefined && current.problemIsNew && current.directory)
    log.error('the directory could not be read; the last good version is still served', {
      problem: current.problem,
      directoryVersion: current.version,
    });
  if (!current.directory) {
    log.login(login, { allow: false, reason: 'directory-unavailable', method }, ms(), {
      problem: current.problem,
    });
    return {};
  }
  const decision = await decide(
    current.directory,
    login,
    today(),
    wired.settings.answer,
    verifyPassword,
  );
  log.login(login, decision, ms(), { directoryVersion: current.version });
  return decision.allow ? decision.answer : {};
}
