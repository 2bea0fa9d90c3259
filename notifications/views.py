from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from .forms import PreferencesForm
from .services import notification_preferences, notification_preferences_set


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request):
    kinds = notification_preferences(user=request.user)
    form = PreferencesForm(request.POST or None, kinds=kinds)
    if request.method == "POST" and form.is_valid():
        notification_preferences_set(user=request.user, wanted=form.cleaned_data)
        messages.success(request, "Saved: you will receive the e-mails ticked below.")
        return redirect("notification_preferences")
    return render(request, "notifications/preferences.html", {"form": form, "email": request.user.email})
