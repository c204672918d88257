"""Stand-ins for WeChat Pay and Alipay on 127.0.0.1, with keys made in the test run, and
settings pointing the platform at them. Nothing here reaches the internet."""

import pytest

from .alipay_standin import AlipayStandIn
from .keys import alipay_certificates, key_pair
from .wechat_standin import WeChatPayStandIn

APIV3_KEY = "FanRepublicTestApiV3Key_32bytes!"  # WeChat Pay's APIv3 keys are 32 characters


@pytest.fixture
def wechat(settings):
    standin = WeChatPayStandIn(
        mchid="1900000109",
        appid="wxfanrepublic0001",
        apiv3_key=APIV3_KEY,
        merchant=key_pair("wechat-merchant"),
        platform=key_pair("wechat-platform"),
        public_key_id="PUB_KEY_ID_0119000001092025",
        merchant_serial="5157F09EFDC096DE15EBE81A47057A7232F1B8E1",
    ).start()
    settings.PAYMENTS_PROVIDERS = ["wechat", "alipay", "offline"]
    settings.WECHATPAY_MCHID = standin.mchid
    settings.WECHATPAY_APPID = standin.appid
    settings.WECHATPAY_APIV3_KEY = APIV3_KEY
    settings.WECHATPAY_CERT_SERIAL_NO = standin.merchant_serial
    settings.WECHATPAY_PRIVATE_KEY = standin.merchant.private_pem
    settings.WECHATPAY_PUBLIC_KEY = standin.platform.public_pem
    settings.WECHATPAY_PUBLIC_KEY_ID = standin.public_key_id
    settings.WECHATPAY_API_BASE = standin.base_url
    settings.PAYMENTS_HTTP_TIMEOUT = 5
    # Payouts: the official account's web sign-in, served by the stand-in too.
    settings.WECHATPAY_TRANSFER_SCENE_ID = "1005"
    settings.WECHAT_OAUTH_APP_SECRET = standin.oauth_secret
    settings.WECHAT_OAUTH_AUTHORIZE_URL = standin.base_url + "/connect/oauth2/authorize"
    settings.WECHAT_OAUTH_API_BASE = standin.base_url
    yield standin
    standin.stop()


@pytest.fixture
def alipay(settings):
    certificates = alipay_certificates()
    standin = AlipayStandIn(
        appid="2021000100000001",
        app=key_pair("alipay-app"),
        alipay=key_pair("alipay-platform"),
        certificates=certificates,
    ).start()
    settings.PAYMENTS_PROVIDERS = ["wechat", "alipay", "offline"]
    settings.ALIPAY_APPID = standin.appid
    settings.ALIPAY_APP_PRIVATE_KEY = standin.app.private_pem
    settings.ALIPAY_PUBLIC_KEY = standin.alipay.public_pem
    settings.ALIPAY_GATEWAY = standin.gateway
    settings.PAYMENTS_HTTP_TIMEOUT = 5
    # Payouts: Alipay's transfers in its public-key-certificate mode.
    settings.PAYOUT_ALIPAY_APP_CERT = certificates["app"]
    settings.PAYOUT_ALIPAY_PUBLIC_CERT = certificates["alipay"]
    settings.PAYOUT_ALIPAY_ROOT_CERT = certificates["root"]
    yield standin
    standin.stop()
