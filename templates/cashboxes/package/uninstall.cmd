{% autoescape off %}@echo off
rem Removes the Windows service of this package. The service folder {{ service_folder }} stays:
rem it holds the queues' receipt journals, which must be kept.
setlocal
cd /d "%~dp0"
net.exe session 1>nul 2>nul || (echo Run this script as administrator: right-click it, Run as administrator. & pause & exit /b 1)
if not exist "%~dp0fiskaltrust.Launcher.exe" (echo fiskaltrust.Launcher.exe not found: put the fiskaltrust Launcher 2.0 for Windows next to this script, see README.md. & pause & exit /b 1)
"%~dp0fiskaltrust.Launcher.exe" uninstall --launcher-configuration-file "%~dp0{{ launcher_file }}"
set result=%errorlevel%
pause
exit /b %result%
{% endautoescape %}
