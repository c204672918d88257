"""The stored-XSS suite's places for the court (see fanrepublic/core/tests/xss.py): the
corpus filed as cases through the service and refused with reasons, and every page that
shows them checked, as the claimant, legal staff and the jury see them."""

from fanrepublic.core.tests.xss import Pages, _reverse, markers, place
from fanrepublic.core.tests.xss_payloads import packs

ALLOWED: dict[str, str] = {
    "court.Case.number": "made by the service: the year and the row's number",
    "court.Case.ground": "a choice of Ground, checked by the service",
    "court.Juror.pseudonym": "an HMAC in hex, made by the service",
    "court.JuryDraw.commitment": "a SHA-256 in hex, made by the service",
    "court.JuryDraw.pool_digest": "a SHA-256 in hex, made by the service",
    "court.JuryDraw.pseudonym_key": "random hex made by the service, never shown",
    "court.JuryDraw.seed": "random hex made by the service, shown once revealed",
}
NOT_PAGES: dict[str, str] = {
    **dict.fromkeys(
        ["court:admit", "court:refuse", "court:draw", "court:answer"],
        "POST only: redirects to a page that is visited",
    ),
    "court:draw_file": "JSON of hex pseudonyms and digests only (served as an attachment)",
}


@place("court_policy", "court.CourtPolicy.reason")
def court_policy(pages: Pages):
    from fanrepublic.court import services
    from fanrepublic.members.tests.factories import operator

    staff = operator()
    values = {"min_trust_level": 3, "min_tenure_days": 90, "juror_cases_per_year": 3}
    values |= {"answer_hours": 48, "jury_fans": 10, "jury_legal": 2}
    for group in packs(200):
        services.policy_set(actor=staff, reason=" ".join(p.text for p in group), **values)
        pages.check(staff, _reverse("court:policy"), shows=markers(group)[:1])


@place(
    "court",
    "court.Case.title",
    "court.Case.account",
    "court.Case.remedy_sought",
    "court.Case.decision_reason",
)
def court(pages: Pages):
    from fanrepublic.court import services
    from fanrepublic.members.tests.factories import MemberFactory, legal

    clerk = legal()
    claimant = MemberFactory()
    titles, accounts, remedies = packs(200), packs(10_000, sep="\n"), packs(2_000, sep="\n")
    for n, group in enumerate(accounts):
        title = " ".join(p.text for p in titles[n % len(titles)])
        account = "What happened, in order:\n" + "\n".join(p.text for p in group)
        remedy = "I ask for: " + "\n".join(p.text for p in remedies[n % len(remedies)])
        case = services.case_file(
            claimant=claimant, title=title, account=account[:10_000], remedy_sought=remedy[:2_000]
        )
        shows = markers(group)[:1] + markers(titles[n % len(titles)])[:1]
        pages.check(claimant, _reverse("court:case", case.number), shows=shows)
        pages.check(clerk, _reverse("court:case", case.number), shows=shows)
        if n % 2:
            reason = "Not admitted, because: " + "\n".join(p.text for p in remedies[n % len(remedies)])
            services.case_refuse(actor=clerk, case=case, ground="out_of_scope", reason=reason[:2_000])
            pages.check(
                claimant, _reverse("court:case", case.number), shows=markers(remedies[n % len(remedies)])[:1]
            )
        else:
            services.case_admit(actor=clerk, case=case)
    pages.check(claimant, _reverse("court:mine"))
    pages.check(clerk, _reverse("court:queue"))
    pages.check(None, _reverse("court:index"))
    pages.check(claimant, _reverse("court:file"))
    first = claimant.court_cases.order_by("pk").first()
    pages.check(None, _reverse("court:draw_page", first.number, 1))


ALLOWED.update(
    {
        "court.Ruling.search_document": "words segmented from the ruling's fields, never shown",
        "court.Ballot.receipt": "random hex made by the service",
        "court.Ballot.voter_key": "an HMAC in hex made by the service, never shown",
        "court.Evidence.content_type": "decided by core.documents from the file's bytes",
        "court.Evidence.sha256": "a SHA-256 in hex, made by the service",
    }
)
NOT_PAGES.update(
    dict.fromkeys(
        [
            "court:evidence_add",
            "court:respond",
            "court:accept",
            "court:room_post",
            "court:room_ask",
            "court:verdict_propose",
            "court:ballot",
            "court:question_forward",
            "court:question_answer",
            "court:obligation_execute",
            "court:obligation_answer",
            "court:obligation_reopen",
            "court:settle",
            "court:settlement_answer",
            "court:appeal",
            "court:cite",
        ],
        "POST only: redirects to a page that is visited",
    )
)
NOT_PAGES["court:evidence_file"] = "the file's own bytes (an image or a PDF), sandboxed, never HTML"


