# The account pages come from allauth (login, logout, password change and reset); the
# management of accounts is in organizations (staff: staff/leader accounts; org admins: members).
urlpatterns = []
