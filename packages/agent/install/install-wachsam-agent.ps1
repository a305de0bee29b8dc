<#
.SYNOPSIS
  Installs the Wachsam desktop agent (silent alarm) on a Windows PC or terminal server, silently.

.DESCRIPTION
  For GPO computer startup scripts, Intune Win32 apps (install behaviour: System) and SCCM/MECM.
  Runs as an administrator or SYSTEM; safe to run again (every GPO start does): a second run
  changes nothing that is already right and succeeds.

  -Mode Machine (default, a PC with its own desk): the PC is the device. The script copies
  wachsam-agent.exe to -InstallDir, enrols the PC ONCE with the organisation token into the
  machine-wide agent folder %ProgramData%\Wachsam\agent (hostname = computer name; the token
  is not kept on the PC), sets WACHSAM_AGENT_DIR for the machine, and creates for all users:
  the desktop icon, the Start-menu link with Ctrl+Alt+H and the Startup link that runs the
  agent at every sign-in (wachsam-agent install-shortcuts --all-users).

  -Mode TerminalServer (Citrix, RDS): every session is its own PC, named by the client it is
  used from (%CLIENTNAME%). No machine enrolment; the token is kept readable for users in
  %ProgramData%\Wachsam\org-token.txt and every session start enrols the session's client
  again (--force) and starts the agent, from the HKLM Run key.

  Exit codes: 0 installed (or already), 1 failed (see the log), 2 wrong parameters,
  3 not run as administrator, 4 enrolment refused or server unreachable (see the log).
  Log: %ProgramData%\Wachsam\install.log

.EXAMPLE
  powershell.exe -NoProfile -ExecutionPolicy Bypass -File install-wachsam-agent.ps1 -Server https://alarm.stadt.example -OrgToken wsorg_...

.EXAMPLE
  $env:WACHSAM_ORG_TOKEN = 'wsorg_...'; .\install-wachsam-agent.ps1 -Server https://alarm.stadt.example -Mode TerminalServer

.EXAMPLE
  .\install-wachsam-agent.ps1 -Uninstall
#>
[CmdletBinding()]
param(
  [string]$Server,
  # Also from the environment: a command line is visible to every user of the PC.
  [string]$OrgToken = $env:WACHSAM_ORG_TOKEN,
  [string]$InstallDir = (Join-Path $env:ProgramFiles 'Wachsam'),
  # wachsam-agent-win-x64.exe; default: next to this script.
  [string]$Source = (Join-Path $PSScriptRoot 'wachsam-agent-win-x64.exe'),
  [ValidateSet('Machine', 'TerminalServer')]
  [string]$Mode = 'Machine',
  # Machine mode only: the name the hostname mapping knows this PC by (default: computer name).
  [string]$Hostname,
  [switch]$Uninstall
)

$ErrorActionPreference = 'Stop'
$dataDir = Join-Path $env:ProgramData 'Wachsam'
$agentDir = Join-Path $dataDir 'agent'
$tokenFile = Join-Path $dataDir 'org-token.txt'
$logFile = Join-Path $dataDir 'install.log'
$exe = Join-Path $InstallDir 'wachsam-agent.exe'
$runKey = 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\Run'
$runValue = 'Wachsam Agent'
# Well-known SIDs, so the script works on German, English, … Windows alike.
$sidSystem = '*S-1-5-18'
$sidAdmins = '*S-1-5-32-544'
$sidUsers = '*S-1-5-32-545'

New-Item -ItemType Directory -Force -Path $dataDir | Out-Null
function Write-Log([string]$Message) {
  $line = '{0} {1}' -f (Get-Date -Format 'yyyy-MM-dd HH:mm:ss'), $Message
  Add-Content -Path $logFile -Value $line -Encoding UTF8
  Write-Output $line
}
function Exit-With([int]$Code, [string]$Message) {
  Write-Log "$Message (Exit $Code)"
  exit $Code
}
# A native program's stderr under 2>&1 is an error record in Windows PowerShell 5.1, which
# 'Stop' would turn into an exception: run it with 'Continue' and judge by the exit code.
function Invoke-Native([string]$Program, [string[]]$Arguments) {
  $previous = $ErrorActionPreference
  $ErrorActionPreference = 'Continue'
  try {
    $out = & $Program @Arguments 2>&1 | ForEach-Object { "$_" }
    $code = $LASTEXITCODE
  } finally {
    $ErrorActionPreference = $previous
  }
  return [pscustomobject]@{ Code = $code; Output = ($out -join ' ') }
}
function Invoke-Icacls([string[]]$Arguments) {
  $r = Invoke-Native 'icacls.exe' $Arguments
  if ($r.Code -ne 0) { throw "icacls $($Arguments -join ' '): $($r.Output)" }
}

