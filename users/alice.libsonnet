// Alice, platform team: read-write, home directory is her username.
{
  sshPublicKeys: [
    'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIJoHHUX/SzXdUaQ+cqIFP39GByjMFr6oasxMDLQ99RS1 alice@laptop',
  ],
}
