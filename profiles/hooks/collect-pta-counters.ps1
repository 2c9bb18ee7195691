# Collects the PTA agents' own counters during a ptaload run, for `ptaload attribute <dir> --counters <csv>`.
# Run it on a machine that may read the agent servers' performance counters (Performance Monitor Users),
# started just before the run, or from a timeline hook, e.g.
#   agents:
#     hooks:
#       add: "pwsh -File profiles/hooks/collect-pta-counters.ps1 -Hosts {host} -Seconds 600 -Out counters-{name}.csv"
# It writes the CSV format Export-Counter writes (PDH-CSV), one column per agent and counter.
param(
  [Parameter(Mandatory = $true)] [string[]] $Hosts,
  [int] $Seconds = 600,
  [int] $IntervalSeconds = 1,
  [string] $Out = "pta-counters.csv"
)
$paths = foreach ($h in $Hosts) {
  "\\$h\Microsoft AAD Connect Agents(*)\#PTA authentications"
  "\\$h\Microsoft AAD Connect Agents(*)\#PTA successful authentications"
  "\\$h\Microsoft AAD Connect Agents(*)\#PTA failed authentications"
}
$samples = [math]::Max(1, [int]($Seconds / $IntervalSeconds))
Get-Counter -Counter $paths -SampleInterval $IntervalSeconds -MaxSamples $samples |
  Export-Counter -Path $Out -FileFormat CSV -Force
Write-Output "wrote $Out ($samples samples of $($paths.Count) counters)"