@place(
    "court_hearing",
    "court.Case.response",
    "court.Evidence.name",
    "court.Evidence.caption",
    "court.Question.text",
    "court.Question.clerk_note",
    "court.Question.answer",
    "court.Message.body",
    "court.Message.body_html",
    "court.Verdict.reasons",
    "court.Remedy.description",
    "court.Obligation.description",
    "court.Obligation.proof",
    "court.Obligation.claimant_note",
)
def court_hearing(pages: Pages):
    """A whole hearing written with the corpus: the company's response, evidence names
    and captions, questions with the clerk's notes and the parties' answers, the jury
    room, draft verdicts and their remedies, proof of execution and the claimant's
    disputes — on the case page, the jury room, the owner's list and the clerk's queue."""
    from fanrepublic.court import execution, hearing
    from fanrepublic.court.models import Obligation

    from .builders import admitted_case, png_upload, seated_case

    h = seated_case(respond=False)
    case_url = _reverse("court:case", h.case.number)
    room_url = _reverse("court:room", h.case.number)

    for n, group in enumerate(packs(10_000, sep="\n")):
        target = h.case if n == 0 else admitted_case(claimant=h.claimant)[0]
        hearing.case_respond(
            actor=h.company,
            case=target,
            response=("Our response:\n" + "\n".join(p.text for p in group))[:10_000],
        )
        pages.check(h.claimant, _reverse("court:case", target.number), shows=markers(group)[:1])

    names = packs(180)
    for n, group in enumerate(packs(300)):
        upload = png_upload()
        upload.name = " ".join(p.text for p in names[n % len(names)]).replace("/", "∕")[:190] + ".png"
        party = h.claimant if n % 2 else h.company
        hearing.evidence_add(actor=party, case=h.case, upload=upload, caption=" ".join(p.text for p in group))
    captions = [m for g in packs(300) for m in markers(g)[:1]]
    pages.check(h.claimant, case_url, shows=captions)
    pages.check(h.jurors[1], room_url, shows=captions)

    notes, answers = packs(500), packs(5_000, sep="\n")
    for n, group in enumerate(packs(2_000, sep="\n")):
        to = "company" if n % 2 else "claimant"
        question = hearing.question_ask(
            member=h.jurors[n % 12], case=h.case, to=to, text="Question:\n" + "\n".join(p.text for p in group)
        )
        note = " ".join(p.text for p in notes[n % len(notes)])
        hearing.question_forward(actor=h.clerk, question_id=question.pk, forward=True, note=note)
        answer = "\n".join(p.text for p in answers[n % len(answers)])
        hearing.question_answer(
            actor=h.claimant if to == "claimant" else h.company, question_id=question.pk, answer=answer
        )
        pages.check(h.jurors[0], room_url, shows=markers(group)[:1] + markers(notes[n % len(notes)])[:1])
    pages.check(h.claimant, case_url, shows=markers(answers[0])[:1])
    pages.check(h.company, case_url)
    pages.check(h.clerk, case_url)

    for n, group in enumerate(packs(5_000, sep="\n")):
        first = hearing.message_post(
            member=h.jurors[n % 12], case=h.case, body="\n".join(p.text for p in group)
        )
        hearing.message_post(
            member=h.jurors[(n + 1) % 12],
            case=h.case,
            body=" ".join(p.text for p in group[:3]),
            parent_id=first.pk,
        )
    pages.check(h.jurors[0], room_url, shows=[m for g in packs(5_000, sep="\n") for m in markers(g)[:1]])
    pages.check(h.clerk, room_url)

    descriptions, proofs, disputes = packs(500), packs(500), packs(990)
    wanted = max(len(descriptions), len(proofs), len(disputes))
    remedies = [
        {
            "kind": "repair",
            "amount": 0,
            "description": " ".join(p.text for p in descriptions[i % len(descriptions)]),
        }
        for i in range(wanted)
    ]
    reasons = packs(20_000, sep="\n")
    drafts = [remedies[i : i + 8] for i in range(0, len(remedies), 8)]
    for n, chunk in enumerate(drafts):
        group = reasons[n % len(reasons)]
        verdict = hearing.verdict_propose(
            member=h.foreperson,
            case=h.case,
            outcome="upheld",
            reasons=("The jury finds, for these reasons:\n" + "\n".join(p.text for p in group))[:20_000],
            remedies=chunk,
        )
        pages.check(
            h.jurors[2],
            room_url,
            shows=markers(group)[:1] + markers(descriptions[(n * 8) % len(descriptions)])[:1],
        )
        last = n == len(drafts) - 1
        for juror in h.jurors[: 8 if last else 5]:
            hearing.ballot_cast(member=juror, verdict_id=verdict.pk, choice="approve" if last else "reject")
    # The adopted draft holds the last remedies; earlier drafts stay on the jury's record.
    hearing.verdict_accept(actor=h.claimant, case=h.case)
    hearing.verdict_accept(actor=h.company, case=h.case)
    owed = list(Obligation.objects.filter(case=h.case).order_by("pk"))
    for n, obligation in enumerate(owed):
        proof = " ".join(p.text for p in proofs[n % len(proofs)])
        execution.obligation_execute(actor=h.company, obligation_id=obligation.pk, proof=proof)
        note = "Wrong: " + " ".join(p.text for p in disputes[n % len(disputes)])[:990]
        execution.obligation_answer(member=h.claimant, obligation_id=obligation.pk, confirm=False, note=note)
    pages.check(h.claimant, case_url, shows=markers(proofs[0])[:1] + markers(disputes[0])[:1])
    pages.check(h.company, case_url)
    pages.check(h.company, _reverse("court:mine"))
    pages.check(h.clerk, _reverse("court:queue"), shows=markers(disputes[0])[:1])


