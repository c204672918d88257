from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from fanrepublic.core.cache import anonymous_page_cache
from fanrepublic.core.charts import bar_chart
from fanrepublic.core.errors import NotFound, ValidationFailed
from fanrepublic.core.forms import apply_errors
from fanrepublic.core.pagination import KnownCountPaginator, page_without_count
from fanrepublic.members.permissions import can_answer_feedback, can_moderate, can_view_metrics

from . import permissions as perms
from . import selectors, services
from .enums import TopicKind, TopicSort, TopicStatus
from .forms import (
    DateRangeForm,
    DeskAnswerForm,
    FlagForm,
    FlagResolveForm,
    MergeForm,
    ModerationForm,
    MoveForm,
    ReplyEditForm,
    ReplyForm,
    StatusForm,
    TopicEditForm,
    TopicForm,
)
from .fragments import attach_static_html

PAGE_SIZE = 30
REPLIES_PER_PAGE = 50


def _topic_list_context(request, *, board=None):
    kind = request.GET.get("kind", "")
    kind = kind if kind in TopicKind.values else ""
    status = request.GET.get("status", "")
    status = status if status in TopicStatus.values else ""
    sort = request.GET.get("sort", TopicSort.ACTIVE)
    sort = sort if sort in TopicSort.values else TopicSort.ACTIVE
    query = request.GET.get("q", "").strip()[:200]
    topics = selectors.topic_list(
        viewer=request.user, board=board, kind=kind, status=status, sort=sort, query=query
    )
    page = page_without_count(topics, request.GET.get("page"), PAGE_SIZE)
    return {
        "board": board,
        "page": page,
        "kind": kind,
        "status": status,
        "sort": sort,
        "query": query,
        "kinds": TopicKind.choices,
        "statuses": TopicStatus.choices,
        "sorts": TopicSort.choices,
    }


def _render_list(request, template, context):
    if request.htmx and request.htmx.target == "topic-list":
        return render(request, "forum/partials/topic_list.html", context)
    return render(request, template, context)


@anonymous_page_cache
def home(request):
    context = _topic_list_context(request)
    context["boards"] = selectors.boards_list()
    return _render_list(request, "forum/home.html", context)


@anonymous_page_cache
def board_detail(request, slug):
    board = selectors.board_get(slug=slug)
    return _render_list(request, "forum/board.html", _topic_list_context(request, board=board))


def search(request):
    context = _topic_list_context(request)
    return _render_list(request, "forum/search.html", context)


@login_required
def topic_create(request, slug):
    board = services.board_get_open(slug=slug)
    form = TopicForm(request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind")})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                topic = services.topic_create(
                    author=request.user,
                    board=board,
                    kind=form.cleaned_data["kind"],
                    title=form.cleaned_data["title"],
                    body=form.cleaned_data["body"],
                    images=form.cleaned_data["images"],
                )
            except ValidationFailed as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Your topic is posted."))
                return redirect(topic)
        status = 422
    return render(request, "forum/topic_form.html", {"form": form, "board": board}, status=status)


@anonymous_page_cache
def topic_detail(request, pk):
    user = request.user
    topic = selectors.topic_get(viewer=user, pk=pk)
    replies = selectors.topic_replies(viewer=user, topic=topic)
    if can_moderate(user):
        paginator = Paginator(replies, REPLIES_PER_PAGE)  # moderators also see hidden replies
    else:
        paginator = KnownCountPaginator(replies, REPLIES_PER_PAGE, count=topic.reply_count)
    page = paginator.get_page(request.GET.get("page"))
    data = selectors.topic_page(viewer=user, topic=topic, replies=list(page.object_list))
    attach_static_html(data.replies)
    if user.is_authenticated:
        services.topic_read(member=user, topic=topic)
    quote = None
    if request.GET.get("quote", "").isdigit():
        quote = next((r for r in data.replies if r.pk == int(request.GET["quote"])), None)
    initial = {}
    if quote is not None:
        quoted_lines = "\n".join("> " + line for line in quote.body.splitlines())
        initial = {"quoted": quote.pk, "body": f"> **@{quote.author.username}:**\n{quoted_lines}\n\n"}
    context = {
        "topic": topic,
        "data": data,
        "page": page,
        "can_reply": perms.can_reply(user, topic),
        "can_moderate": can_moderate(user),
        # "/r/" — reply URLs are built from it in the reply loop instead of reversing
        # five URL patterns for each of 50 replies.
        "reply_base": reverse("forum:reply_edit", args=[0]).removesuffix("0/edit/"),
    }
    return render(
        request,
        "forum/topic_detail.html",
        {
            **context,
            "reply_form": ReplyForm(initial=initial),
            "status_form": StatusForm(),
            "merge_form": MergeForm(),
            "move_form": MoveForm(),
            "can_vote": perms.can_vote(user, topic),
            "can_edit_topic": perms.can_edit_post(user, topic, topic),
            "can_change_status": perms.can_change_status(user, topic),
            "can_claim": can_answer_feedback(user),
            "quote": quote,
        },
    )


