"""The court journey in Chromium, in English and Chinese: a member files a case and
brings a photograph, legal staff admit it, the company responds, the clerk draws the
jury, a drawn senior fan accepts their place and the draw's public record shows the
revealed seed and their pseudonym; the foreperson writes the verdict in the jury room and
the jury adopts it by secret ballot; both parties accept it; the company pays the
compensation through the ledger and the claimant confirms it — the case is closed."""

import os
import re
from datetime import timedelta

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from django.utils import timezone, translation  # noqa: E402
from playwright.sync_api import expect  # noqa: E402

from fanrepublic.core.tests.browser import new_page, sign_in, verified_member  # noqa: E402
from fanrepublic.court import hearing, selectors, services  # noqa: E402
from fanrepublic.court.enums import CaseStatus, JurorState, ObligationState, VerdictState  # noqa: E402  # noqa: E402
from fanrepublic.court.models import Case, Juror, Verdict  # noqa: E402
from fanrepublic.members.tests.factories import MemberFactory, legal, operator  # noqa: E402
from fanrepublic.points.selectors import wallet_account  # noqa: E402

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _label(lang, status):
    with translation.override(lang):
        return str(CaseStatus(status).label)


def _verdict_label(lang):
    with translation.override(lang):
        return str(VerdictState.ADOPTED.label)


def _state_label(lang, state):
    with translation.override(lang):
        return str(ObligationState(state).label)


def _png() -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (16, 16), (20, 20, 24)).save(buffer, format="PNG")
    return buffer.getvalue()


PNG = _png()
RESPONSE = {
    "en": "The panel is under warranty; the store should have repaired it. We regret the refusal.",
    "zh-hans": "屏幕在保修期内，门店本应维修。我们对拒绝维修表示歉意，并接受陪审团的裁决。",
}
REASONS = {
    "en": "The photograph shows burn-in three months after purchase; the company accepts the panel is "
    "under warranty and the store refused without examining the phone.",
    "zh-hans": "照片显示购买三个月后出现烧屏；公司承认屏幕在保修期内，门店未经检查即拒绝维修，"
    "消费者三周无法正常使用手机，应当给予补偿。这一结论由陪审团多数通过。",
}


