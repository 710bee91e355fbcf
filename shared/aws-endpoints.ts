// The AWS SDK reads the standard endpoint variables (AWS_ENDPOINT_URL,
// AWS_ENDPOINT_URL_<SERVICE>) itself; what it does not do is switch S3 to
// path-style addressing, which a custom endpoint (a local moto server, an
// S3-compatible store) needs: virtual-hosted names such as
// bucket.127.0.0.1 do not resolve. The CLI's clients and the push function
// decide it here, the same way.

/** The custom S3 endpoint, if one is set. */
export function s3Endpoint(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return env.AWS_ENDPOINT_URL_S3 || env.AWS_ENDPOINT_URL || undefined;
}

/** forcePathStyle for an S3 client: on exactly when a custom endpoint is set. */
export function s3PathStyle(env: NodeJS.ProcessEnv = process.env): boolean {
  return s3Endpoint(env) !== undefined;
}
