// Helper shared by partner user files (files starting with "_" are not users).
{
  new(key, folder):: {
    sshPublicKeys: [key],
    homeDirectory: 'partners/' + folder,
    tags: { kind: 'partner' },
  },
}
