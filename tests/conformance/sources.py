"""The upstream sources this suite ports, pinned to the commits that were read.

Every rule cites one of these through `cite()`, so a reader can open the exact file the rule
was ported from (`git -C <mirror> show <commit>:<path>`).
"""

LAUNCHER = ("fiskaltrust/middleware-launcher", "e7103ce84b34885609358b38ab23cfbf9bd09804")
MIDDLEWARE = ("fiskaltrust/middleware", "eea0e59b43bd10b7f42f3145834c0c5f3ede6386")
ANDROID = ("fiskaltrust/middleware-launcher-android", "d6762c0c4b63d33da3e6517b6b01960112ba1501")
DOCS = ("fiskaltrust/docs", "1428869f116d69ba462780736cf57596d586c8a9")
# Newtonsoft.Json 12.0.3 is the version every middleware project references
# (queue/src/*/*.csproj); its reader semantics are what the type checks port.
NEWTONSOFT = ("JamesNK/Newtonsoft.Json", "7c3d7f8da7e35dde8fa74188b0decff70f8f10e3")


def cite(source, path):
    """`owner/repo@commit8:path`: short enough for a message, exact enough to open the file."""
    repo, commit = source
    return f"{repo}@{commit[:8]}:{path}"


# Paths used by more than one module.
L_ENCRYPTION = cite(LAUNCHER, "src/fiskaltrust.Launcher/Helpers/Encryption.cs")
L_CASHBOX_EXT = cite(LAUNCHER, "src/fiskaltrust.Launcher/Configuration/CashBoxConfigurationExt.cs")
L_COMMON = cite(LAUNCHER, "src/fiskaltrust.Launcher/Commands/Common.cs")
L_CONFIG_DOWNLOADER = cite(LAUNCHER, "src/fiskaltrust.Launcher/Download/ConfigurationDownloader.cs")
L_PACKAGE_DOWNLOADER = cite(LAUNCHER, "src/fiskaltrust.Launcher/Download/PackageDownloader.cs")
L_PLEBEIAN = cite(LAUNCHER, "src/fiskaltrust.Launcher/ProcessHost/ProcessHostPlebeian.cs")
L_MONARCH_STARTUP = cite(LAUNCHER, "src/fiskaltrust.Launcher/ProcessHost/ProcessHostMonarcStartup.cs")
L_HOST_COMMAND = cite(LAUNCHER, "src/fiskaltrust.Launcher/Commands/HostCommand.cs")
L_HOSTING = cite(LAUNCHER, "src/fiskaltrust.Launcher/Services/HostingService.cs")
L_PLUGIN_LOADER = cite(LAUNCHER, "src/fiskaltrust.Launcher/AssemblyLoading/PluginLoader.cs")
L_LAUNCHER_CONFIG = cite(LAUNCHER, "src/fiskaltrust.Launcher.Common/Configuration/Configuration.cs")
L_README = cite(LAUNCHER, "README.md")
L_DE_CLIENTS = cite(LAUNCHER, "src/fiskaltrust.Launcher/Clients/DESSCDClientFactory.cs")
L_AT_CLIENTS = cite(LAUNCHER, "src/fiskaltrust.Launcher/Clients/ATSSCDClientFactory.cs")
L_IT_CLIENTS = cite(LAUNCHER, "src/fiskaltrust.Launcher/Clients/ITSSCDClientFactory.cs")

M_CASHBOX_CONFIGURATION = cite(MIDDLEWARE, "storage/src/fiskaltrust.storage.serialization/ftCashBoxConfiguration.cs")
M_PACKAGE_CONFIGURATION = cite(MIDDLEWARE, "storage/src/fiskaltrust.storage.serialization/PackageConfiguration.cs")
M_BASE_STORAGE = cite(MIDDLEWARE, "queue/src/fiskaltrust.Middleware.Storage.Base/BaseStorageBootStrapper.cs")
M_QUEUE_BOOTSTRAPPER = cite(MIDDLEWARE, "queue/src/fiskaltrust.Middleware.Queue/Bootstrapper/QueueBootstrapper.cs")
M_LOCALIZED_FACTORY = cite(MIDDLEWARE, "queue/src/fiskaltrust.Middleware.Queue/Bootstrapper/LocalizedQueueBootStrapperFactory.cs")
M_STORAGE_ENCRYPTION = cite(MIDDLEWARE, "storage/src/fiskaltrust.storage.encryption/Encryption.cs")
M_MODELS = "storage/src/fiskaltrust.storage/Models/"

A_LAUNCHER = cite(ANDROID, "src/fiskaltrust.AndroidLauncher.Common/Services/MiddlewareLauncher.cs")
A_SQLITE_PROVIDER = cite(ANDROID, "src/fiskaltrust.AndroidLauncher.Common/Services/Queue/SQLiteQueueProvider.cs")
A_DE_CLIENTS = cite(ANDROID, "src/fiskaltrust.AndroidLauncher.Common/Signing/DESSCDClientFactory.cs")
A_IT_CLIENTS = cite(ANDROID, "src/fiskaltrust.AndroidLauncher.Common/Signing/ITSSCDClientFactory.cs")
A_HELPER = cite(ANDROID, "src/fiskaltrust.AndroidLauncher.Common/Services/Helper/HelipadHelperProvider.cs")
A_GRPC_URLS = cite(ANDROID, "src/fiskaltrust.AndroidLauncher.Grpc/Helpers/GrpcUrlResolver.cs")
A_REST_URLS = cite(ANDROID, "src/fiskaltrust.AndroidLauncher.Http/Helpers/RestUrlResolver.cs")
A_HELIPAD = cite(ANDROID, "src/fiskaltrust.AndroidLauncher.Common/Services/Configuration/HelipadConfigurationProvider.cs")

N_READER = cite(NEWTONSOFT, "Src/Newtonsoft.Json/JsonReader.cs")
N_INTERNAL_READER = cite(NEWTONSOFT, "Src/Newtonsoft.Json/Serialization/JsonSerializerInternalReader.cs")
