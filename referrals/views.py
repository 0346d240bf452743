"""Referral pages (filled in below)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from organizations.access import get_visible_or_404

from .models import Referral


@login_required
def referral_detail(request, pk):
    referral = get_visible_or_404(Referral, request.user, pk=pk)
    return render(request, "referrals/referral_detail.html", {"referral": referral})