try {
  $principal = New-Object Security.Principal.WindowsPrincipal([Security.Principal.WindowsIdentity]::GetCurrent())
  if (-not $principal.IsInRole([Security.Principal.WindowsBuiltInRole]::Administrator)) {
    Exit-With 3 'Nicht als Administrator gestartet.'
  }

  # ------------------------------------------------------------------ uninstall
  if ($Uninstall) {
    Write-Log 'Deinstallation'
    Get-Process -Name 'wachsam-agent' -ErrorAction SilentlyContinue | Stop-Process -Force -ErrorAction SilentlyContinue
    $links = @(
      (Join-Path ([Environment]::GetFolderPath('CommonDesktopDirectory')) 'Wachsam Alarm.lnk'),
      (Join-Path ([Environment]::GetFolderPath('CommonStartup')) 'Wachsam Agent.lnk'),
      (Join-Path ([Environment]::GetFolderPath('CommonPrograms')) 'Wachsam')
    )
    foreach ($link in $links) { Remove-Item -LiteralPath $link -Recurse -Force -ErrorAction SilentlyContinue }
    Remove-ItemProperty -Path $runKey -Name $runValue -ErrorAction SilentlyContinue
    [Environment]::SetEnvironmentVariable('WACHSAM_AGENT_DIR', $null, 'Machine')
    Remove-Item -LiteralPath $InstallDir -Recurse -Force -ErrorAction SilentlyContinue
    Remove-Item -LiteralPath $tokenFile -Force -ErrorAction SilentlyContinue
    # The agent folder stays: it may hold presses not yet confirmed, for review. Delete the
    # device in the administration ("Geräte") so its token is no longer valid.
    Exit-With 0 "Deinstalliert. $agentDir bleibt (Registrierung, nicht zugestellte Alarme)."
  }

  # ------------------------------------------------------------------ parameters
  if (-not $Server -or $Server -notmatch '^https?://[^\s/]+') { Exit-With 2 '-Server https://… fehlt oder ist keine URL.' }
  if (-not (Test-Path -LiteralPath $Source)) { Exit-With 2 "-Source: $Source fehlt." }
  $enrolled = Test-Path -LiteralPath (Join-Path $agentDir 'agent.json')
  $needToken = ($Mode -eq 'TerminalServer') -or -not $enrolled
  if ($needToken -and -not $OrgToken) { Exit-With 2 '-OrgToken oder $env:WACHSAM_ORG_TOKEN fehlt.' }
  Write-Log "Installation ($Mode) nach $InstallDir, Server $Server"

  # ------------------------------------------------------------------ the executable
  New-Item -ItemType Directory -Force -Path $InstallDir | Out-Null
  $same = (Test-Path -LiteralPath $exe) -and
    ((Get-FileHash -LiteralPath $exe).Hash -eq (Get-FileHash -LiteralPath $Source).Hash)
  if (-not $same) {
    if (Test-Path -LiteralPath $exe) {
      # A running agent locks its .exe against overwriting, but not against renaming: the
      # sessions keep running the old file until their next sign-in, the new one is in place.
      Rename-Item -LiteralPath $exe -NewName ('wachsam-agent.exe.old-{0}' -f (Get-Date -Format 'yyyyMMddHHmmss'))
    }
    Copy-Item -LiteralPath $Source -Destination $exe
    Write-Log "wachsam-agent.exe kopiert ($((Invoke-Native $exe @('version')).Output))"
  }

  # Old copies no session runs any more (the others go at a later run).
  Get-ChildItem -LiteralPath $InstallDir -Filter 'wachsam-agent.exe.old-*' |
    Remove-Item -Force -ErrorAction SilentlyContinue

  if ($Mode -eq 'Machine') {
    # ---------------------------------------------------------------- one device: this PC
    # Every user's `run` writes the folder (state, outbox); only administrators change
    # agent.json (set below), so no user can point this PC's alarms elsewhere.
    New-Item -ItemType Directory -Force -Path $agentDir | Out-Null
    Invoke-Icacls @($agentDir, '/inheritance:r', '/grant:r', "${sidSystem}:(OI)(CI)F", "${sidAdmins}:(OI)(CI)F", "${sidUsers}:(OI)(CI)M")
    [Environment]::SetEnvironmentVariable('WACHSAM_AGENT_DIR', $agentDir, 'Machine')
    $env:WACHSAM_AGENT_DIR = $agentDir

    $enrolFailed = $false
    if (-not $enrolled) {
      $env:WACHSAM_ORG_TOKEN = $OrgToken
      $enrolArgs = @('enroll', '--server', $Server)
      if ($Hostname) { $enrolArgs += @('--hostname', $Hostname) }
      $r = Invoke-Native $exe $enrolArgs
      Remove-Item Env:\WACHSAM_ORG_TOKEN
      Write-Log "enroll: $($r.Output)"
      $enrolFailed = $r.Code -ne 0
    } else {
      Write-Log "Bereits registriert ($agentDir\agent.json)."
    }
    if (-not $enrolFailed) {
      # agent.json holds the PC's device token: readable by the PC's users (their agent needs
      # it), changeable by administrators only.
      Invoke-Icacls @((Join-Path $agentDir 'agent.json'), '/inheritance:r', '/grant:r', "${sidSystem}:F", "${sidAdmins}:F", "${sidUsers}:R")
    }
    Remove-ItemProperty -Path $runKey -Name $runValue -ErrorAction SilentlyContinue
    Remove-Item -LiteralPath $tokenFile -Force -ErrorAction SilentlyContinue

    # Desktop icon, Start menu with Ctrl+Alt+H, Startup link for `run`: for every user.
    $r = Invoke-Native $exe @('install-shortcuts', '--all-users')
    Write-Log "install-shortcuts: $($r.Output)"
    if ($r.Code -ne 0) { Exit-With 1 'Verknüpfungen nicht angelegt.' }
    # Installed, but not enrolled: the icons say so when pressed; the next run enrols.
    if ($enrolFailed) { Exit-With 4 'Registrierung fehlgeschlagen: Schlüssel ungültig/abgelaufen, PC gesperrt oder Server nicht erreichbar.' }
  } else {
    # ---------------------------------------------------------------- one device per client
    # Each session enrols itself: the token must be readable by the users of this server.
    Set-Content -LiteralPath $tokenFile -Value $OrgToken.Trim() -Encoding Ascii -NoNewline
    Invoke-Icacls @($tokenFile, '/inheritance:r', '/grant:r', "${sidSystem}:F", "${sidAdmins}:F", "${sidUsers}:R")
    [Environment]::SetEnvironmentVariable('WACHSAM_AGENT_DIR', $null, 'Machine')
    Remove-Item Env:\WACHSAM_AGENT_DIR -ErrorAction SilentlyContinue
    $vbsServer = $Server -replace '"', '""'
    $vbsExe = $exe -replace '"', '""'
    $vbsToken = $tokenFile -replace '"', '""'
    $session = @"
' Wachsam (terminal server): at every session start, enrol the client this session is used
' from (%CLIENTNAME%) again, so an alarm names the place the person sits today, then start
' the agent hidden. Written by install-wachsam-agent.ps1.
Set shell = CreateObject("WScript.Shell")
Set fso = CreateObject("Scripting.FileSystemObject")
exe = "$vbsExe"
client = shell.ExpandEnvironmentStrings("%CLIENTNAME%")
If client <> "%CLIENTNAME%" And client <> "" And LCase(client) <> "console" And fso.FileExists("$vbsToken") Then
  Set f = fso.OpenTextFile("$vbsToken")
  shell.Environment("Process")("WACHSAM_ORG_TOKEN") = Trim(f.ReadLine())
  f.Close
  ' Failing (server unreachable): the previous enrolment stays; `run` uses it.
  shell.Run """" & exe & """ enroll --force --server ""$vbsServer""", 0, True
  shell.Environment("Process").Remove("WACHSAM_ORG_TOKEN")
End If
shell.Run """" & exe & """ run", 0, False
"@
    Set-Content -LiteralPath (Join-Path $InstallDir 'wachsam-session.vbs') -Value $session -Encoding Unicode
    $wscript = Join-Path $env:SystemRoot 'System32\wscript.exe'
    New-ItemProperty -Path $runKey -Name $runValue -PropertyType String -Force `
      -Value "`"$wscript`" //B //Nologo `"$(Join-Path $InstallDir 'wachsam-session.vbs')`"" | Out-Null

    # Icons and Ctrl+Alt+H for every user; `run` starts from the Run key above.
    $r = Invoke-Native $exe @('install-shortcuts', '--all-users', '--no-autostart')
    Write-Log "install-shortcuts: $($r.Output)"
    if ($r.Code -ne 0) { Exit-With 1 'Verknüpfungen nicht angelegt.' }
    Remove-Item -LiteralPath (Join-Path ([Environment]::GetFolderPath('CommonStartup')) 'Wachsam Agent.lnk') -Force -ErrorAction SilentlyContinue
  }
  Exit-With 0 'Installiert. Der Agent startet bei der nächsten Anmeldung.'
} catch {
  Exit-With 1 "Fehler: $($_.Exception.Message)"
}
