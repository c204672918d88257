"""Production refuses the demo's offline provider, and a real provider without its keys."""

from fanrepublic.core.tests.test_deploy import PROD_ENV, run_manage


def test_production_refuses_the_offline_provider():
    result = run_manage("check", env={**PROD_ENV, "PAYMENTS_PROVIDERS": "wechat,offline"})
    assert result.returncode != 0 and "offline" in result.stderr


def test_production_refuses_a_provider_without_its_keys():
    result = run_manage("check", env={**PROD_ENV, "PAYMENTS_PROVIDERS": "alipay", "ALIPAY_APPID": "2021"})
    assert result.returncode != 0 and "ALIPAY_APP_PRIVATE_KEY" in result.stderr


def test_production_starts_without_payments():
    result = run_manage("check", env=PROD_ENV)
    assert result.returncode == 0, result.stderr
