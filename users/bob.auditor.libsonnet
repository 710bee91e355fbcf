// Bob from internal audit reads everything under reports/, writes nothing.
{
  sshPublicKeys: ['ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQCjihsMDLWGnWq+Av4B51BxG2SUf+0SpSyHJWpwiAtmPbhe4NtTMDCow4TlfhCqeXdzhA2UB8cV2L5m736N0uVdCPtRzF/u/cSH1Zz/1QaPVH7w4TYVU4drI/fW9xzketmyYt8vYluBNWTl2O0fYvjrf9IPQbyhHAubN9P2q6p7Jrxt3KSnFS1CnDZ3g4dlXgXKMlJ10VUFNPUALHhypAptXb4/Y5h7WcBuMuFbTPVld8tujRJ1u1jTDYQ+u8rb83VDHS1owLDZIuh1vFYejpGTOUcXnUdiBh1NBpXmeNK0/KwInaCDbKnLUMxNZZtH6S+aKnZa94qrXM/vAMwkTsVne5pRd1KXJOmu8Q/rpibC00KoNFUEBbpsIolid2C+flSH6wt1jEUiI9S2OrR8Wbmu4Z1g6fzjmP1DTY5NxOlFyomoytDOzB3uGo9r//7kgSQQNgFwcGpbXfl44qrLlsrfi5iZxldI1t7eZtwmMrWS23m114+XcKkPI5niUOLmDFk= bob@audit'],
  homeDirectory: 'reports',
  readOnly: true,
  tags: { purpose: 'audit' },
}
