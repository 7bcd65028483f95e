{% autoescape off %}@echo off
rem Checks the setup (launcher doctor), then runs the fiskaltrust Middleware of this package in
rem this window with debug logging. Stop it with Ctrl+C. Run it before install.cmd.
setlocal
cd /d "%~dp0"
net.exe session 1>nul 2>nul || (echo Run this script as administrator: right-click it, Run as administrator. & pause & exit /b 1)
if not exist "%~dp0fiskaltrust.Launcher.exe" (echo fiskaltrust.Launcher.exe not found: put the fiskaltrust Launcher 2.0 for Windows next to this script, see README.md. & pause & exit /b 1)
"%~dp0fiskaltrust.Launcher.exe" doctor --launcher-configuration-file "%~dp0{{ launcher_file }}" || (pause & exit /b 1)
"%~dp0fiskaltrust.Launcher.exe" run --launcher-configuration-file "%~dp0{{ launcher_file }}" --log-level debug
pause
{% endautoescape %}