@login_required
@require_POST
def reply_create(request, pk):
    topic = selectors.topic_get(viewer=request.user, pk=pk)
    form = ReplyForm(request.POST, request.FILES)
    if form.is_valid():
        quoted = None
        if form.cleaned_data.get("quoted"):
            quoted = topic.replies.filter(pk=form.cleaned_data["quoted"]).first()
            if quoted is None:
                form.add_error(None, _("You can only quote a visible reply of this topic."))
        if not form.errors:
            try:
                reply = services.reply_create(
                    author=request.user,
                    topic=topic,
                    body=form.cleaned_data["body"],
                    quoted=quoted,
                    images=form.cleaned_data["images"],
                )
            except ValidationFailed as exc:
                apply_errors(form, exc)
            else:
                topic.refresh_from_db(fields=["reply_count"])
                count = topic.replies.count() if can_moderate(request.user) else topic.reply_count
                last_page = (count - 1) // REPLIES_PER_PAGE + 1
                return redirect(
                    f"{reverse('forum:topic', args=[topic.pk])}?page={last_page}#reply-{reply.pk}"
                )
    return render(request, "forum/reply_form_page.html", {"form": form, "topic": topic}, status=422)


def reply_permalink(request, pk):
    """/r/<id>/: the reply on its page of the topic."""
    reply = selectors.reply_get(viewer=request.user, pk=pk)
    before = (
        selectors.topic_replies(viewer=request.user, topic=reply.topic)
        .filter(created_at__lt=reply.created_at)
        .count()
    )
    page = before // REPLIES_PER_PAGE + 1
    return redirect(f"{reverse('forum:topic', args=[reply.topic_id])}?page={page}#reply-{reply.pk}")


@login_required
def topic_edit(request, pk):
    topic = selectors.topic_get(viewer=request.user, pk=pk)
    if not perms.can_edit_post(request.user, topic, topic):
        messages.error(request, _("You can no longer edit this topic."))
        return redirect(topic)
    form = TopicEditForm(request.POST or None, initial={"title": topic.title, "body": topic.body})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.topic_edit(actor=request.user, topic=topic, **form.cleaned_data)
            except ValidationFailed as exc:
                apply_errors(form, exc)
            else:
                return redirect(topic)
        status = 422
    return render(
        request,
        "forum/edit_form.html",
        {"form": form, "topic": topic, "title": _("Edit topic")},
        status=status,
    )


@login_required
def reply_edit(request, pk):
    reply = selectors.reply_get(viewer=request.user, pk=pk)
    topic = reply.topic
    if not perms.can_edit_post(request.user, reply, topic):
        messages.error(request, _("You can no longer edit this reply."))
        return redirect(reply)
    form = ReplyEditForm(request.POST or None, initial={"body": reply.body})
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.reply_edit(actor=request.user, reply=reply, body=form.cleaned_data["body"])
            except ValidationFailed as exc:
                apply_errors(form, exc)
            else:
                return redirect(reply)
        status = 422
    return render(
        request,
        "forum/edit_form.html",
        {"form": form, "topic": topic, "title": _("Edit reply")},
        status=status,
    )


def _toggle_response(request, template, context, fallback):
    if request.htmx:
        return render(request, template, context)
    return redirect(fallback)


@login_required
@require_POST
def topic_like(request, pk):
    topic = selectors.topic_get(viewer=request.user, pk=pk)
    liked = request.POST.get("liked") == "1"
    try:
        services.like_set(member=request.user, target=topic, liked=liked)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    topic.refresh_from_db(fields=["like_count"])
    return _toggle_response(
        request, "forum/partials/like_button.html", {"target": topic, "kind": "topic", "liked": liked}, topic
    )


