"""The catalog: what the portal knows per country (brief, section 3)."""

import json

import pytest

from cashboxes import catalog
from cashboxes.catalog import Parameter


@pytest.mark.parametrize(
    "option_id,limit",
    [
        ("swissbit-cloud", 1),
        ("deutsche-fiskal", 1),
        ("swissbit", 100),
        ("epson", 100),
        ("cryptovision", 128),
        ("fiskaly", None),
    ],
)
def test_german_tse_client_limits(option_id, limit):
    option = catalog.country("DE").signing_option(option_id)
    assert option.max_clients == limit
    assert option.limit_known


def test_fiskaly_is_unlimited_and_diebold_nixdorf_unknown():
    germany = catalog.country("DE")
    assert germany.signing_option("fiskaly").max_clients is None
    assert germany.signing_option("fiskaly").limit_known
    assert not germany.signing_option("diebold-nixdorf").limit_known


@pytest.mark.parametrize(
    "option_id,package",
    [
        ("fiskaly", "fiskaltrust.Middleware.SCU.DE.FiskalyCertified"),
        ("swissbit-cloud", "fiskaltrust.Middleware.SCU.DE.SwissbitCloud"),
        ("deutsche-fiskal", "fiskaltrust.Middleware.SCU.DE.DeutscheFiskal"),
        ("swissbit", "fiskaltrust.Middleware.SCU.DE.Swissbit"),
        ("cryptovision", "fiskaltrust.Middleware.SCU.DE.CryptoVision"),
        ("diebold-nixdorf", "fiskaltrust.Middleware.SCU.DE.DieboldNixdorf"),
        ("epson", "fiskaltrust.Middleware.SCU.DE.Epson"),
    ],
)
def test_german_signing_options_use_the_middlewares_package_ids(option_id, package):
    assert catalog.country("DE").signing_option(option_id).package == package
    assert catalog.signing_option_for_package(package)[1].id == option_id


def test_italy_offers_the_epson_rt_server_with_the_middlewares_parameters():
    country, option = catalog.signing_option_for_package("fiskaltrust.Middleware.SCU.IT.EpsonRTServer")
    assert country.code == "IT" and option is catalog.country("IT").signing_option("epson-rt-server")
    assert (option.kind, option.vendor, option.placement) == (catalog.NETWORK, "Epson", catalog.COMPONENT)
    assert option.max_clients is None and not option.limit_known  # not published
    assert [p.name for p in option.parameters] == [
        "ServerUrl",
        "Username",
        "Password",
        "DisableSSLValidation",
        "SendReceiptsSync",
        "IgnoreRTServerErrors",
        "MaxDocumentSendRetries",
        "ServerBusyRetries",
        "ServerBusyRetryDelayInMs",
        "PerformServerZReportOnDailyClosing",
        "RTServerHttpTimeoutInMs",
        "ServerCommandTimeoutInMs",
        "ServiceFolder",
        "CacheDirectory",
        "messagesize",  # Launcher 2.0's host keys (HostingService.cs)
        "timeout",
    ]
    server_url = option.parameter("ServerUrl")
    assert (server_url.type, server_url.required, server_url.secret) == ("url", True, False)
    assert [p.name for p in option.parameters if p.required] == ["ServerUrl"]
    assert option.secret_names == {"Password"}
    assert option.parameter("Username").default == "epson"
    defaults = {p.name: p.default for p in option.parameters if p.type in ("int", "bool")}
    assert defaults == {
        "DisableSSLValidation": False,
        "SendReceiptsSync": True,
        "IgnoreRTServerErrors": False,
        "MaxDocumentSendRetries": 5,
        "ServerBusyRetries": 5,
        "ServerBusyRetryDelayInMs": 2000,
        "PerformServerZReportOnDailyClosing": False,
        "RTServerHttpTimeoutInMs": 15000,
        "ServerCommandTimeoutInMs": 10000,
        "messagesize": None,  # written only when given: the launcher has its own defaults
        "timeout": None,
    }
    with pytest.raises(ValueError, match="required"):
        server_url.clean("")
    with pytest.raises(ValueError, match="URL"):
        server_url.clean("192.168.0.10")