@pytest.mark.parametrize("lang", ["en", "zh-hans"])
def test_file_admit_draw_and_sit(browser, live_server, lang):
    base = live_server.url
    old = timezone.now() - timedelta(days=800)
    fans = [verified_member(MemberFactory, trust_level=3, date_joined=old, language=lang) for _ in range(10)]
    clerk = verified_member(legal, language=lang)
    company = verified_member(operator, language=lang)
    for _ in range(2):
        legal()
    claimant = verified_member(language=lang)

    page = new_page(browser, lang)
    sign_in(page, base, claimant, lang)
    page.goto(f"{base}/court/")
    page.get_by_test_id("file-case").click()
    page.fill("input[name=title]", "Burned-in screen" if lang == "en" else "屏幕烧屏")
    page.fill(
        "textarea[name=account]",
        "The screen burned in after three months of normal use; the store refused a repair."
        if lang == "en"
        else "正常使用三个月后屏幕出现烧屏，门店拒绝维修。我有购买凭证和照片，希望法庭受理。",
    )
    page.fill("textarea[name=remedy_sought]", "Replace the phone." if lang == "en" else "更换手机并赔偿。")
    page.get_by_test_id("case-form").locator("button[type=submit]").click()
    expect(page.get_by_test_id("case-status")).to_have_text(_label(lang, "filed"))
    case = Case.objects.get()
    page.set_input_files(
        "input[name=file]", files=[{"name": "burn-in.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.fill("input[name=caption]", "The burn-in" if lang == "en" else "烧屏照片")
    page.get_by_test_id("add-evidence").click()
    expect(page.get_by_test_id("evidence")).to_contain_text("burn-in.png")
    page.context.close()

    clerk_page = new_page(browser, lang)
    sign_in(clerk_page, base, clerk, lang)
    clerk_page.goto(f"{base}/court/queue/")
    clerk_page.get_by_test_id("waiting").get_by_role("link").first.click()
    clerk_page.get_by_test_id("admit").click()
    expect(clerk_page.get_by_test_id("case-status")).to_have_text(_label(lang, "admitted"))

    # The company's page stays open to the end: a staff member signs in with a one-time
    # code, which cannot be used twice in the same 30 seconds.
    company_page = page = new_page(browser, lang)
    sign_in(page, base, company, lang)
    page.goto(f"{base}/court/mine/")
    page.get_by_test_id("to-answer").get_by_role("link").first.click()
    page.fill("textarea[name=response]", RESPONSE[lang])
    page.get_by_test_id("respond").click()
    expect(page.get_by_test_id("response")).to_contain_text(RESPONSE[lang][:12])

    page = clerk_page
    page.reload()
    page.get_by_test_id("draw-jury").click()
    expect(page.get_by_test_id("case-status")).to_have_text(_label(lang, "drawn"))
    expect(page.get_by_test_id("jury").locator("tbody tr")).to_have_count(12)
    page.context.close()

    juror = (
        Juror.objects.filter(draw__case=case, kind="fan", state=JurorState.INVITED)
        .order_by("position")
        .first()
    )
    assert juror.member in fans
    page = new_page(browser, lang)
    sign_in(page, base, juror.member, lang)
    page.goto(f"{base}/court/mine/")
    page.get_by_test_id(f"accept-{juror.pk}").click()
    juror.refresh_from_db()
    assert juror.state == JurorState.ACCEPTED
    page.goto(f"{base}/court/cases/{case.number}/")
    expect(page.get_by_test_id("case-account")).to_contain_text(case.account[:10])
    page.goto(f"{base}/court/draws/{case.number}/1/")
    expect(page.get_by_test_id("seed")).to_have_text(re.compile(r"^[0-9a-f]{64}$"))
    expect(page.get_by_test_id("my-pseudonym")).to_contain_text(juror.pseudonym)
    page.context.close()

    # The rest of the jury accepts; the first fan of the draw to accept is the foreperson.
    for place in Juror.objects.filter(draw__case=case, state=JurorState.INVITED):
        services.juror_answer(member=place.member, juror_id=place.pk, accept=True)
    seated = selectors.seated_jurors(case)
    foreperson = seated[0].member
    page = new_page(browser, lang)
    sign_in(page, base, foreperson, lang)
    page.goto(f"{base}/court/cases/{case.number}/")
    page.get_by_test_id("room-link").click()
    expect(page.get_by_test_id("room-evidence")).to_contain_text("burn-in.png")
    page.fill("textarea[name=body]", "Let us read the photograph first." if lang == "en" else "先看照片。")
    page.get_by_test_id("post").click()
    page.locator("input[name=outcome][value=upheld]").check()
    page.fill("textarea[name=reasons]", REASONS[lang])
    page.get_by_test_id("remedy-row-0").locator("select").select_option("compensate_yuan")
    page.get_by_test_id("remedy-row-0").locator("input[name$=amount]").fill("300")
    page.get_by_test_id("remedy-row-0").locator("input[name$=description]").fill(
        "For three weeks without a phone." if lang == "en" else "三周无法使用手机的补偿。"
    )
    page.get_by_test_id("propose").click()
    page.get_by_test_id("approve").click()
    expect(page.get_by_test_id("voted")).to_be_visible()
    verdict = Verdict.objects.get(case=case)
    for place in seated[1:8]:
        hearing.ballot_cast(member=place.member, verdict_id=verdict.pk, choice="approve")
    page.reload()
    expect(page.get_by_test_id("verdict-state-1")).to_have_text(_verdict_label(lang))
    page.context.close()

    for who in (claimant, company):
        if who is company:
            page = company_page
        else:
            page = new_page(browser, lang)
            sign_in(page, base, who, lang)
        page.goto(f"{base}/court/cases/{case.number}/")
        expect(page.get_by_test_id("remedies")).to_contain_text("¥300.00")
        page.get_by_test_id("accept-verdict").click()
        if who is company:
            expect(page.get_by_test_id("case-status")).to_have_text(_label(lang, "final"))
            page.get_by_test_id("execute-compensate_yuan").click()
            expect(page.get_by_test_id("obligation-compensate_yuan")).to_contain_text(
                _state_label(lang, "executed")
            )
        page.context.close()

    page = new_page(browser, lang)
    sign_in(page, base, claimant, lang)
    page.goto(f"{base}/court/cases/{case.number}/")
    page.get_by_test_id("confirm-compensate_yuan").click()
    expect(page.get_by_test_id("case-status")).to_have_text(_label(lang, "closed"))
    assert wallet_account(member=claimant, currency="CNY").balance_minor == 30_000
    page.context.close()
