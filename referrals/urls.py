from django.urls import path

from . import views

app_name = "referrals"

urlpatterns = [
    path("<int:pk>/", views.referral_detail, name="detail"),
]
