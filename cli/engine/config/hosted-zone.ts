// dns.hostedZoneId: Route 53 names a hosted zone by its id (Z…), which the
// console shows bare, while the AWS CLI and the API's HostedZone.Id give it
// as /hostedzone/Z… (`aws route53 list-hosted-zones`). Both are accepted
// (the schema's pattern, schema.ts); the template gets the bare id, the form
// AWS::Route53::RecordSet's HostedZoneId takes.
// https://docs.aws.amazon.com/Route53/latest/APIReference/API_HostedZone.html

/** The schema's pattern: an optional /hostedzone/ and the id. */
export const HOSTED_ZONE_ID_PATTERN = '^(/hostedzone/)?Z[A-Z0-9]{1,31}$';

/** The bare id: /hostedzone/Z123 → Z123. */
export function hostedZoneId(value: string): string {
  return value.replace(/^\/hostedzone\//, '');
}

export const HOSTED_ZONE_HINT =
  'a Route 53 hosted zone id: Z and capital letters and digits (e.g. Z0123456789ABCDEFGHIJ), as the console shows it or as `aws route53 list-hosted-zones` prints it (/hostedzone/Z…)';
