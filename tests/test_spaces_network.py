"""Proxies and CA bundles, through a real proxy (proxy.py) that the tests start on loopback.

Apps, the Hub and downloads all go through ``HTTP_PROXY``/``HTTPS_PROXY`` unless
``NO_PROXY`` leaves their host out; a TLS app is reached through a CONNECT tunnel and its
certificate, from a test CA, verified with the bundle named by ``SSL_CERT_FILE``,
``REQUESTS_CA_BUNDLE`` or the ``[network] ca_bundle`` config key.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from gradioshell.demo.server import free_port
from tests.conftest import APPS, RunningApp, start_app
from tests.standin_hub import StandInHub
from tests.waiting import wait_until

USER, PASSWORD = "proxyuser", "pr0xyPassw0rd"


@dataclass
class Proxy:
    url: str
    log: Path
    process: subprocess.Popen[bytes]

    def seen(self) -> str:
        return self.log.read_text(errors="replace")

    def with_login(self, user: str = USER, password: str = PASSWORD) -> str:
        return self.url.replace("://", f"://{user}:{password}@")


def start_proxy(directory: Path, *extra: str) -> Proxy:
    port = free_port()
    log = directory / f"proxy-{port}.log"
    with open(log, "wb") as handle:
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "proxy", "--hostname", "127.0.0.1", "--port", str(port)),
                *("--num-workers", "1", "--num-acceptors", "1", *extra),
            ],
            stdout=handle,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            cwd=directory,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        if process.poll() is not None:
            raise RuntimeError(f"the proxy exited: {log.read_text()[-2000:]}")
        try:
            httpx.get(url, timeout=1.0)
            return True
        except httpx.HTTPError:
            return False

    try:
        wait_until(answers, 60, "the proxy to answer", interval=0.1)
    except AssertionError:
        process.kill()
        raise RuntimeError("the proxy did not start") from None
    return Proxy(url, log, process)


@pytest.fixture(scope="module")
def proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    running = start_proxy(tmp_path_factory.mktemp("proxy"))
    yield running
    running.process.terminate()
    running.process.wait(10)


@pytest.fixture(scope="module")
def guarded_proxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Proxy]:
    running = start_proxy(tmp_path_factory.mktemp("guarded"), "--basic-auth", f"{USER}:{PASSWORD}")
    yield running
    running.process.terminate()
    running.process.wait(10)


@pytest.fixture(scope="module")
def tls_app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[RunningApp, Path]]:
    """An HTTPS app whose certificate comes from a test CA; the CA's file is returned."""
    trustme = pytest.importorskip("trustme")
    directory: Path = tmp_path_factory.mktemp("tlsapp")
    authority = trustme.CA()
    cert = authority.issue_cert("127.0.0.1", "localhost")
    cert.private_key_and_cert_chain_pem.write_to_path(str(directory / "cert.pem"))
    cert.private_key_pem.write_to_path(str(directory / "key.pem"))
    authority.cert_pem.write_to_path(str(directory / "ca.pem"))
    app = start_app(
        [
            str(APPS / "broken.py"),
            "--cert",
            str(directory / "cert.pem"),
            "--key",
            str(directory / "key.pem"),
        ],
        directory / "log",
        scheme="https",
        path="/ok/config",
    )
    yield app, directory / "ca.pem"
    app.stop()


def port_of(url: str) -> int:
    return httpx.URL(url).port or 0


def test_app_hub_and_downloads_go_through_the_proxy(
    run_shell, proxy: Proxy, hub: StandInHub
) -> None:
    env = {"HTTP_PROXY": proxy.url, "NO_PROXY": "", "HF_ENDPOINT": hub.endpoint}
    result = run_shell(
        "-c", "connect rrg92/diffusers-labs; generateimage prompt=car width=32 height=16", env=env
    )
    assert result.returncode == 0, result.stderr
    saved = Path(result.stdout.strip().splitlines()[0])
    assert saved.is_file() and saved.stat().st_size > 0
    seen = proxy.seen()
    hub_port = port_of(hub.endpoint)
    space_port = port_of(hub.host("rrg92/diffusers-labs"))
    assert f"127.0.0.1:{hub_port}/api/spaces/rrg92/diffusers-labs" in seen
    # One access line per connection (kept alive for the calls and the download after it).
    assert f"GET 127.0.0.1:{space_port}/config" in seen