@login_required
@require_POST
def reply_like(request, pk):
    reply = selectors.reply_get(viewer=request.user, pk=pk)
    liked = request.POST.get("liked") == "1"
    try:
        services.like_set(member=request.user, target=reply, liked=liked)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    reply.refresh_from_db(fields=["like_count"])
    return _toggle_response(
        request, "forum/partials/like_button.html", {"target": reply, "kind": "reply", "liked": liked}, reply
    )


@login_required
@require_POST
def topic_vote(request, pk):
    topic = selectors.topic_get(viewer=request.user, pk=pk)
    voted = request.POST.get("voted") == "1"
    services.vote_set(member=request.user, topic=topic, voted=voted)
    topic.refresh_from_db(fields=["vote_count"])
    return _toggle_response(
        request, "forum/partials/vote_button.html", {"topic": topic, "voted": voted, "can_vote": True}, topic
    )


def _staff_form_action(request, form, run, *, done: str, invalid: str = "") -> bool:
    """The topic page's staff forms post, act and return to the topic: run the service
    with the form's data and tell the member how it went in a message."""
    if not form.is_valid():
        if invalid:
            messages.error(request, invalid)
        return False
    try:
        run(**form.cleaned_data)
    except ValidationFailed as exc:
        messages.error(request, exc.message)
        return False
    messages.success(request, done)
    return True


@login_required
@require_POST
def topic_status(request, pk):
    topic = selectors.topic_get(viewer=request.user, pk=pk)
    _staff_form_action(
        request,
        StatusForm(request.POST),
        lambda **data: services.topic_status_change(actor=request.user, topic=topic, **data),
        done=_("Status changed; the author and voters are notified."),
        invalid=_("Choose a status and write a note."),
    )
    return redirect(topic)


@login_required
@require_POST
def topic_merge(request, pk):
    topic = selectors.topic_get(viewer=request.user, pk=pk)
    form = MergeForm(request.POST)
    if form.is_valid():
        try:
            original = selectors.topic_get(viewer=request.user, pk=form.cleaned_data["original"])
        except NotFound:
            messages.error(request, _("There is no topic with that number."))
            return redirect(topic)
        try:
            original = services.topic_merge(
                actor=request.user, duplicate=topic, original=original, note=form.cleaned_data["note"]
            )
        except ValidationFailed as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Merged; the votes moved to the original topic."))
            return redirect(original)
    else:
        messages.error(request, _("Give the number of the original topic and a note."))
    return redirect(topic)


@login_required
@require_POST
def topic_moderate(request, pk):
    topic = selectors.topic_get(viewer=request.user, pk=pk)
    _staff_form_action(
        request,
        ModerationForm(request.POST),
        lambda **data: services.topic_moderate(actor=request.user, topic=topic, **data),
        done=_("Done. The action is recorded in the audit log."),
    )
    return redirect(topic)


@login_required
@require_POST
def reply_moderate(request, pk):
    reply = selectors.reply_get(viewer=request.user, pk=pk)
    try:
        services.reply_moderate(
            actor=request.user,
            reply=reply,
            hidden=request.POST.get("hidden") == "1",
            reason=request.POST.get("reason", ""),
        )
    except ValidationFailed as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Done. The action is recorded in the audit log."))
    return redirect(reply)


@login_required
@require_POST
def topic_move(request, pk):
    topic = selectors.topic_get(viewer=request.user, pk=pk)
    _staff_form_action(
        request,
        MoveForm(request.POST),
        lambda **data: services.topic_move(actor=request.user, topic=topic, **data),
        done=_("Moved."),
        invalid=_("Choose a board."),
    )
    return redirect(topic)


@login_required
def flag_create(request, kind, pk):
    if kind not in ("topic", "reply"):
        raise NotFound()
    if kind == "topic":
        target = selectors.topic_get(viewer=request.user, pk=pk)
        topic = target
    else:
        target = selectors.reply_get(viewer=request.user, pk=pk)
        topic = target.topic
    form = FlagForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.flag_create(reporter=request.user, target=target, **form.cleaned_data)
            except ValidationFailed as exc:
                apply_errors(form, exc)
            else:
                messages.success(request, _("Thank you. A moderator will look at it."))
                return redirect(target)
        status = 422
    return render(
        request, "forum/flag_form.html", {"form": form, "target": target, "topic": topic}, status=status
    )


@login_required
def flags_queue(request):
    if not can_moderate(request.user):
        raise NotFound()
    return render(
        request, "forum/flags.html", {"flags": selectors.open_flags()[:100], "form": FlagResolveForm()}
    )


