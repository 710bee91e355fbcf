// Transfer Family structured-log entries as AWS documents them, for the
// `sftpgw uploads` tests: the fields and their spelling of the example
// session (CONNECTED, OPEN, CLOSE, DISCONNECTED) in
// https://docs.aws.amazon.com/transfer/latest/userguide/cw-example-logs.html
// (bytes-in a string of digits, as there), PARTIAL_CLOSE shaped like CLOSE
// (https://docs.aws.amazon.com/transfer/latest/userguide/cw-structure-logs.html
// lists it among the activity types with the same fields).
export const SERVER_ARN = 'arn:aws:transfer:us-east-1:123456789012:server/s-3fe215d89f074ed2a';

export function connected(o: {
  session: string;
  user: string;
  ip: string;
  home?: string;
  extra?: Record<string, unknown>;
}): string {
  return JSON.stringify({
    role: 'arn:aws:iam::123456789012:role/transfer-s3',
    'activity-type': 'CONNECTED',
    ciphers: 'chacha20-poly1305@openssh.com,chacha20-poly1305@openssh.com',
    client: 'SSH-2.0-OpenSSH_9.6',
    'source-ip': o.ip,
    'resource-arn': SERVER_ARN,
    'home-dir': o.home ?? `/gateway-bucket/${o.user}`,
    'ssh-public-key': 'AAAAC3NzaC1lZDI1NTE5AAAAIA9OY0qV6XYVHaaOiWAcj2spDJVbgjrqDPY4pxd6GnHl',
    'ssh-public-key-fingerprint': 'SHA256:BY3gNMHwTfjd4n2VuT4pTyLOk82zWZj4KEYEu7y4r/0',
    'ssh-public-key-type': 'ssh-ed25519',
    user: o.user,
    kex: 'ecdh-sha2-nistp256',
    'session-id': o.session,
    ...o.extra,
  });
}

export function opened(o: { session: string; path: string }): string {
  return JSON.stringify({
    mode: 'CREATE|TRUNCATE|WRITE',
    path: o.path,
    'activity-type': 'OPEN',
    'resource-arn': SERVER_ARN,
    'session-id': o.session,
  });
}

export function closed(o: {
  session: string;
  path: string;
  bytes: number | string;
  partial?: boolean;
}): string {
  return JSON.stringify({
    path: o.path,
    'activity-type': o.partial ? 'PARTIAL_CLOSE' : 'CLOSE',
    'resource-arn': SERVER_ARN,
    'bytes-in': String(o.bytes),
    'session-id': o.session,
  });
}

export function disconnected(session: string): string {
  return JSON.stringify({
    'activity-type': 'DISCONNECTED',
    'resource-arn': SERVER_ARN,
    'session-id': session,
  });
}