def test_no_proxy_leaves_a_host_out(run_shell, proxy: Proxy, demo_url: str) -> None:
    before = proxy.seen()
    env = {"HTTP_PROXY": proxy.url, "NO_PROXY": "127.0.0.1"}
    result = run_shell("-c", f"connect {demo_url}; echo text=direct n=1", env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "direct"
    assert proxy.seen() == before


def test_connect_tunnel_to_a_tls_app_with_the_test_ca(
    run_shell, proxy: Proxy, tls_app: tuple[RunningApp, Path], tmp_path: Path
) -> None:
    app, ca = tls_app
    base = {"HTTPS_PROXY": proxy.url, "NO_PROXY": "", "REQUESTS_CA_BUNDLE": ""}
    command = f"connect {app.url}/ok; predict x"
    result = run_shell("-c", command, env={**base, "SSL_CERT_FILE": str(ca)})
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == ["partial done"]
    assert f"CONNECT 127.0.0.1:{port_of(app.url)}" in proxy.seen()
    # The system's CAs do not know the test CA: refused, through the same tunnel.
    system = {**base, "SSL_CERT_FILE": "/etc/ssl/certs/ca-certificates.crt"}
    refused = run_shell("-c", command, env=system)
    assert refused.returncode == 1
    assert "CERTIFICATE_VERIFY_FAILED" in refused.stderr.upper()
    # REQUESTS_CA_BUNDLE names it as well, and the config key wins over both.
    result = run_shell(
        "-c", command, env={**base, "SSL_CERT_FILE": "", "REQUESTS_CA_BUNDLE": str(ca)}
    )
    assert result.returncode == 0, result.stderr
    config = tmp_path / "config.toml"
    config.write_text(f'[network]\nca_bundle = "{ca}"\n')
    result = run_shell("--config", str(config), "-c", command, env=system)
    assert result.returncode == 0, result.stderr
    missing = run_shell("-c", command, env={**base, "SSL_CERT_FILE": str(tmp_path / "none.pem")})
    assert missing.returncode == 1
    assert "cannot read the CA bundle" in missing.stderr
    assert "from the SSL_CERT_FILE environment variable" in missing.stderr


def test_proxy_login_and_its_password_never_shown(
    run_shell, guarded_proxy: Proxy, tls_app: tuple[RunningApp, Path]
) -> None:
    app, ca = tls_app
    command = f"connect {app.url}/ok; predict x"
    env = {"SSL_CERT_FILE": str(ca), "NO_PROXY": ""}
    good = run_shell("-c", command, env={**env, "HTTPS_PROXY": guarded_proxy.with_login()})
    assert good.returncode == 0, good.stderr
    bad = run_shell(
        "-c", command, env={**env, "HTTPS_PROXY": guarded_proxy.with_login(password="wrong")}
    )
    assert bad.returncode == 1
    assert "the proxy asks for a login (407)" in bad.stderr
    for result in (good, bad):
        assert PASSWORD not in result.stderr + result.stdout
        assert "wrong" not in result.stderr + result.stdout


def test_the_default_certificates_are_read_at_the_first_handshake_and_verify(
    tls_app: tuple[RunningApp, Path],
) -> None:
    """An app on http:// never pays for reading the CA bundle; the first TLS connection
    reads it, and an unknown authority is still refused."""
    import ssl

    from gradioshell.gradio.http import TrustOnFirstUse

    app, _ = tls_app
    context = TrustOnFirstUse()  # the certificates httpx bundles
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert ssl.SSLContext.cert_store_stats(context)["x509_ca"] == 0
    with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
        httpx.get(f"{app.url}/ok/config", verify=context, timeout=10)
    assert ssl.SSLContext.cert_store_stats(context)["x509_ca"] > 0


def test_the_shell_without_a_ca_setting_refuses_an_unknown_authority(
    run_shell, tls_app: tuple[RunningApp, Path]
) -> None:
    app, _ = tls_app
    clear = {"SSL_CERT_FILE": "", "REQUESTS_CA_BUNDLE": "", "SSL_CERT_DIR": "", "NO_PROXY": "*"}
    refused = run_shell("-c", f"connect {app.url}/ok", env=clear)
    assert refused.returncode == 1
    assert "CERTIFICATE_VERIFY_FAILED" in refused.stderr.upper()


def test_a_ca_bundle_that_holds_no_certificate_is_said_in_one_line(
    run_shell, tls_app: tuple[RunningApp, Path], tmp_path: Path
) -> None:
    """A named bundle is read at the first handshake: one that is not a bundle is named
    there, in one line, and nothing is sent."""
    app, _ = tls_app
    bad = tmp_path / "bad.pem"
    bad.write_text("not a certificate\n")
    env = {"SSL_CERT_FILE": str(bad), "REQUESTS_CA_BUNDLE": "", "NO_PROXY": "*"}
    result = run_shell("-c", f"connect {app.url}/ok", env=env)
    assert result.returncode == 1
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert errors == [errors[0]] and f"cannot read the CA bundle {bad}: " in errors[0]
    assert "('" not in errors[0] and "Traceback" not in result.stderr
