from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET, require_POST


@require_GET
def home(request):
    # Counting visits in the session makes every page view set the session cookie.
    request.session["visits"] = request.session.get("visits", 0) + 1
    return render(request, "shop/home.html", {"visits": request.session["visits"]})


@require_POST
def contact(request):
    request.session["last_message"] = request.POST.get("message", "")[:500]
    return HttpResponse("thanks", content_type="text/plain")


def healthz(request):
    return HttpResponse("ok", content_type="text/plain")