def test_the_catalog_covers_at_least_de_at_fr_it():
    assert {"DE", "AT", "FR", "IT"} <= set(catalog.COUNTRIES)
    assert catalog.country("XX") is None
    assert [code for code, _name in catalog.country_choices()] == list(catalog.COUNTRIES)


@pytest.mark.parametrize("code", list(catalog.COUNTRIES))
def test_every_country_has_queue_packages_and_signing_options_with_packages(code):
    country = catalog.country(code)
    assert country.queue_packages
    assert all(q.package.startswith("fiskaltrust.") for q in country.queue_packages)
    assert country.signing_options
    for option in country.signing_options:
        assert option.package, option.id
        assert option.kind in {catalog.HARDWARE, catalog.NETWORK, catalog.CLOUD, catalog.VIRTUAL}
        assert option.placement in {catalog.COMPONENT, catalog.SERVICE, catalog.IN_QUEUE}
        assert set(option.platforms) <= set(catalog.ALL_PLATFORMS) and option.platforms
        # A hosted SCU is reached at the address the dealer enters (an absolute URL).
        if option.placement == catalog.SERVICE:
            assert option.parameter("Url").type == "url" and option.parameter("Url").required
        names = [p.name for p in option.parameters]
        assert len(names) == len(set(names)), f"{option.id} names a parameter twice"
    ids = [o.id for o in country.signing_options]
    assert len(ids) == len(set(ids))
    assert country.init_suffix == code
    assert country.scu_links in {"one", "many"}


def test_every_scu_package_belongs_to_one_signing_option_only():
    packages = [o.package for c in catalog.COUNTRIES.values() for o in c.signing_options]
    assert len(packages) == len(set(packages))


def test_every_parameter_default_passes_its_own_validation():
    for country in catalog.COUNTRIES.values():
        parameters = [*country.queue_parameters]
        parameters += [p for q in country.queue_packages for p in q.parameters]
        parameters += [p for o in country.signing_options for p in o.parameters]
        for parameter in parameters:
            if parameter.default is not None:
                assert parameter.clean(parameter.default) == parameter.default, parameter.name


def test_secret_names_of_fiskaly():
    option = catalog.country("DE").signing_option("fiskaly")
    assert option.secret_names == {"ApiKey", "ApiSecret", "AdminPin", "ProxyPassword"}
    assert option.parameter("TssId").required and not option.parameter("TssId").secret
    assert option.parameter("Nope") is None


def test_country_rules_for_scu_links_and_identification():
    assert catalog.country("DE").scu_links == "one"
    assert catalog.country("AT").scu_links == "many"
    assert catalog.country("FR").identification_max == 20
    assert catalog.country("FR").signing_option("fr-certificate").placement == catalog.IN_QUEUE
    assert catalog.country("AT").signing_option("atrust-online").placement == catalog.SERVICE


def test_url_schemes_per_platform():
    assert set(catalog.schemes_for(catalog.LINUX)) == {"grpc", "rest"}
    assert {"http", "net.tcp", "grpc", "rest"} <= set(catalog.schemes_for(catalog.WINDOWS))
    assert catalog.schemes_for("plan9") == catalog.schemes_for(catalog.LINUX)


# ---------------------------------------------------------------- Parameter.clean, per type

GOOD = [
    (Parameter("p"), " text ", "text"),
    (Parameter("p", "int"), "42", 42),
    (Parameter("p", "int"), 0, 0),
    (Parameter("p", "int", minimum=-1), "-1", -1),
    (Parameter("p", "port"), "8009", 8009),
    (Parameter("p", "port"), 65535, 65535),
    (Parameter("p", "bool"), True, True),
    (Parameter("p", "bool"), "false", False),
    (Parameter("p", "bool"), "Yes", True),
    (Parameter("p", "bool"), "0", False),
    (Parameter("p", "guid"), "5D3B6F2E-8B8C-4C1E-9F55-2F6F3C1D9A10", "5d3b6f2e-8b8c-4c1e-9f55-2f6f3c1d9a10"),
    (Parameter("p", "host"), "epson-tse.local", "epson-tse.local"),
    (Parameter("p", "host"), "192.168.0.20", "192.168.0.20"),
    (Parameter("p", "host"), "[fd00::1]", "[fd00::1]"),
    (Parameter("p", "url"), "https://hsm.example.at:8443/sign", "https://hsm.example.at:8443/sign"),
    (Parameter("p", "path"), "D:", "D:"),
    (Parameter("p", "path"), "/media/tse", "/media/tse"),
    (Parameter("p", "path"), "/", "/"),
    (Parameter("p", "digits", length=14), "73282932000074", "73282932000074"),
    (Parameter("p", choices=("All", "None")), "All", "All"),
    (Parameter("p"), None, None),
    (Parameter("p", "int"), "", None),
]

