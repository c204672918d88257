from django.db import connection
from django.http import HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache


@never_cache
def health(request):
    """For load balancers: answers 200 when the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def bare(request):
    """The benchmark baseline: the cheapest response this Django stack can give, through
    the same middleware as every page (see benchmarks/)."""
    return HttpResponse(b"ok", content_type="text/plain")
