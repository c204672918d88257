"""A contributor's journey in Chromium, in English and Chinese, on a phone: they accept the
contributor licence agreement, ask for a link code, write it in a pull request (the host's
signed webhook brings it), get the pull request merged, and find themselves Academician
No. 1 — on their page and on the programme's."""

import os

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import requests  # noqa: E402
from django.utils import timezone  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from fanrepublic.core.tests.browser import new_page, sign_in, verified_member  # noqa: E402
from fanrepublic.members.tests.factories import engineer  # noqa: E402
from fanrepublic.opensource import samples, services  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TEXT = {
    "en": {
        "accept": "I accept this agreement",
        "code": "Get a link code",
        "academician": "Academician No. 1",
    },
    "zh-hans": {"accept": "我接受本协议", "code": "获取绑定码", "academician": "院士 第 1 号"},
}


def deliver(base, repository, event, payload):
    """What GitHub does: POST the signed delivery to the webhook address."""
    headers, body = samples.signed(repository, event, payload)
    response = requests.post(
        f"{base}/opensource/hooks/{repository.pk}/", data=body, headers=headers, timeout=10
    )
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_link_a_git_account_get_a_pull_request_merged_and_become_academician(browser, live_server, lang):
    t = TEXT[lang]
    base = live_server.url
    staff = engineer()
    services.agreement_publish(
        actor=staff,
        body="You license your contribution under the project's licence, and you wrote it.",
        body_zh="您以项目许可证授权您的贡献，并确认由您本人创作。",
    )
    repository = services.repository_open(actor=staff, host="github", full_name="orange-auto/navigation")
    student = verified_member(language=lang)
    page = new_page(browser, lang, width=390, height=844)
    sign_in(page, base, student, lang)
    page.goto(f"{base}/opensource/mine/")
    page.get_by_role("button", name=t["accept"]).click()
    page.get_by_role("button", name=t["code"]).click()
    code = page.locator("[data-testid=link-code] code").inner_text()
    assert code.startswith("FR-LINK-")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    deliver(
        base,
        repository,
        *samples.pull_request(
            repository=repository,
            number=1,
            title="Congestion prediction",
            author=("xiaoming", 4242),
            body=code,
        ),
    )
    deliver(
        base,
        repository,
        *samples.pull_request(
            repository=repository,
            number=1,
            title="Congestion prediction",
            author=("xiaoming", 4242),
            sender=("maintainer", 1),
            merged_at=timezone.now(),
        ),
    )
    page.goto(f"{base}/opensource/mine/")
    expect(page.locator("[data-testid=my-title]")).to_contain_text(t["academician"])
    expect(page.locator("[data-testid=contributor-record]")).to_contain_text("Congestion prediction")
    page.goto(f"{base}/opensource/")
    expect(page.locator("[data-testid=academicians]")).to_contain_text(student.public_name)
    page.context.close()