@login_required
@require_POST
def flag_resolve(request, pk):
    if not can_moderate(request.user):
        raise NotFound()
    flag = selectors.flag_get(pk=pk)
    form = FlagResolveForm(request.POST)
    if form.is_valid():
        services.flag_resolve(
            actor=request.user,
            flag=flag,
            uphold=form.cleaned_data["decision"] == "uphold",
            note=form.cleaned_data["note"],
        )
        messages.success(request, _("Flag handled."))
    return redirect("forum:flags")


# The engineer desk --------------------------------------------------------------------


@login_required
def desk(request):
    if not can_answer_feedback(request.user):
        raise NotFound()
    board = None
    if request.GET.get("board"):
        try:
            board = selectors.board_get(slug=request.GET["board"])
        except NotFound:
            board = None
    kind = request.GET.get("kind", "")
    kind = kind if kind in [k for k, _l in TopicKind.choices] else ""
    claim = request.GET.get("claim", "")
    sort = request.GET.get("sort", "oldest")
    queue = selectors.desk_queue(board=board, kind=kind, claim=claim, engineer=request.user, sort=sort)
    page = Paginator(queue, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "today": selectors.engineer_today(engineer=request.user),
        "boards": selectors.boards_list(),
        "board": board,
        "kind": kind,
        "claim": claim,
        "sort": sort,
        "kinds": [(k, label) for k, label in TopicKind.choices if k != TopicKind.DISCUSSION],
    }
    if request.htmx and request.htmx.target == "desk-queue":
        return render(request, "forum/partials/desk_queue.html", context)
    return render(request, "forum/desk.html", context)


@login_required
@require_POST
def desk_answer(request, pk):
    """Answer a topic without leaving the desk: a reply, or a status change with the
    answer as its note (for suggestions and bugs). htmx swaps the row in place."""
    if not can_answer_feedback(request.user):
        raise NotFound()
    topic = selectors.topic_get(viewer=request.user, pk=pk)
    form = DeskAnswerForm(request.POST, prefix=f"answer-{topic.pk}")
    status = 422
    if form.is_valid():
        try:
            if form.cleaned_data["status"] and topic.is_tracked:
                services.topic_status_change(
                    actor=request.user,
                    topic=topic,
                    status=form.cleaned_data["status"],
                    note=form.cleaned_data["body"],
                )
            else:
                services.reply_create(author=request.user, topic=topic, body=form.cleaned_data["body"])
        except ValidationFailed as exc:
            apply_errors(form, exc)
        else:
            if not request.htmx:
                messages.success(request, _("Answered."))
                return redirect("forum:desk")
            return render(request, "forum/partials/desk_row_done.html", {"t": topic})
    if not request.htmx:
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("forum:desk")
    return render(request, "forum/partials/desk_row.html", {"t": topic, "form": form}, status=status)


@login_required
@require_POST
def topic_claim(request, pk):
    topic = selectors.topic_get(viewer=request.user, pk=pk)
    claim = request.POST.get("claim", "1") == "1"
    services.topic_claim(engineer=request.user, topic=topic, claim=claim)
    if request.htmx:
        return render(request, "forum/partials/claim_button.html", {"topic": topic, "user": request.user})
    next_url = request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = topic.get_absolute_url()  # only back into the site, never elsewhere
    return redirect(next_url)


@login_required
def metrics(request):
    if not can_view_metrics(request.user):
        raise NotFound()
    today = timezone.localdate()
    form = DateRangeForm(request.GET or {"start": today - timedelta(days=29), "end": today})
    if form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        status = 200
    else:
        start, end = today - timedelta(days=29), today
        status = 422 if request.GET else 200
    result = selectors.response_metrics(start=start, end=end)
    chart_replies = bar_chart(
        [(d["day"].strftime("%m-%d"), d["staff_replies"]) for d in result.daily],
        title=_("Staff replies per day"),
        chart_id="chart-replies",
    )
    chart_response = bar_chart(
        [(d["day"].strftime("%m-%d"), d["median_hours"]) for d in result.daily],
        title=_("Median hours to first staff response, by day the topic was posted"),
        unit="h",
        chart_id="chart-response",
    )
    return render(
        request,
        "forum/metrics.html",
        {
            "form": form,
            "m": result,
            "chart_replies": chart_replies,
            "chart_response": chart_response,
            "days": [d["day"] for d in result.daily],
        },
        status=status,
    )
