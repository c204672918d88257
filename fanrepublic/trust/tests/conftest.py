import pytest
import urllib3.util.connection

from fanrepublic.trust.tests.wecom_standin import WeComStandIn
from fanrepublic.trust.wecom import WeComClient

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@pytest.fixture
def wecom_server(settings, monkeypatch):
    """The WeCom stand-in, with the settings pointing at it and no cached token. Any
    connection the client tries to another host is refused and logged in `.outside`."""
    server = WeComStandIn(corp_id=settings.WECOM_CORP_ID, secret="standin-secret").start()
    settings.WECOM_API_BASE = server.base_url
    settings.WECOM_SECRET = server.secret
    WeComClient().forget_token()

    connect = urllib3.util.connection.create_connection

    def loopback_only(address, *args, **kwargs):
        if address[0] not in LOOPBACK:
            server.outside.append(address)
            raise OSError(f"the tests may not reach {address[0]}")
        return connect(address, *args, **kwargs)

    monkeypatch.setattr(urllib3.util.connection, "create_connection", loopback_only)
    try:
        yield server
    finally:
        server.stop()
