// ACME Corp, a partner: drops orders into partners/acme.
local partner = import '_partner.libsonnet';

partner.new(
  key='ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTYAAABBBDmHZqdF7xcrZSIUWRD37+wbapBH0gDTqL/gVIbyTYCg8wC2mIN4mJ+1OOJyix/z7YhlZCRK79+VjeTCEewR71w= transfer@acme',
  folder='acme',
) + { tags+: { costCenter: 'cc-4711' } }
