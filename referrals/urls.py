from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("new/person/<int:person_pk>/", views.referral_create, name="create"),
    path("new/visit/<int:visit_pk>/", views.referral_create_from_visit, name="create_from_visit"),
    path("new/case/<int:case_pk>/", views.referral_from_case, name="from_case"),
    path("new/request/", views.referral_request, name="request"),
    path("<int:pk>/", views.referral_detail, name="detail"),
    path("<int:pk>/case/", views.referral_open_case, name="open_case"),
]
urlpatterns += [
    path(f"<int:pk>/{action}/", views.referral_step, {"action": action}, name=action)
    for action in ("accept", "reject", "complete", "withdraw", "redirect", "approve", "decline", "cancel")
]
