# Most account pages come from allauth (login, logout, password change and reset), included
# after these in fenghua_portal.urls; the management of accounts is in organizations (staff:
# staff/leader accounts; org admins: members).
from django.urls import path

from . import views

urlpatterns = [
    # Replaces allauth's page at the same address (this URLconf is included first).
    path("email/", views.email, name="account_email"),
    path("signins/", views.signin_list, name="account_signins"),
    path("tokens/", views.api_tokens, name="account_api_tokens"),
    path("tokens/<int:pk>/revoke/", views.api_token_revoke_view, name="account_api_token_revoke"),
]
