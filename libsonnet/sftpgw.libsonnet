// Index of the resource libraries: `local sftpgw = import 'sftpgw.libsonnet';`
{
  component: import 'component.libsonnet',
  tags: import 'tags.libsonnet',
  key: import 'key.libsonnet',
  bucket: import 'bucket.libsonnet',
  logs: import 'logs.libsonnet',
  role: import 'role.libsonnet',
  server: import 'server.libsonnet',
  endpoint: import 'endpoint.libsonnet',
  record: import 'record.libsonnet',
  user: import 'user.libsonnet',
  alarms: import 'alarms.libsonnet',
  outbound: import 'outbound.libsonnet',
  downstream: import 'downstream.libsonnet',
  ingest: import 'ingest.libsonnet',
  malwareScan: import 'malware-scan.libsonnet',
  gateway: import 'gateway.libsonnet',
}
