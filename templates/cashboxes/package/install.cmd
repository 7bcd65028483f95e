{% autoescape off %}@echo off
rem Installs the fiskaltrust Middleware of this package as a Windows service named
rem fiskaltrust- and the CashBox id, with the settings of {{ launcher_file }}. Run test.cmd first.
setlocal
cd /d "%~dp0"
net.exe session 1>nul 2>nul || (echo Run this script as administrator: right-click it, Run as administrator. & pause & exit /b 1)
if not exist "%~dp0fiskaltrust.Launcher.exe" (echo fiskaltrust.Launcher.exe not found: put the fiskaltrust Launcher 2.0 for Windows next to this script, see README.md. & pause & exit /b 1)
rem An absolute path: the service does not start in this folder.
"%~dp0fiskaltrust.Launcher.exe" install --launcher-configuration-file "%~dp0{{ launcher_file }}"
set result=%errorlevel%
pause
exit /b %result%
{% endautoescape %}