BAD = [
    (Parameter("p", required=True), None, "required"),
    (Parameter("p", required=True), "", "required"),
    (Parameter("p", "int"), "12.5", "whole number"),
    (Parameter("p", "int"), "soon", "whole number"),
    (Parameter("p", "int"), "-1", "at least 0"),
    (Parameter("p", "int", minimum=-1), "-2", "at least -1"),
    (Parameter("p", "port"), "0", "between 1 and 65535"),
    (Parameter("p", "port"), "70000", "between 1 and 65535"),
    (Parameter("p", "bool"), "maybe", "true or false"),
    (Parameter("p", "guid"), "5d3b6f2e", "GUID"),
    (Parameter("p", "host"), "https://epson", "without scheme or port"),
    (Parameter("p", "host"), "epson:8009", "without scheme or port"),
    (Parameter("p", "host"), "epson tse", "host name or IP address"),
    (Parameter("p", "url"), "hsm.example.at", "URL"),
    (Parameter("p", "url"), "https://with space", "URL"),
    (Parameter("p", "path"), "/media/tse/", "trailing slash"),
    (Parameter("p", "path"), "D:\\", "trailing slash"),
    (Parameter("p", "digits", length=14), "7328293200007", "exactly 14 digits"),
    (Parameter("p", "digits", length=14), "7328293200007A", "exactly 14 digits"),
    (Parameter("p", choices=("All", "None")), "Some", "Choose one of: All, None"),
]


@pytest.mark.parametrize("parameter,raw,expected", GOOD, ids=lambda v: repr(v)[:40] if not isinstance(v, Parameter) else v.type)
def test_parameter_clean_accepts_good_values(parameter, raw, expected):
    assert parameter.clean(raw) == expected


@pytest.mark.parametrize("parameter,raw,message", BAD, ids=lambda v: repr(v)[:40] if not isinstance(v, Parameter) else v.type)
def test_parameter_clean_refuses_bad_values_with_a_message(parameter, raw, message):
    with pytest.raises(ValueError, match=message):
        parameter.clean(raw)


def test_every_parameter_type_in_use_is_tested():
    in_use = {p.type for c in catalog.COUNTRIES.values() for o in c.signing_options for p in o.parameters}
    in_use |= {p.type for c in catalog.COUNTRIES.values() for q in c.queue_packages for p in q.parameters}
    assert in_use <= {parameter.type for parameter, *_ in GOOD} & {parameter.type for parameter, *_ in BAD}


# ---------------------------------------------------------------- as_dict


def test_as_dict_is_json_serializable_and_shaped_like_the_api():
    data = json.loads(json.dumps(catalog.as_dict()))
    assert [country["code"] for country in data["countries"]] == list(catalog.COUNTRIES)
    germany = data["countries"][0]
    fiskaly = next(o for o in germany["signing_options"] if o["id"] == "fiskaly")
    assert {"id", "label", "kind", "package", "max_clients", "parameters"} <= set(fiskaly)
    assert fiskaly["max_clients"] is None
    api_key = next(p for p in fiskaly["parameters"] if p["name"] == "ApiKey")
    assert api_key["secret"] is True and api_key["required"] is True
    assert next(o for o in germany["signing_options"] if o["id"] == "swissbit-cloud")["max_clients"] == 1
    assert germany["queue_packages"][0]["package"] == "fiskaltrust.Middleware.Queue.SQLite"


def test_as_dict_is_json_serializable_in_german_too():
    from django.utils import translation

    with translation.override("de"):
        data = json.loads(json.dumps(catalog.as_dict()))  # lazy labels become text in either language
    assert data["countries"][0]["code"] == "DE"