@place("court_mediation", "court.Settlement.terms", "court.Case.appeal_reason")
def court_mediation(pages: Pages):
    """Settlement terms proposed by both parties (declined, then one accepted) and grounds of
    appeal, on the case page as the parties and the clerk see them."""
    from fanrepublic.court import hearing, mediation

    from .builders import admitted_case, decided_case

    case, clerk, company, _boss = admitted_case()
    groups = packs(5_000, sep="\n")
    for n, group in enumerate(groups):
        proposer = company if n % 2 else case.claimant
        other = case.claimant if n % 2 else company
        proposal = mediation.settlement_propose(
            actor=proposer, case=case, terms="Terms:\n" + "\n".join(p.text for p in group), remedies=[]
        )
        pages.check(other, _reverse("court:case", case.number), shows=markers(group)[:1])
        mediation.settlement_answer(actor=other, settlement_id=proposal.pk, accept=n == len(groups) - 1)
    pages.check(clerk, _reverse("court:case", case.number))
    for group in packs(5_000, sep="\n"):
        h = decided_case()
        hearing.verdict_appeal(
            actor=h.claimant, case=h.case, reason="Grounds:\n" + "\n".join(p.text for p in group)
        )
        pages.check(h.company, _reverse("court:case", h.case.number), shows=markers(group)[:1])


@place(
    "court_rulings",
    "court.Ruling.title",
    "court.Ruling.facts",
    "court.Ruling.reasons",
    "court.Ruling.remedies",
)
def court_rulings(pages: Pages):
    """Published rulings written with the corpus, on their page, in the list and in a
    search, and as precedent on a citing case."""
    from fanrepublic.court import rulings

    from .builders import final_case, seated_case

    h = final_case()
    draft = rulings.ruling_draft(actor=h.clerk, case=h.case)
    citing = seated_case()
    titles, facts, reasons, remedies = (
        packs(200),
        packs(10_000, sep="\n"),
        packs(20_000, sep="\n"),
        packs(2_000, sep="\n"),
    )
    for n in range(max(len(titles), len(facts), len(reasons), len(remedies))):
        title, fact, reason, remedy = (g[n % len(g)] for g in (titles, facts, reasons, remedies))
        rulings.ruling_publish(
            actor=h.clerk,
            ruling_id=draft.pk,
            title=" ".join(p.text for p in title),
            facts=("The facts:\n" + "\n".join(p.text for p in fact))[:10_000],
            reasons=("The reasons:\n" + "\n".join(p.text for p in reason))[:20_000],
            remedies="\n".join(p.text for p in remedy),
        )
        shows = markers(title)[:1] + markers(fact)[:1] + markers(reason)[:1] + markers(remedy)[:1]
        pages.check(None, _reverse("court:ruling", h.case.number), shows=shows)
        pages.check(None, _reverse("court:rulings"), shows=markers(title)[:1])
        pages.check(h.clerk, _reverse("court:ruling_edit", h.case.number))
    rulings.case_cite(actor=citing.claimant, case=citing.case, number=h.case.number)
    pages.check(citing.claimant, _reverse("court:case", citing.case.number))
    pages.check(None, _reverse("court:stats"))
